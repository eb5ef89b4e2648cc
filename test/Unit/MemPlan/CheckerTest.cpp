#include "gc/Transforms/MemPlan/MemoryPlanner.h"
#include <gtest/gtest.h>
TEST(Checker, Placeholder) {}
