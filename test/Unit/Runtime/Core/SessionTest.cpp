//===- SessionTest.cpp - gc_rt sessions and status objects ----------------===//
//
// Device strings (strict parsing), the CPU session, a CUDA session where
// no GPU can be used (UNAVAILABLE with a reason, never a crash; success is
// accepted only where a GPU really is present), and the status object's
// NULL conventions.
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

#include <filesystem>

using namespace gc_rt_test;

namespace {

TEST(StatusTest, NullIsSuccess) {
  EXPECT_EQ(gc_rt_status_code(nullptr), GC_RT_OK);
  EXPECT_STREQ(gc_rt_status_message(nullptr), "");
  gc_rt_status_free(nullptr);
}

TEST(SessionTest, OptionsDefaultToCpu) {
  gc_rt_session_options_t options;
  options.device = "garbage";
  gc_rt_session_options_initialize(&options);
  ASSERT_NE(options.device, nullptr);
  EXPECT_STREQ(options.device, "cpu");
}

TEST(SessionTest, CpuSession) {
  Status status;
  Session session = createSession("cpu", status);
  ASSERT_EQ(status, nullptr) << messageOf(status);
  ASSERT_NE(session, nullptr);
  EXPECT_STREQ(gc_rt_session_device_name(session.get()), "cpu");
}

TEST(SessionTest, BadDeviceStrings) {
  for (const char *device :
       {"gpu", "cuda:x", "cuda:", "cuda", "CPU", "cpu:0", "cuda:-1", "cuda:0x",
        "cuda:99999999999", " cpu", ""}) {
    SCOPED_TRACE(device);
    Status status;
    Session session = createSession(device, status);
    EXPECT_EQ(session, nullptr);
    expectError(status, GC_RT_INVALID_ARGUMENT,
                {"invalid device '" + std::string(device) + "'", "cuda:N"});
  }
}

TEST(SessionTest, NullArguments) {
  gc_rt_session_t *session = nullptr;
  Status status(gc_rt_session_create(nullptr, &session));
  expectError(status, GC_RT_INVALID_ARGUMENT, {"options is NULL"});
  EXPECT_EQ(session, nullptr);

  gc_rt_session_options_t options;
  gc_rt_session_options_initialize(&options);
  status.reset(gc_rt_session_create(&options, nullptr));
  expectError(status, GC_RT_INVALID_ARGUMENT, {"out_session is NULL"});
}

/// Whether this machine has an NVIDIA GPU with a loaded driver, judged
/// without CUDA: a GPU listed by the driver, or one of its device nodes.
bool hasNvidiaGpu() {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::directory_iterator gpus("/proc/driver/nvidia/gpus", error);
  if (!error && gpus != fs::directory_iterator())
    return true;
  for (int i = 0; i < 16; ++i)
    if (fs::exists("/dev/nvidia" + std::to_string(i), error))
      return true;
  return false;
}

TEST(SessionTest, CudaSessionNeedsADevice) {
  Status status;
  Session session = createSession("cuda:0", status);
  if (!status) {
    // Success is only right where a GPU is present, in a CUDA build.
    EXPECT_TRUE(GC_RT_TEST_HAVE_CUDA)
        << "a CUDA session in a build without CUDA";
    EXPECT_TRUE(hasNvidiaGpu()) << "a CUDA session without a GPU";
    ASSERT_NE(session, nullptr);
    expectMentions(gc_rt_session_device_name(session.get()), {"(cuda:0)"});
    return;
  }
  EXPECT_EQ(session, nullptr);
  expectError(status, GC_RT_UNAVAILABLE, {"cuda:0: "});
  if (!GC_RT_TEST_HAVE_CUDA) {
    expectMentions(messageOf(status), {"built without CUDA"});
  } else {
    // A driver older than the toolkit is the machine's problem, not ours.
    if (messageOf(status).find("cudaErrorInsufficientDriver") ==
        std::string::npos)
      EXPECT_FALSE(hasNvidiaGpu())
          << "a GPU is present but the session failed: " << messageOf(status);
    expectMentions(messageOf(status),
                   {"no CUDA device available (cudaGetDeviceCount: "});
  }
}

TEST(SessionTest, CudaOrdinalBeyondTheDevices) {
  Status status;
  Session session = createSession("cuda:4096", status);
  EXPECT_EQ(session, nullptr);
  // Unavailable either way: no CUDA, no device, or no device 4096.
  expectError(status, GC_RT_UNAVAILABLE, {"cuda:4096: "});
}

TEST(SessionTest, StepKeepsItsSessionAlive) {
  Session session = createCpuSession();
  Status status;
  Step step = loadStep(session.get(), GC_TOY_STEP, status);
  ASSERT_EQ(status, nullptr) << messageOf(status);
  // Released first, the session must stay usable by the step.
  session.reset();
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 3));
  gc_rt_step_stats_t stats;
  ASSERT_RT_OK(gc_rt_step_run(step.get(), &stats));
}

} // namespace
