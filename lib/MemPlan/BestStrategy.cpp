//===- BestStrategy.cpp - The default: every strategy, smallest arena -----===//
//
// `best` is what the compiler uses unless told otherwise. It runs the greedy
// strategies (milliseconds), then improves the smallest of their plans with
// the search (SearchStrategy.cpp) for most of the time limit and with the
// local search over placement orders (LocalSearch.cpp) for the rest. Each
// phase starts from the best plan so far and never returns a worse one, so
// `best` is never worse than any greedy strategy, and it stops as soon as a
// plan is proven optimal (it reaches the lower bound, or the search has
// exhausted every smaller capacity).
//
//===----------------------------------------------------------------------===//

#include "PlannerSupport.h"
#include "Strategies.h"

using namespace gc::memplan;
using namespace gc::memplan::detail;

namespace {

class BestStrategy : public Strategy {
public:
  std::string getName() const override { return "best"; }
  Plan plan(const std::vector<Buffer> &buffers,
            const PlanOptions &options) const override {
    Deadline clock(options.timeLimitSeconds);
    Plan best = bestGreedyPlan(buffers);
    int64_t bound = lowerBound(buffers);
    // The search gets nine tenths of the time, the local search most of the
    // rest; the margin absorbs the last step of each.
    const double shares[] = {0.9, 0.97};
    std::unique_ptr<Strategy> phases[] = {createSearchStrategy(),
                                          createLocalSearchStrategy()};
    for (int p = 0; p < 2 && best.arenaBytes > bound && !best.optimal; ++p) {
      PlanOptions phaseOptions = options;
      phaseOptions.timeLimitSeconds =
          options.timeLimitSeconds * shares[p] - clock.elapsed();
      if (phaseOptions.timeLimitSeconds <= 0)
        continue;
      best = phases[p]->improve(buffers, best, phaseOptions);
    }
    best.seconds = clock.wallSeconds();
    return best;
  }
};

} // namespace

std::unique_ptr<Strategy> detail::createBestStrategy() {
  return std::make_unique<BestStrategy>();
}
