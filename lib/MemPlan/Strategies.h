//===- Strategies.h - The planner's strategies, by constructor --*- C++ -*-===//
//
// One constructor per strategy, for the registry in MemoryPlanner.cpp; each
// strategy's file describes its algorithm.
//
//===----------------------------------------------------------------------===//

#ifndef GC_LIB_MEMPLAN_STRATEGIES_H
#define GC_LIB_MEMPLAN_STRATEGIES_H

#include "gc/MemPlan/MemoryPlanner.h"

#include <memory>

namespace gc::memplan::detail {

std::unique_ptr<Strategy> createGreedySizeStrategy();
std::unique_ptr<Strategy> createGreedyLifetimeStrategy();
std::unique_ptr<Strategy> createGreedyBreadthStrategy();
std::unique_ptr<Strategy> createLocalSearchStrategy();
std::unique_ptr<Strategy> createSearchStrategy();
std::unique_ptr<Strategy> createBestStrategy();

} // namespace gc::memplan::detail

#endif // GC_LIB_MEMPLAN_STRATEGIES_H
