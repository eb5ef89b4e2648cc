//===- StateIOTest.cpp - Checkpoints of a step
//------------------------------===//
//
// save_state / load_tensors round trips bit for bit; a file that does not
// fit the step (dtype, shape, unknown name), a corrupt and a truncated file
// are rejected with messages and leave every argument as it was; a save
// killed half-way (SIGXFSZ from RLIMIT_FSIZE in a forked child, a real
// death mid-write) and a save that fails leave the previous checkpoint
// intact and loadable; save_results writes each result once, in-place ones
// with their argument's value.
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

#include "gc_rt/Safetensors.h"

#include <cmath>
#include <csignal>
#include <cstring>
#include <set>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace gc_rt_test;
using gc::rt::DType;
using gc::rt::NamedTensor;

namespace {

/// Every argument of the toy step, as raw bytes, by name. Only used before
/// any run: afterwards read_tensor prefers a result of the same name.
std::map<std::string, std::vector<uint8_t>> snapshot(gc_rt_step_t *step) {
  std::map<std::string, std::vector<uint8_t>> values;
  const gc_step_descriptor_t *descriptor = gc_rt_step_descriptor(step);
  for (int32_t i = 0; i < descriptor->num_arguments; ++i) {
    const gc_step_tensor_t &argument = descriptor->arguments[i];
    std::vector<uint8_t> bytes(static_cast<size_t>(argument.bytes));
    Status status(gc_rt_step_read_tensor(step, argument.name, bytes.data(),
                                         bytes.size()));
    EXPECT_EQ(status, nullptr) << messageOf(status);
    values[argument.name] = bytes;
  }
  return values;
}

std::vector<NamedTensor> readAll(const std::string &path) {
  std::vector<NamedTensor> tensors;
  gc::rt::Status status = gc::rt::readSafetensors(path, tensors);
  EXPECT_TRUE(status.isOk()) << status.message();
  return tensors;
}

NamedTensor makeTensor(std::string name, DType dtype,
                       std::vector<int64_t> shape, size_t bytes, uint8_t fill) {
  NamedTensor tensor;
  tensor.name = std::move(name);
  tensor.dtype = dtype;
  tensor.shape = std::move(shape);
  tensor.data.assign(bytes, fill);
  return tensor;
}

void writeTensors(const std::string &path,
                  const std::vector<NamedTensor> &tensors) {
  gc::rt::Status status = gc::rt::writeSafetensors(path, tensors);
  ASSERT_TRUE(status.isOk()) << status.message();
}

using StateIOTest = ToyStepTest;

TEST_F(StateIOTest, SaveStateHoldsParametersAndOptimizerState) {
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 3));
  std::string path = pathOf("state.safetensors");
  ASSERT_RT_OK(gc_rt_step_save_state(step.get(), path.c_str()));
  std::map<std::string, std::string> metadata;
  std::vector<NamedTensor> tensors;
  gc::rt::Status read = gc::rt::readSafetensors(path, tensors, &metadata);
  ASSERT_TRUE(read.isOk()) << read.message();
  std::set<std::string> names;
  for (const NamedTensor &tensor : tensors)
    names.insert(tensor.name);
  EXPECT_EQ(names, (std::set<std::string>{"w", "optimizer.momentum.w",
                                          "optimizer.step", "norm.weight"}));
  EXPECT_EQ(metadata["format"], "pt");
  EXPECT_EQ(metadata["gc.function"], "toy_step");
  const NamedTensor *norm = gc::rt::findTensor(tensors, "norm.weight");
  ASSERT_NE(norm, nullptr);
  EXPECT_EQ(norm->dtype, DType::F64);
  EXPECT_EQ(norm->shape, (std::vector<int64_t>{2, 3}));
}

TEST_F(StateIOTest, RoundTripIsBitwise) {
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 3));
  ASSERT_RT_OK(gc_rt_step_run(step.get(), nullptr));
  ASSERT_RT_OK(gc_rt_step_run(step.get(), nullptr));
  std::string path = pathOf("state.safetensors");
  ASSERT_RT_OK(gc_rt_step_save_state(step.get(), path.c_str()));
  std::vector<uint8_t> saved = readFile(path);

  // A different start, then the checkpoint: the state comes back exactly,
  // the batch (not part of the state) stays as initialized.
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 99));
  std::vector<float> x = readTensor<float>(step.get(), "x", 5);
  ASSERT_RT_OK(gc_rt_step_load_tensors(step.get(), path.c_str(), 0));
  std::string again = pathOf("again.safetensors");
  ASSERT_RT_OK(gc_rt_step_save_state(step.get(), again.c_str()));
  EXPECT_EQ(readFile(again), saved);
  EXPECT_EQ(readTensor<float>(step.get(), "x", 5), x);
}

TEST_F(StateIOTest, LoadsBatchTensors) {
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 3));
  std::string path = pathOf("batch.safetensors");
  std::vector<float> x = {1, 2, 3, 4, 5};
  std::vector<int32_t> ids = {6, 5, 4};
  NamedTensor xTensor = makeTensor("x", DType::F32, {5}, 20, 0);
  std::memcpy(xTensor.data.data(), x.data(), 20);
  NamedTensor idTensor = makeTensor("ids", DType::I32, {3}, 12, 0);
  std::memcpy(idTensor.data.data(), ids.data(), 12);
  writeTensors(path, {xTensor, idTensor});
  ASSERT_RT_OK(gc_rt_step_load_tensors(step.get(), path.c_str(), 0));
  EXPECT_EQ(readTensor<float>(step.get(), "x", 5), x);
  EXPECT_EQ(readTensor<int32_t>(step.get(), "ids", 3), ids);
}

TEST_F(StateIOTest, MismatchChangesNothing) {
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 3));
  auto before = snapshot(step.get());
  std::string path = pathOf("bad.safetensors");
  // A fitting tensor (stored first: F64 sorts before F32) and a misfit.
  writeTensors(path, {makeTensor("norm.weight", DType::F64, {2, 3}, 48, 7),
                      makeTensor("w", DType::F32, {4}, 16, 7)});
  Status status(gc_rt_step_load_tensors(step.get(), path.c_str(), 0));
  expectError(status, GC_RT_INVALID_ARGUMENT,
              {path, "tensor 'w' is F32 [4]", "step 'toy_step'", "is F32 [5]"});
  EXPECT_EQ(snapshot(step.get()), before);

  writeTensors(path, {makeTensor("norm.weight", DType::F64, {2, 3}, 48, 7),
                      makeTensor("w", DType::F64, {5}, 40, 7)});
  status.reset(gc_rt_step_load_tensors(step.get(), path.c_str(), 0));
  expectError(status, GC_RT_INVALID_ARGUMENT,
              {path, "tensor 'w' is F64 [5]", "is F32 [5]"});
  EXPECT_EQ(snapshot(step.get()), before);
}

TEST_F(StateIOTest, UnknownTensors) {
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 3));
  auto before = snapshot(step.get());
  std::string path = pathOf("extra.safetensors");
  writeTensors(path,
               {makeTensor("norm.weight", DType::F64, {2, 3}, 48, 0),
                makeTensor("pooler.dense.weight", DType::F32, {2}, 8, 1)});
  Status status(gc_rt_step_load_tensors(step.get(), path.c_str(), 0));
  expectError(status, GC_RT_INVALID_ARGUMENT,
              {path,
               "tensor 'pooler.dense.weight' is neither an argument nor a "
               "result",
               "arguments: 'w', 'optimizer.momentum.w'"});
  EXPECT_EQ(snapshot(step.get()), before);

  ASSERT_RT_OK(gc_rt_step_load_tensors(step.get(), path.c_str(), 1));
  EXPECT_EQ(readTensor<double>(step.get(), "norm.weight", 6),
            std::vector<double>(6, 0.0));
}

TEST_F(StateIOTest, MasksHoldZerosAndOnes) {
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 3));
  EXPECT_EQ(readTensor<float>(step.get(), "mask", 3),
            std::vector<float>(3, 1.0f));
  std::vector<float> good = {1, 0, 1};
  ASSERT_RT_OK(gc_rt_step_set_argument(step.get(), "mask", good.data(), 12));
  auto before = snapshot(step.get());
  for (float bad : {2.0f, -1.0f, 0.5f, std::nanf("")}) {
    SCOPED_TRACE(bad);
    std::vector<float> values = {1, 0, bad};
    Status status(
        gc_rt_step_set_argument(step.get(), "mask", values.data(), 12));
    expectError(status, GC_RT_INVALID_ARGUMENT,
                {"gc_rt_step_set_argument: element 2 of 'mask' is",
                 "must be 0 (masked) or 1 (attended)"});
    std::string path = pathOf("mask.safetensors");
    NamedTensor mask = makeTensor("mask", DType::F32, {3}, 12, 0);
    std::memcpy(mask.data.data(), values.data(), 12);
    // All or nothing: the good tensor next to the bad mask stays unloaded.
    writeTensors(path, {makeTensor("x", DType::F32, {5}, 20, 0), mask});
    status.reset(gc_rt_step_load_tensors(step.get(), path.c_str(), 0));
    expectError(status, GC_RT_INVALID_ARGUMENT,
                {path, ": element 2 of 'mask' is", "is a mask"});
    EXPECT_EQ(snapshot(step.get()), before);
  }
}

TEST_F(StateIOTest, CheckpointsCountCompletedSteps) {
  // Two steps, a checkpoint, two more: the same as four in a row.
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 3));
  for (int k = 0; k < 2; ++k)
    ASSERT_RT_OK(gc_rt_step_run(step.get(), nullptr));
  std::string path = pathOf("checkpoint.safetensors");
  ASSERT_RT_OK(gc_rt_step_save_state(step.get(), path.c_str()));
  const NamedTensor *counter = nullptr;
  std::vector<NamedTensor> saved = readAll(path);
  counter = gc::rt::findTensor(saved, "optimizer.step");
  ASSERT_NE(counter, nullptr);
  int64_t completed;
  std::memcpy(&completed, counter->data.data(), 8);
  EXPECT_EQ(completed, 2);

  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 3));
  ASSERT_RT_OK(gc_rt_step_load_tensors(step.get(), path.c_str(), 0));
  ASSERT_RT_OK(gc_rt_step_run(step.get(), nullptr));
  EXPECT_EQ(readScalar<int64_t>(step.get(), "seen_step"), 3);

  // A results file resumes too: its loss (a result, not an argument) is
  // skipped and the counter it carries is the completed count.
  std::string results = pathOf("results.safetensors");
  ASSERT_RT_OK(gc_rt_step_save_results(step.get(), results.c_str()));
  ASSERT_RT_OK(gc_rt_step_load_tensors(step.get(), results.c_str(), 0));

  // A negative count is no count of steps.
  NamedTensor negative = makeTensor("optimizer.step", DType::I64, {}, 8, 0xff);
  writeTensors(path, {negative});
  Status status(gc_rt_step_load_tensors(step.get(), path.c_str(), 0));
  expectError(status, GC_RT_INVALID_ARGUMENT,
              {path, "counts completed optimizer steps", "but it is -1"});
}

TEST_F(StateIOTest, MissingFile) {
  std::string path = pathOf("absent.safetensors");
  Status status(gc_rt_step_load_tensors(step.get(), path.c_str(), 0));
  expectError(status, GC_RT_NOT_FOUND, {path, "No such file or directory"});
}

TEST_F(StateIOTest, CorruptFileChangesNothing) {
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 3));
  std::string path = pathOf("state.safetensors");
  ASSERT_RT_OK(gc_rt_step_save_state(step.get(), path.c_str()));
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 4));
  auto before = snapshot(step.get());

  // Damage the JSON header: its opening brace becomes a letter.
  std::vector<uint8_t> bytes = readFile(path);
  ASSERT_GT(bytes.size(), 9u);
  ASSERT_EQ(bytes[8], '{');
  bytes[8] = 'X';
  writeFile(path, bytes);
  Status status(gc_rt_step_load_tensors(step.get(), path.c_str(), 0));
  expectError(status, GC_RT_INVALID_ARGUMENT,
              {path, "header is not valid JSON"});
  EXPECT_EQ(snapshot(step.get()), before);
}

TEST_F(StateIOTest, TruncatedFileChangesNothing) {
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 3));
  std::string path = pathOf("state.safetensors");
  ASSERT_RT_OK(gc_rt_step_save_state(step.get(), path.c_str()));
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 4));
  auto before = snapshot(step.get());

  std::vector<uint8_t> bytes = readFile(path);
  bytes.resize(bytes.size() - 10);
  writeFile(path, bytes);
  Status status(gc_rt_step_load_tensors(step.get(), path.c_str(), 0));
  expectError(status, GC_RT_INVALID_ARGUMENT, {path, "data buffer"});
  EXPECT_EQ(snapshot(step.get()), before);
}

/// Runs gc_rt_step_save_state(step, path) in a forked child whose file
/// size limit is `limit` bytes, with SIGXFSZ at its default action: the
/// kernel kills the child in the middle of writing, as a crash or a kill
/// would. Returns the child's pid and wait status.
std::pair<pid_t, int> saveInDyingChild(gc_rt_step_t *step,
                                       const std::string &path, rlim_t limit) {
  pid_t child = ::fork();
  if (child == 0) {
    struct rlimit noCore = {0, 0};
    ::setrlimit(RLIMIT_CORE, &noCore);
    std::signal(SIGXFSZ, SIG_DFL);
    struct rlimit size;
    ::getrlimit(RLIMIT_FSIZE, &size);
    size.rlim_cur = limit;
    ::setrlimit(RLIMIT_FSIZE, &size);
    gc_rt_status_t status = gc_rt_step_save_state(step, path.c_str());
    // Reaching here means the save was not interrupted.
    ::_exit(status ? 2 : 3);
  }
  int waitStatus = 0;
  ::waitpid(child, &waitStatus, 0);
  return {child, waitStatus};
}

TEST_F(StateIOTest, SaveKilledMidwayKeepsThePreviousCheckpoint) {
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 3));
  std::string path = pathOf("state.safetensors");
  ASSERT_RT_OK(gc_rt_step_save_state(step.get(), path.c_str()));
  std::vector<uint8_t> previous = readFile(path);
  ASSERT_GT(previous.size(), 200u);

  // Train on, then try to save the new state over the old one and die
  // with half of the file written.
  ASSERT_RT_OK(gc_rt_step_run(step.get(), nullptr));
  ASSERT_RT_OK(gc_rt_step_run(step.get(), nullptr));
  rlim_t limit = previous.size() / 2;
  auto [child, waitStatus] = saveInDyingChild(step.get(), path, limit);
  ASSERT_GT(child, 0);
  ASSERT_TRUE(WIFSIGNALED(waitStatus))
      << "the child was not killed (exit status "
      << (WIFEXITED(waitStatus) ? WEXITSTATUS(waitStatus) : -1) << ")";
  EXPECT_EQ(WTERMSIG(waitStatus), SIGXFSZ);

  // The half-written temporary is left behind by the dead process; the
  // checkpoint itself is untouched.
  std::string temporary = path + ".tmp." + std::to_string(child);
  struct stat info;
  ASSERT_EQ(::stat(temporary.c_str(), &info), 0) << temporary;
  EXPECT_EQ(static_cast<rlim_t>(info.st_size), limit);
  ::unlink(temporary.c_str());
  EXPECT_EQ(readFile(path), previous);

  // And it loads: the state is back to before the two runs.
  ASSERT_RT_OK(gc_rt_step_load_tensors(step.get(), path.c_str(), 0));
  std::string reloaded = pathOf("reloaded.safetensors");
  ASSERT_RT_OK(gc_rt_step_save_state(step.get(), reloaded.c_str()));
  EXPECT_EQ(readFile(reloaded), previous);
}

TEST_F(StateIOTest, FailedSaveKeepsThePreviousCheckpoint) {
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 3));
  std::string path = pathOf("state.safetensors");
  ASSERT_RT_OK(gc_rt_step_save_state(step.get(), path.c_str()));
  std::vector<uint8_t> previous = readFile(path);
  ASSERT_RT_OK(gc_rt_step_run(step.get(), nullptr));

  // Same limit, the signal ignored: write(2) fails with EFBIG and the save
  // reports it, removing its temporary file.
  struct rlimit saved;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  void (*savedHandler)(int) = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit limited = saved;
  limited.rlim_cur = previous.size() / 2;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  Status status(gc_rt_step_save_state(step.get(), path.c_str()));
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, savedHandler);

  expectError(status, GC_RT_INVALID_ARGUMENT,
              {path, "cannot write temporary file"});
  EXPECT_EQ(readFile(path), previous);
  std::string temporary = path + ".tmp." + std::to_string(::getpid());
  EXPECT_NE(::access(temporary.c_str(), F_OK), 0) << temporary;
}

TEST_F(StateIOTest, SaveResults) {
  ASSERT_RT_OK(gc_rt_step_initialize(step.get(), 3));
  ASSERT_RT_OK(gc_rt_step_run(step.get(), nullptr));
  std::string path = pathOf("results.safetensors");
  ASSERT_RT_OK(gc_rt_step_save_results(step.get(), path.c_str()));
  std::vector<NamedTensor> tensors = readAll(path);
  std::set<std::string> names;
  for (const NamedTensor &tensor : tensors) {
    names.insert(tensor.name);
    std::vector<uint8_t> expected(tensor.data.size());
    ASSERT_RT_OK(gc_rt_step_read_tensor(step.get(), tensor.name.c_str(),
                                        expected.data(), expected.size()));
    if (tensor.name == "optimizer.step") {
      // The step returns the next step's number; files hold completed steps.
      int64_t next;
      std::memcpy(&next, expected.data(), sizeof(next));
      const int64_t completed = next - 1;
      std::memcpy(expected.data(), &completed, sizeof(completed));
    }
    EXPECT_EQ(tensor.data, expected) << tensor.name;
  }
  EXPECT_EQ(names, (std::set<std::string>{"loss", "w", "optimizer.momentum.w",
                                          "seen_seed", "seen_step",
                                          "optimizer.step"}));
  // The in-place result's value is its argument's.
  const NamedTensor *momentum =
      gc::rt::findTensor(tensors, "optimizer.momentum.w");
  ASSERT_NE(momentum, nullptr);
  std::vector<float> x = readTensor<float>(step.get(), "x", 5);
  std::vector<float> values(5);
  std::memcpy(values.data(), momentum->data.data(), 20);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(values[i], x[i] / toy::kSize);
}

TEST_F(StateIOTest, SaveIntoMissingDirectory) {
  std::string path = pathOf("no/such/dir/state.safetensors");
  Status status(gc_rt_step_save_state(step.get(), path.c_str()));
  expectError(status, GC_RT_INVALID_ARGUMENT,
              {path, "cannot create temporary file"});
}

} // namespace
