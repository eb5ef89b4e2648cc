//===- StepLoadTest.cpp - Loading compiled steps
//---------------------------===//
//
// gc_rt_step_load against real shared libraries: the toy step and its
// broken variants (ABI version, target, exported symbol, byte size), a
// missing file and a file that is no library. Every error names the file
// and what is wrong; a good step reports its descriptor and the memory it
// holds (one block, every tensor 256-byte aligned in it).
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

#include <unistd.h>

using namespace gc_rt_test;

namespace {

TEST(StepLoadTest, LoadsTheToyStep) {
  Session session = createCpuSession();
  Status status;
  Step step = loadStep(session.get(), GC_TOY_STEP, status);
  ASSERT_EQ(status, nullptr) << messageOf(status);
  const gc_step_descriptor_t *descriptor = gc_rt_step_descriptor(step.get());
  ASSERT_NE(descriptor, nullptr);
  EXPECT_STREQ(descriptor->function_name, "toy_step");
  EXPECT_EQ(descriptor->num_arguments, 8);
  EXPECT_EQ(descriptor->num_results, 6);
  EXPECT_EQ(descriptor->arena_bytes, toy::kArenaBytes);

  gc_rt_memory_stats_t memory;
  ASSERT_RT_OK(gc_rt_step_memory_stats(step.get(), &memory));
  EXPECT_EQ(memory.arena_bytes, toy::kArenaBytes);
  EXPECT_EQ(memory.arena_high_water, -1);
  // 8 arguments and the 5 results not written in place, 256 bytes each
  // after alignment (every toy tensor is smaller than 256 bytes).
  EXPECT_EQ(memory.state_bytes, 13 * 256);
  EXPECT_EQ(memory.device_free_bytes, -1);
  EXPECT_EQ(memory.device_total_bytes, -1);
}

TEST(StepLoadTest, ArgumentsReadAsZerosBeforeInitialization) {
  Session session = createCpuSession();
  Status status;
  Step step = loadStep(session.get(), GC_TOY_STEP, status);
  ASSERT_EQ(status, nullptr) << messageOf(status);
  EXPECT_EQ(readTensor<float>(step.get(), "w", 5), std::vector<float>(5, 0));
  EXPECT_EQ(readScalar<int64_t>(step.get(), "seed"), 0);
}

TEST(StepLoadTest, MissingFile) {
  Session session = createCpuSession();
  Status status;
  Step step = loadStep(session.get(), "/nonexistent/libstep.so", status);
  EXPECT_EQ(step, nullptr);
  expectError(status, GC_RT_NOT_FOUND,
              {"/nonexistent/libstep.so", "No such file or directory"});
}

TEST(StepLoadTest, NotALibrary) {
  char path[] = "/tmp/gc-rt-not-a-library-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "not ELF", 7), 7);
  ::close(fd);
  Session session = createCpuSession();
  Status status;
  Step step = loadStep(session.get(), path, status);
  ::unlink(path);
  EXPECT_EQ(step, nullptr);
  // The dlerror() text follows "dlopen failed: "; its wording is glibc's.
  expectError(status, GC_RT_INVALID_ARGUMENT,
              {path, "cannot load compiled step: dlopen failed: ", path});
}

TEST(StepLoadTest, BareFileNameMeansTheWorkingDirectory) {
  // dlopen alone would search the library path for a name without a slash
  // and not find the toy there.
  std::string path = GC_TOY_STEP;
  size_t slash = path.rfind('/');
  ASSERT_NE(slash, std::string::npos);
  char previous[4096];
  ASSERT_NE(::getcwd(previous, sizeof(previous)), nullptr);
  ASSERT_EQ(::chdir(path.substr(0, slash).c_str()), 0);
  Session session = createCpuSession();
  Status status;
  Step step = loadStep(session.get(), path.substr(slash + 1), status);
  ASSERT_EQ(::chdir(previous), 0);
  EXPECT_EQ(status, nullptr) << messageOf(status);
  EXPECT_NE(step, nullptr);
}

TEST(StepLoadTest, AbiVersionMismatch) {
  Session session = createCpuSession();
  Status status;
  Step step = loadStep(session.get(), GC_TOY_STEP_BAD_ABI, status);
  EXPECT_EQ(step, nullptr);
  expectError(status, GC_RT_INVALID_ARGUMENT,
              {GC_TOY_STEP_BAD_ABI, "step ABI version 99",
               "implements version " + std::to_string(GC_STEP_ABI_VERSION)});
}

TEST(StepLoadTest, TargetMismatch) {
  Session session = createCpuSession();
  Status status;
  Step step = loadStep(session.get(), GC_TOY_STEP_CUDA_TARGET, status);
  EXPECT_EQ(step, nullptr);
  expectError(status, GC_RT_INVALID_ARGUMENT,
              {GC_TOY_STEP_CUDA_TARGET, "compiled for target 'cuda'",
               "device is 'cpu'"});
}

TEST(StepLoadTest, MissingDescriptorSymbol) {
  Session session = createCpuSession();
  Status status;
  Step step = loadStep(session.get(), GC_TOY_STEP_NO_SYMBOL, status);
  EXPECT_EQ(step, nullptr);
  // dlerror()'s text names the symbol too.
  expectError(status, GC_RT_NOT_FOUND,
              {GC_TOY_STEP_NO_SYMBOL, "no symbol 'gc_step_get_descriptor'",
               "undefined symbol: gc_step_get_descriptor"});
}

TEST(StepLoadTest, InconsistentDescriptor) {
  Session session = createCpuSession();
  Status status;
  Step step = loadStep(session.get(), GC_TOY_STEP_BAD_BYTES, status);
  EXPECT_EQ(step, nullptr);
  expectError(status, GC_RT_INVALID_ARGUMENT,
              {GC_TOY_STEP_BAD_BYTES, "invalid step descriptor",
               "argument #0 'w'", "F32 [5] (20 bytes) but claims 24 bytes"});
}

TEST(StepLoadTest, NullArguments) {
  Session session = createCpuSession();
  gc_rt_step_t *step = reinterpret_cast<gc_rt_step_t *>(1);
  Status status(gc_rt_step_load(session.get(), nullptr, &step));
  expectError(status, GC_RT_INVALID_ARGUMENT, {"library_path is NULL"});
  EXPECT_EQ(step, nullptr);
  status.reset(gc_rt_step_load(nullptr, GC_TOY_STEP, &step));
  expectError(status, GC_RT_INVALID_ARGUMENT, {"session is NULL"});
}

TEST(StepLoadTest, TwoStepsFromOneLibraryAreIndependent) {
  Session session = createCpuSession();
  Status status;
  Step first = loadStep(session.get(), GC_TOY_STEP, status);
  ASSERT_EQ(status, nullptr) << messageOf(status);
  Step second = loadStep(session.get(), GC_TOY_STEP, status);
  ASSERT_EQ(status, nullptr) << messageOf(status);
  ASSERT_RT_OK(gc_rt_step_initialize(first.get(), 1));
  ASSERT_RT_OK(gc_rt_step_initialize(second.get(), 2));
  EXPECT_NE(readTensor<float>(first.get(), "w", 5),
            readTensor<float>(second.get(), "w", 5));
  // Releasing one (and its dlopen reference) leaves the other working.
  first.reset();
  gc_rt_step_stats_t stats;
  ASSERT_RT_OK(gc_rt_step_run(second.get(), &stats));
}

} // namespace
