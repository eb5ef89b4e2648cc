//===- GreedyStrategies.cpp - One pass over an order of the buffers -------===//
//
// The greedy strategies: an order plus a placement rule (Placement.cpp).
// They take milliseconds, are what production frameworks ship, and are the
// starting plans of the improvement phases.
//
//  - greedy-size: largest buffer first, best fit. TFLite's "greedy by size"
//    (Pisarchyk and Lee, "Efficient Memory Management for Deep Neural Net
//    Inference", 2020) and XLA's GlobalDecreasingSizeBestFitHeap. Large
//    buffers are the hardest to fit, so they go first, into the tightest gap.
//  - greedy-lifetime: earliest first use first, first fit: the linear-scan
//    order of a runtime caching allocator, the baseline any static plan
//    should beat.
//  - greedy-breadth: TFLite's "greedy by breadth": the buffers live at the
//    moment of highest memory pressure first (largest first), then those of
//    the next fullest moment, and so on, best fit. The buffers live together
//    at the peak are placed first and therefore pack without gaps, which is
//    what reaching the lower bound requires.
//
//===----------------------------------------------------------------------===//

#include "PlannerSupport.h"
#include "Strategies.h"

using namespace gc::memplan;
using namespace gc::memplan::detail;

namespace {

using OrderFn = std::vector<int32_t> (*)(const Instance &);

class GreedyStrategy : public Strategy {
public:
  GreedyStrategy(const char *name, OrderFn orderFn, Fit fit)
      : name(name), orderFn(orderFn), fit(fit) {}
  std::string getName() const override { return name; }
  Plan plan(const std::vector<Buffer> &buffers,
            const PlanOptions &) const override {
    Deadline clock(0);
    Instance instance(buffers);
    std::vector<int64_t> offsets =
        placeInOrder(instance, orderFn(instance), fit);
    return makePlan(instance, std::move(offsets), name, clock.wallSeconds());
  }

private:
  const char *name;
  OrderFn orderFn;
  Fit fit;
};

} // namespace

std::unique_ptr<Strategy> detail::createGreedySizeStrategy() {
  return std::make_unique<GreedyStrategy>("greedy-size", orderBySize,
                                          Fit::Best);
}

std::unique_ptr<Strategy> detail::createGreedyLifetimeStrategy() {
  return std::make_unique<GreedyStrategy>("greedy-lifetime", orderByLifetime,
                                          Fit::First);
}

std::unique_ptr<Strategy> detail::createGreedyBreadthStrategy() {
  return std::make_unique<GreedyStrategy>("greedy-breadth", orderByBreadth,
                                          Fit::Best);
}

Plan detail::bestGreedyPlan(const std::vector<Buffer> &buffers) {
  Deadline clock(0);
  Instance instance(buffers);
  struct Candidate {
    const char *name;
    OrderFn orderFn;
    Fit fit;
  };
  const Candidate candidates[] = {
      {"greedy-size", orderBySize, Fit::Best},
      {"greedy-breadth", orderByBreadth, Fit::Best},
      {"greedy-lifetime", orderByLifetime, Fit::First},
  };
  Plan best;
  bool found = false;
  for (const Candidate &candidate : candidates) {
    std::vector<int64_t> offsets =
        placeInOrder(instance, candidate.orderFn(instance), candidate.fit);
    int64_t arena = arenaOf(instance, offsets);
    if (!found || arena < best.arenaBytes)
      best = makePlan(instance, std::move(offsets), candidate.name, 0);
    found = true;
  }
  best.seconds = clock.wallSeconds();
  return best;
}

Plan detail::ImprovementStrategy::plan(const std::vector<Buffer> &buffers,
                                       const PlanOptions &options) const {
  Deadline clock(0);
  Plan start = bestGreedyPlan(buffers);
  PlanOptions rest = options;
  rest.timeLimitSeconds -= clock.elapsed();
  Plan plan = improve(buffers, start, rest);
  plan.seconds = clock.wallSeconds();
  return plan;
}
