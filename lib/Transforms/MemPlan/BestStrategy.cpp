//===- Best.cpp - stub ---------------------------------------------===//
#include "PlannerSupport.h"
#include "Strategies.h"
using namespace gc::memplan;
using namespace gc::memplan::detail;
namespace {
class BestStrategy : public Strategy {
public:
  std::string getName() const override { return "best"; }
  bool isImprovement() const override { return true; }
  Plan plan(const std::vector<Buffer> &buffers,
            const PlanOptions &options) const override {
    return improve(buffers, bestGreedyPlan(buffers), options);
  }
  Plan improve(const std::vector<Buffer> &, const Plan &start,
               const PlanOptions &) const override {
    return start;
  }
};
} // namespace
std::unique_ptr<Strategy> detail::createBestStrategy() {
  return std::make_unique<BestStrategy>();
}
