//===- RunTest.cpp - Initializing and running a step
//-----------------------===//
//
// Initialization values against the init rules computed here from
// SplitMix64 and initStreamKey (the streams gc-run's generated inputs use),
// runs with result feedback (copied and in place), the seed and
// optimizer.step counters, a data error that must change nothing, the
// arena tracker (the toy writes exactly kArenaBytes bytes, its last one
// equal to the first sentinel) and an arena overrun, and the demo program.
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

#include "gc_rt/InitRandom.h"
#include "gc_rt/Safetensors.h"

#include <cmath>
#include <cstdio>
#include <sys/wait.h>

using namespace gc_rt_test;
using gc::rt::initStreamKey;
using gc::rt::SplitMix64;

namespace {

template <typename T> std::vector<uint8_t> bytesOf(const std::vector<T> &v) {
  std::vector<uint8_t> bytes(v.size() * sizeof(T));
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return bytes;
}

TEST(InitRandomTest, SplitMix64ReferenceValue) {
  // The first output of SplitMix64 from state 0 (Vigna's splitmix64.c), so
  // that a change to the generator cannot go unnoticed.
  SplitMix64 random(0);
  EXPECT_EQ(random.next(), 0xE220A8397B1DCDAFull);
}

using InitializeTest = ToyStepTest;

TEST_F(InitializeTest, FollowsTheInitRules) {
  const uint64_t seed = 7;
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), seed));

  // NORMAL: scale * normal(), converted with static_cast, in element order.
  SplitMix64 wStream(initStreamKey(seed, "w"));
  std::vector<float> w(5);
  for (float &value : w)
    value = static_cast<float>(0.02 * wStream.normal());
  EXPECT_EQ(bytesOf(readTensor<float>(step.get(), "w", 5)), bytesOf(w));

  SplitMix64 xStream(initStreamKey(seed, "x"));
  std::vector<float> x(5);
  for (float &value : x)
    value = static_cast<float>(1.0 * xStream.normal());
  EXPECT_EQ(bytesOf(readTensor<float>(step.get(), "x", 5)), bytesOf(x));

  // INDEX: next() % bound, through double as gc-run's HostTensor does.
  SplitMix64 idStream(initStreamKey(seed, "ids"));
  std::vector<int32_t> ids(3);
  for (int32_t &value : ids)
    value = static_cast<int32_t>(
        static_cast<double>(idStream.next() % toy::kIdBound));
  EXPECT_EQ(readTensor<int32_t>(step.get(), "ids", 3), ids);

  EXPECT_EQ(readTensor<float>(step.get(), "optimizer.momentum.w", 5),
            std::vector<float>(5, 0.0f));
  EXPECT_EQ(readTensor<double>(step.get(), "norm.weight", 6),
            std::vector<double>(6, 1.0));
  EXPECT_EQ(readScalar<int64_t>(step.get(), "optimizer.step"), 1);
  EXPECT_EQ(readScalar<int64_t>(step.get(), "seed"), 7);

  // Plausibility of the values themselves: small weights, unit-scale batch.
  for (float value : w)
    EXPECT_LT(std::fabs(value), 0.2f);
  EXPECT_NE(w, std::vector<float>(5, 0.0f));
}

TEST_F(InitializeTest, DeterministicAndSeedDependent) {
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 11));
  std::vector<float> first = readTensor<float>(step.get(), "w", 5);
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 12));
  std::vector<float> other = readTensor<float>(step.get(), "w", 5);
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 11));
  EXPECT_EQ(bytesOf(readTensor<float>(step.get(), "w", 5)), bytesOf(first));
  EXPECT_NE(other, first);
}

TEST_F(InitializeTest, SeedAboveInt64MaxWraps) {
  // gc-run stores static_cast<int64_t>(seed); the bit pattern survives.
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), ~0ull));
  EXPECT_EQ(readScalar<int64_t>(step.get(), "seed"), -1);
}

using RunTest = ToyStepTest;

TEST_F(RunTest, FeedsResultsBackAndCountsSteps) {
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 5));
  std::vector<float> w = readTensor<float>(step.get(), "w", 5);
  std::vector<float> x = readTensor<float>(step.get(), "x", 5);
  std::vector<float> momentum(5, 0.0f);

  for (int k = 0; k < 3; ++k) {
    SCOPED_TRACE("step " + std::to_string(k));
    gc_rt_step_stats_t stats;
    stats.loss = -1;
    stats.seconds = -1;
    ASSERT_RT_OK(gc_rt_step_run(step.get(), &stats));

    double sum = 0;
    for (int i = 0; i < 5; ++i)
      sum += w[i] * x[i];
    EXPECT_EQ(stats.loss, static_cast<float>(sum / 5));
    EXPECT_GE(stats.seconds, 0.0);

    for (int i = 0; i < 5; ++i) {
      momentum[i] = toy::kMomentum * momentum[i] + x[i] / toy::kSize;
      w[i] = w[i] - toy::kLearningRate * momentum[i];
    }
    // The in-place result is the argument; the copied one replaced it.
    EXPECT_EQ(readTensor<float>(step.get(), "optimizer.momentum.w", 5),
              momentum);
    EXPECT_EQ(readTensor<float>(step.get(), "w", 5), w);
    // Step k ran with seed + k and optimizer.step = 1 + k; afterwards the
    // seed argument is seed + k + 1.
    EXPECT_EQ(readScalar<int64_t>(step.get(), "seen_seed"), 5 + k);
    EXPECT_EQ(readScalar<int64_t>(step.get(), "seen_step"), 1 + k);
    EXPECT_EQ(readScalar<int64_t>(step.get(), "seed"), 5 + k + 1);
    // read_tensor prefers the result, the step's step + 1 (the next).
    EXPECT_EQ(readScalar<int64_t>(step.get(), "optimizer.step"),
              1 + k + toy::kStepResultOffset);
  }
  // The batch is never fed: the same every step.
  EXPECT_EQ(readTensor<float>(step.get(), "x", 5), x);
}

TEST_F(RunTest, StepCounterTakesTheResultFedIntoIt) {
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 5));
  gc_rt_step_stats_t stats;
  ASSERT_RT_OK(gc_rt_step_run(step.get(), &stats));
  ASSERT_RT_OK(gc_rt_step_run(step.get(), &stats));
  // The step returns its counter + 1, which the argument takes: 1, 2, 3;
  // the saved state holds the 2 completed steps.
  std::string path = pathOf("state.safetensors");
  ASSERT_RT_OK(gc_rt_step_save_state(step.get(), path.c_str()));
  std::vector<gc::rt::NamedTensor> tensors;
  gc::rt::Status read = gc::rt::readSafetensors(path, tensors);
  ASSERT_TRUE(read.isOk()) << read.message();
  const gc::rt::NamedTensor *counter =
      gc::rt::findTensor(tensors, "optimizer.step");
  ASSERT_NE(counter, nullptr);
  ASSERT_EQ(counter->data.size(), 8u);
  int64_t value;
  std::memcpy(&value, counter->data.data(), 8);
  EXPECT_EQ(value, 2);
}

TEST_F(RunTest, CountersContinueFromLoadedValues) {
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 5));
  int64_t seed = 1000, counter = 40;
  ASSERT_RT_OK(gc_rt_step_set_argument(step.get(), "seed", &seed, 8));
  ASSERT_RT_OK(
      gc_rt_step_set_argument(step.get(), "optimizer.step", &counter, 8));
  gc_rt_step_stats_t stats;
  ASSERT_RT_OK(gc_rt_step_run(step.get(), &stats));
  ASSERT_RT_OK(gc_rt_step_run(step.get(), &stats));
  EXPECT_EQ(readScalar<int64_t>(step.get(), "seen_seed"), 1001);
  EXPECT_EQ(readScalar<int64_t>(step.get(), "seen_step"), 41);
}

TEST_F(RunTest, StatsAreOptional) {
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 5));
  ASSERT_RT_OK(gc_rt_step_run(step.get(), nullptr));
  EXPECT_EQ(readScalar<int64_t>(step.get(), "seed"), 6);
}

TEST_F(RunTest, DataErrorChangesNothing) {
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 5));
  gc_rt_step_stats_t stats;
  ASSERT_RT_OK(gc_rt_step_run(step.get(), &stats));
  std::vector<float> w = readTensor<float>(step.get(), "w", 5);
  int32_t badIds[3] = {0, 9, 1};
  ASSERT_RT_OK(
      gc_rt_step_set_argument(step.get(), "ids", badIds, sizeof(badIds)));

  Status status(gc_rt_step_run(step.get(), &stats));
  expectError(status, GC_RT_DATA_ERROR,
              {"step 'toy_step'", GC_TOY_STEP, "failed on cpu",
               "ids[1] = 9 is out of range [0, 7)"});
  // No feedback, no counting; the failed run's results are not readable.
  EXPECT_EQ(readScalar<int64_t>(step.get(), "seed"), 6);
  EXPECT_EQ(readTensor<float>(step.get(), "w", 5), w);
  float loss;
  status.reset(gc_rt_step_read_tensor(step.get(), "loss", &loss, 4));
  expectError(status, GC_RT_INVALID_ARGUMENT,
              {"result 'loss'", "no step has completed"});
  status.reset(
      gc_rt_step_save_results(step.get(), pathOf("r.safetensors").c_str()));
  expectError(status, GC_RT_INVALID_ARGUMENT, {"no step has completed"});

  // Fixed data: the step runs again from where it was.
  int32_t goodIds[3] = {0, 6, 1};
  ASSERT_RT_OK(
      gc_rt_step_set_argument(step.get(), "ids", goodIds, sizeof(goodIds)));
  ASSERT_RT_OK(gc_rt_step_run(step.get(), &stats));
  EXPECT_EQ(readScalar<int64_t>(step.get(), "seen_seed"), 6);
}

TEST_F(RunTest, SetAndReadErrors) {
  float values[5] = {};
  Status status(
      gc_rt_step_set_argument(step.get(), "v", values, sizeof(values)));
  expectError(status, GC_RT_NOT_FOUND,
              {"no argument 'v'", "'w'", "'optimizer.momentum.w'", "'seed'"});
  status.reset(gc_rt_step_set_argument(step.get(), "w", values, 16));
  expectError(status, GC_RT_INVALID_ARGUMENT,
              {"argument 'w'", "F32 [5], 20 bytes, but 16 bytes were given"});
  status.reset(gc_rt_step_read_tensor(step.get(), "w", values, 24));
  expectError(status, GC_RT_INVALID_ARGUMENT,
              {"argument 'w'", "20 bytes, but 24 bytes were given"});
  status.reset(gc_rt_step_read_tensor(step.get(), "nothing", values, 4));
  expectError(status, GC_RT_NOT_FOUND, {"no argument or result 'nothing'"});
  // Before any run, a result-only name has no value.
  status.reset(gc_rt_step_read_tensor(step.get(), "loss", values, 4));
  expectError(status, GC_RT_INVALID_ARGUMENT, {"no step has completed"});
}

//===----------------------------------------------------------------------===//
// Arena tracking
//===----------------------------------------------------------------------===//

int64_t highWater(gc_rt_step_t *step) {
  gc_rt_memory_stats_t memory;
  Status status(gc_rt_step_memory_stats(step, &memory));
  EXPECT_EQ(status, nullptr) << messageOf(status);
  return memory.arena_high_water;
}

using ArenaTrackingTest = ToyStepTest;

TEST_F(ArenaTrackingTest, HighWaterEqualsTheBytesWritten) {
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 1));
  gc_rt_step_stats_t stats;
  // Untracked runs measure nothing.
  ASSERT_RT_OK(gc_rt_step_run(step.get(), &stats));
  EXPECT_EQ(highWater(step.get()), -1);

  ASSERT_RT_OK(gc_rt_step_track_arena(step.get(), 1));
  ASSERT_RT_OK(gc_rt_step_run(step.get(), &stats));
  // The last byte written equals the first sentinel, so one run sees one
  // byte less than the step wrote...
  EXPECT_EQ(highWater(step.get()), toy::kArenaBytes - 1);
  ASSERT_RT_OK(gc_rt_step_run(step.get(), &stats));
  // ...and the second, with the other sentinel, sees all of it.
  EXPECT_EQ(highWater(step.get()), toy::kArenaBytes);
  ASSERT_RT_OK(gc_rt_step_run(step.get(), &stats));
  EXPECT_EQ(highWater(step.get()), toy::kArenaBytes);

  // Off keeps the figure; on again starts over, with the first sentinel.
  ASSERT_RT_OK(gc_rt_step_track_arena(step.get(), 0));
  ASSERT_RT_OK(gc_rt_step_run(step.get(), &stats));
  EXPECT_EQ(highWater(step.get()), toy::kArenaBytes);
  ASSERT_RT_OK(gc_rt_step_track_arena(step.get(), 1));
  EXPECT_EQ(highWater(step.get()), -1);
  ASSERT_RT_OK(gc_rt_step_run(step.get(), &stats));
  EXPECT_EQ(highWater(step.get()), toy::kArenaBytes - 1);
}

TEST(ArenaOverrunTest, WritePastTheArenaFailsTheRun) {
  Session session = createCpuSession();
  Status status;
  Step step = loadStep(session.get(), GC_TOY_STEP_OVERRUN, status);
  ASSERT_EQ(status, nullptr) << messageOf(status);
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 1));
  gc_rt_step_stats_t stats;
  // Untracked, the stray byte lands in the guard zone unnoticed.
  ASSERT_RT_OK(gc_rt_step_run(step.get(), &stats));
  EXPECT_EQ(readScalar<int64_t>(step.get(), "seed"), 2);

  ASSERT_RT_OK(gc_rt_step_track_arena(step.get(), 1));
  status.reset(gc_rt_step_run(step.get(), &stats));
  expectError(status, GC_RT_INTERNAL,
              {"step 'toy_step'", "wrote past the end of its arena",
               "byte " + std::to_string(toy::kArenaBytes + 100),
               "101 bytes beyond the planned 1000 bytes"});
  // Nothing fed back from a step that broke its memory plan.
  EXPECT_EQ(readScalar<int64_t>(step.get(), "seed"), 2);
}

//===----------------------------------------------------------------------===//
// The demo program
//===----------------------------------------------------------------------===//

/// Runs `command` through the shell; returns its exit status and output.
int runCommand(const std::string &command, std::string &output) {
  FILE *pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe)
    return -1;
  char buffer[4096];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    output.append(buffer, got);
  int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

using DemoTest = ToyStepTest;

TEST_F(DemoTest, TrainsTheToyStep) {
  std::string state = pathOf("trained.safetensors");
  std::string output;
  int exitCode = runCommand(std::string("'") + GC_RT_DEMO + "' '" +
                                GC_TOY_STEP + "' 3 cpu '" + state + "'",
                            output);
  EXPECT_EQ(exitCode, 0) << output;
  expectMentions(output,
                 {"toy_step on cpu", "step 1: loss = ", "step 3: loss = ",
                  "arena 1000 bytes", "saved state to " + state});
  EXPECT_EQ(output.find("step 4"), std::string::npos) << output;

  // The demo's state is what the API gives for the same seed and steps.
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 42));
  for (int i = 0; i < 3; ++i)
    ASSERT_RT_OK(gc_rt_step_run(step.get(), nullptr));
  std::string mine = pathOf("mine.safetensors");
  ASSERT_RT_OK(gc_rt_step_save_state(step.get(), mine.c_str()));
  EXPECT_EQ(readFile(state), readFile(mine));
}

TEST(DemoErrorTest, ReportsErrors) {
  std::string output;
  int exitCode = runCommand(
      std::string("'") + GC_RT_DEMO + "' '" + GC_TOY_STEP + "' 3 gpu", output);
  EXPECT_EQ(exitCode, 1) << output;
  expectMentions(output, {"error: invalid device 'gpu'"});
}

} // namespace
