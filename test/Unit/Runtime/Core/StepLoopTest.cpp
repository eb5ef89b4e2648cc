//===- StepLoopTest.cpp - The one step loop -------------------------------===//
//
// gc_rt/StepLoop.h against a scripted backend: the order of its calls, that
// a result fed into a counter does not shift it, that in-place results are
// not fed, and that a failing step neither feeds nor advances anything.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/StepLoop.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

using namespace gc::rt;

namespace {
/// Arguments and results are int64 scalars; every call is logged.
struct ScriptedBackend {
  using Error = bool; // true: failed
  std::vector<int64_t> arguments;
  std::vector<int64_t> results;
  std::vector<std::string> log;
  bool failCall = false;

  bool failed(Error error) const { return error; }
  Error success() { return false; }
  Error readScalar(int32_t argument, int64_t *value) {
    log.push_back("read " + std::to_string(argument));
    *value = arguments[argument];
    return false;
  }
  Error writeScalar(int32_t argument, int64_t value) {
    log.push_back("write " + std::to_string(argument));
    arguments[argument] = value;
    return false;
  }
  Error call() {
    log.push_back("call");
    return failCall;
  }
  Error feed(int32_t result, int32_t argument) {
    log.push_back("feed " + std::to_string(result) + "->" +
                  std::to_string(argument));
    arguments[argument] = results[result];
    return false;
  }
};

StepLoopPlan plan() {
  StepLoopPlan p;
  p.seedArgument = 0;
  p.stepCounterArgument = 1;
  p.feedback = {{0, 2},
                {1, 1}}; // a parameter, and a result fed into the counter
  return p;
}
} // namespace

TEST(StepLoopTest, CountersAdvanceAfterTheFeedback) {
  ScriptedBackend backend;
  backend.arguments = {41, 7, 0};
  backend.results = {5, 1000};
  StepLoopPlan p = plan();
  p.feedback = {{0, 2}, {1, 0}}; // a parameter, and a result fed to the seed
  EXPECT_FALSE(runOneStep(p, backend));
  // The seed is its pre-step value + 1, not the result fed into it; so is
  // the counter, which no result feeds.
  EXPECT_EQ(backend.arguments[0], 42);
  EXPECT_EQ(backend.arguments[1], 8);
  EXPECT_EQ(backend.arguments[2], 5);
  std::vector<std::string> expected = {"read 0",    "read 1",    "call",
                                       "feed 0->2", "feed 1->0", "write 0",
                                       "write 1"};
  EXPECT_EQ(backend.log, expected);
}

// A step that returns its counter (loss scaling: a skipped update does not
// count) sets it; the loop does not advance it.
TEST(StepLoopTest, AStepThatReturnsTheCounterSetsIt) {
  ScriptedBackend backend;
  backend.arguments = {41, 7, 0};
  backend.results = {5, 7};
  EXPECT_TRUE(plan().stepSetsCounter());
  EXPECT_FALSE(runOneStep(plan(), backend));
  EXPECT_EQ(backend.arguments[0], 42);
  EXPECT_EQ(backend.arguments[1], 7);
  std::vector<std::string> expected = {"read 0",    "read 1",    "call",
                                       "feed 0->2", "feed 1->1", "write 0"};
  EXPECT_EQ(backend.log, expected);
}

TEST(StepLoopTest, AFailedStepChangesNothing) {
  ScriptedBackend backend;
  backend.arguments = {41, 7, 0};
  backend.results = {5, 1000};
  backend.failCall = true;
  EXPECT_TRUE(runOneStep(plan(), backend));
  EXPECT_EQ(backend.arguments, (std::vector<int64_t>{41, 7, 0}));
}

TEST(StepLoopTest, DescriptorPlanSkipsInPlaceResults) {
  gc_step_tensor_t arguments[3] = {};
  arguments[0].role = GC_STEP_ROLE_PARAMETER;
  arguments[1].role = GC_STEP_ROLE_STEP_COUNTER;
  arguments[2].role = GC_STEP_ROLE_SEED;
  gc_step_tensor_t results[3] = {};
  results[0].feeds_argument = -1; // the loss
  results[1].feeds_argument = 0;  // the parameter, written in place
  results[1].written_in_place = 1;
  results[2].feeds_argument = 0; // copied
  gc_step_descriptor_t descriptor = {};
  descriptor.num_arguments = 3;
  descriptor.arguments = arguments;
  descriptor.num_results = 3;
  descriptor.results = results;
  StepLoopPlan p = getStepLoopPlan(descriptor);
  EXPECT_EQ(p.seedArgument, 2);
  EXPECT_EQ(p.stepCounterArgument, 1);
  ASSERT_EQ(p.feedback.size(), 1u);
  EXPECT_EQ(p.feedback[0], (std::pair<int32_t, int32_t>{2, 0}));
}
