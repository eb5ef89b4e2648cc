//===- BufferCsvFuzzer.cpp - Fuzz gc-plan's CSV reader and the planner ----===//
//
// Any text as a CSV planning problem: parseBufferCsv accepts it or names the
// line that is wrong; an accepted problem is planned by the greedy
// strategies and the search, and every plan must pass checkPlan.
//
//===----------------------------------------------------------------------===//

#include "gc/MemPlan/BufferCsv.h"
#include "gc/MemPlan/MemoryPlanner.h"

#include <cstdio>
#include <cstdlib>

using namespace gc::memplan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  BufferCsv problem = parseBufferCsv(
      "fuzz.csv", std::string_view(reinterpret_cast<const char *>(data), size),
      /*alignment=*/1);
  if (!problem.error.empty())
    return 0;
  PlanOptions options;
  options.timeLimitSeconds = 0.01;
  for (const char *name : {"greedy-size", "greedy-breadth", "best"}) {
    std::unique_ptr<Strategy> strategy = createStrategy(name);
    Plan plan = strategy->plan(problem.buffers, options);
    std::string violation = checkPlan(problem.buffers, plan);
    if (!violation.empty()) {
      std::fprintf(stderr, "strategy %s: %s\n", name, violation.c_str());
      std::abort();
    }
  }
  return 0;
}
