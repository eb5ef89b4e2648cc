//===- Step.cpp - Loading and running a compiled training step ------------===//
//
// A step is a libstep.so (StepAbi.h) opened with dlopen, its descriptor
// checked, and the two device allocations the descriptor asks for (all in
// StepLoad.cpp). Nothing is allocated afterwards; a run only moves bytes
// between these.
//
// A run is: (tracking: fill the arena and its guard zone with the
// sentinel), call the step, wait for it, check the device error word,
// (tracking: scan for the highest changed byte), feed results back into
// their arguments, and advance the seed and optimizer.step by one, so that
// step k sees seed + k and optimizer.step = first + k as gc-run arranges
// for an .mlir function. Nothing is fed back when any of that fails.
//
//===----------------------------------------------------------------------===//

#include "Device.h"
#include "Internal.h"

#include "gc_rt/HalfFloat.h"
#include "gc_rt/InitValues.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <dlfcn.h>
#include <limits>
#include <set>
#include <sys/stat.h>

using namespace gc::rt;

//===----------------------------------------------------------------------===//
// Tensor descriptions
//===----------------------------------------------------------------------===//

size_t gc::rt::getElementSize(gc_step_dtype_t dtype) {
  switch (dtype) {
  case GC_STEP_DTYPE_F32:
  case GC_STEP_DTYPE_I32:
    return 4;
  case GC_STEP_DTYPE_F64:
  case GC_STEP_DTYPE_I64:
    return 8;
  case GC_STEP_DTYPE_F16:
  case GC_STEP_DTYPE_BF16:
    return 2;
  }
  // A value outside the enum, read from a damaged or foreign library.
  return 0;
}

DType gc::rt::toSafetensorsDType(gc_step_dtype_t dtype) {
  switch (dtype) {
  case GC_STEP_DTYPE_F32:
    return DType::F32;
  case GC_STEP_DTYPE_F64:
    return DType::F64;
  case GC_STEP_DTYPE_I32:
    return DType::I32;
  case GC_STEP_DTYPE_I64:
    return DType::I64;
  case GC_STEP_DTYPE_F16:
    return DType::F16;
  case GC_STEP_DTYPE_BF16:
    return DType::BF16;
  }
  return DType::U8;
}

std::vector<int64_t> gc::rt::getShape(const gc_step_tensor_t &tensor) {
  if (tensor.rank <= 0 || !tensor.shape)
    return {};
  return std::vector<int64_t>(tensor.shape, tensor.shape + tensor.rank);
}

std::string gc::rt::formatShape(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

std::string gc::rt::describeTensor(DType dtype,
                                   const std::vector<int64_t> &shape) {
  return std::string(getDTypeName(dtype)) + " " + formatShape(shape);
}

std::string gc::rt::describeTensor(const gc_step_tensor_t &tensor) {
  return describeTensor(toSafetensorsDType(tensor.dtype), getShape(tensor));
}

std::string gc::rt::quote(const std::string &text) { return "'" + text + "'"; }

bool gc::rt::isI64Scalar(const gc_step_tensor_t &tensor) {
  return tensor.dtype == GC_STEP_DTYPE_I64 && tensor.bytes == 8;
}

//===----------------------------------------------------------------------===//
// The step object
//===----------------------------------------------------------------------===//

gc_rt_step_s::~gc_rt_step_s() {
  if (device) {
    // Work still queued may use the memory about to be freed.
    gc_rt_status_free(device->synchronize());
    device->deallocate(arena);
    device->deallocate(block);
  }
  if (library)
    ::dlclose(library);
  if (session)
    releaseSessionReference(session);
}

void *gc_rt_step_s::getResultValue(int32_t index) const {
  const gc_step_tensor_t &result = descriptor->results[index];
  if (result.written_in_place)
    return argumentData[result.feeds_argument];
  return resultData[index];
}

int32_t gc_rt_step_s::findArgument(const std::string &name) const {
  for (int32_t i = 0; i < descriptor->num_arguments; ++i)
    if (name == descriptor->arguments[i].name)
      return i;
  return -1;
}

int32_t gc_rt_step_s::findResult(const std::string &name) const {
  for (int32_t i = 0; i < descriptor->num_results; ++i)
    if (name == descriptor->results[i].name)
      return i;
  return -1;
}

std::string gc_rt_step_s::describe() const {
  return "step " + quote(functionName) + " (" + libraryPath + ")";
}

//===----------------------------------------------------------------------===//
// Initialization
//===----------------------------------------------------------------------===//

namespace {
/// The initial value of `tensor` under `seed` (gc_rt/InitValues.h, the
/// routine gc-run's interpreter uses for an .mlir function too).
void generateInitialValue(const gc_step_tensor_t &tensor, uint64_t seed,
                          std::vector<uint8_t> &bytes) {
  bytes.assign(static_cast<size_t>(tensor.bytes), 0);
  int64_t count =
      tensor.bytes / static_cast<int64_t>(getElementSize(tensor.dtype));
  InitSpec spec{tensor.init, tensor.init_scale, tensor.init_bound};
  fillInitialValues(spec, tensor.name, seed, tensor.dtype, bytes.data(), count);
}
} // namespace

//===----------------------------------------------------------------------===//
// Running
//===----------------------------------------------------------------------===//

namespace {
const char *describeDeviceError(int32_t code) {
  switch (code) {
  case GC_STEP_ERROR_INDEX_OUT_OF_RANGE:
    return "an embedding id is out of range";
  case GC_STEP_ERROR_LABEL_OUT_OF_RANGE:
    return "a cross-entropy label is out of range";
  case GC_STEP_ERROR_BAD_OPTIMIZER_STEP:
    return "the AdamW step counter (optimizer.step) is below 1";
  default:
    return "unknown device error code";
  }
}

gc_rt_status_t readScalar(gc_rt_step_s &step, int32_t argument,
                          int64_t *value) {
  return step.device->copyToHost(value, step.argumentData[argument],
                                 sizeof(int64_t));
}

gc_rt_status_t writeScalar(gc_rt_step_s &step, int32_t argument,
                           int64_t value) {
  return step.device->copyToDevice(step.argumentData[argument], &value,
                                   sizeof(int64_t));
}

/// Reads the loss result as a double (NaN when the step has none).
gc_rt_status_t readLoss(gc_rt_step_s &step, double *loss) {
  *loss = std::nan("");
  int32_t index = step.descriptor->loss_result;
  if (index < 0)
    return nullptr;
  const gc_step_tensor_t &result = step.descriptor->results[index];
  uint8_t bytes[8] = {};
  GC_RT_RETURN_IF_ERROR(step.device->copyToHost(
      bytes, step.getResultValue(index), static_cast<size_t>(result.bytes)));
  switch (result.dtype) {
  case GC_STEP_DTYPE_F32: {
    float value;
    std::memcpy(&value, bytes, sizeof(value));
    *loss = value;
    break;
  }
  case GC_STEP_DTYPE_F64:
    std::memcpy(loss, bytes, sizeof(double));
    break;
  case GC_STEP_DTYPE_I32: {
    int32_t value;
    std::memcpy(&value, bytes, sizeof(value));
    *loss = value;
    break;
  }
  case GC_STEP_DTYPE_I64: {
    int64_t value;
    std::memcpy(&value, bytes, sizeof(value));
    *loss = static_cast<double>(value);
    break;
  }
  case GC_STEP_DTYPE_F16:
  case GC_STEP_DTYPE_BF16: {
    uint16_t value;
    std::memcpy(&value, bytes, sizeof(value));
    *loss = result.dtype == GC_STEP_DTYPE_F16 ? halfToFloat(value)
                                              : bfloat16ToFloat(value);
    break;
  }
  }
  return nullptr;
}

/// Calls the step and waits for it; checks its return value and the
/// device error word.
gc_rt_status_t callStep(gc_rt_step_s &step, double *seconds) {
  Device &device = *step.device;
  const gc_step_descriptor_t &descriptor = *step.descriptor;
  gc_step_call_t call = {};
  call.arguments = step.argumentData.data();
  call.results = step.resultData.data();
  call.arena = step.arena.data;
  std::fill(step.errorBuffer.begin(), step.errorBuffer.end(), '\0');
  call.error = step.errorBuffer.data();
  call.error_capacity = step.errorBuffer.size();
  call.num_threads = step.session->numThreads;
  call.collectives = step.group ? &step.collectives : nullptr;
  GC_RT_RETURN_IF_ERROR(device.prepareCall(&call, descriptor.num_error_sites));

  GC_RT_RETURN_IF_ERROR(device.startTimer());
  int returned = descriptor.run(&call);
  if (returned != 0) {
    // Work the step enqueued before failing must finish before the caller
    // may touch the buffers (a reduction in flight included); a failure to
    // wait is secondary to the step's.
    gc_rt_status_free(device.synchronize());
    if (step.group)
      drainCollectives(step);
    step.errorBuffer.back() = '\0';
    std::string message = step.errorBuffer.data();
    if (message.empty())
      message = "no message (returned " + std::to_string(returned) + ")";
    return makeStatus(GC_RT_DATA_ERROR, step.describe() + " failed on " +
                                            device.getName() + ": " + message);
  }
  if (step.group)
    GC_RT_RETURN_IF_ERROR(waitForCollectives(step));
  GC_RT_RETURN_IF_ERROR(device.stopTimer(seconds));

  // The first op, in the step's order, whose data was invalid.
  std::vector<int32_t> codes(descriptor.num_error_sites);
  GC_RT_RETURN_IF_ERROR(
      device.readErrorCodes(codes.data(), descriptor.num_error_sites));
  for (int32_t site = 0; site < descriptor.num_error_sites; ++site)
    if (codes[site] != GC_STEP_ERROR_NONE)
      return makeStatus(
          GC_RT_DATA_ERROR,
          step.describe() + " failed on " + device.getName() + ": " +
              descriptor.error_sites[site] +
              ": invalid data: " + describeDeviceError(codes[site]) +
              " (device error code " + std::to_string(codes[site]) + ")");
  return nullptr;
}

/// Scans the arena after a tracked run and folds the result into the
/// high-water mark; a write into the guard zone is an error.
gc_rt_status_t scanArena(gc_rt_step_s &step, uint8_t sentinel) {
  int64_t arenaBytes = step.descriptor->arena_bytes;
  int64_t highest = -1;
  GC_RT_RETURN_IF_ERROR(step.device->findHighestChangedByte(
      step.arena.data, static_cast<size_t>(arenaBytes + kGuardBytes), sentinel,
      &highest));
  if (highest >= arenaBytes)
    return makeStatus(
        GC_RT_INTERNAL,
        step.describe() + " wrote past the end of its arena: byte " +
            std::to_string(highest) + " changed, " +
            std::to_string(highest - arenaBytes + 1) +
            " bytes beyond the planned " + std::to_string(arenaBytes) +
            " bytes (a code generation or memory planning bug)");
  step.arenaHighWater = std::max(step.arenaHighWater, highest + 1);
  return nullptr;
}

gc_rt_status_t runStep(gc_rt_step_s &step, gc_rt_step_stats_t *stats) {
  Device &device = *step.device;
  const gc_step_descriptor_t &descriptor = *step.descriptor;
  // Results are about to be overwritten; until the run succeeds they hold
  // nothing worth saving.
  step.hasRun = false;

  uint8_t sentinel = step.nextSentinel;
  if (step.tracking) {
    // Alternate even when this run fails, so that a retry after an error
    // still sees both sentinels in two runs.
    step.nextSentinel = sentinel == 0xA5 ? 0x5A : 0xA5;
    GC_RT_RETURN_IF_ERROR(device.fill(
        step.arena.data,
        static_cast<size_t>(descriptor.arena_bytes + kGuardBytes), sentinel));
  }

  // The seed, the counter and the feedback follow the one step loop
  // (gc_rt/StepLoop.h) that gc-run's interpreter follows too.
  struct CompiledStepBackend {
    using Error = gc_rt_status_t;
    gc_rt_step_s &step;
    uint8_t sentinel;
    double seconds = 0;
    bool failed(Error error) const { return error != nullptr; }
    Error success() { return nullptr; }
    Error readScalar(int32_t argument, int64_t *value) {
      return ::readScalar(step, argument, value);
    }
    Error writeScalar(int32_t argument, int64_t value) {
      return ::writeScalar(step, argument, value);
    }
    Error call() {
      GC_RT_RETURN_IF_ERROR(callStep(step, &seconds));
      if (step.tracking)
        GC_RT_RETURN_IF_ERROR(scanArena(step, sentinel));
      return nullptr;
    }
    Error feed(int32_t result, int32_t argument) {
      return step.device->copyOnDevice(
          step.argumentData[argument], step.resultData[result],
          static_cast<size_t>(step.descriptor->results[result].bytes));
    }
  } backend{step, sentinel};
  GC_RT_RETURN_IF_ERROR(runOneStep(step.loopPlan, backend));
  double seconds = backend.seconds;

  double loss = 0;
  GC_RT_RETURN_IF_ERROR(readLoss(step, &loss));
  step.hasRun = true;
  if (stats) {
    stats->loss = loss;
    stats->seconds = seconds;
  }
  return nullptr;
}
} // namespace

//===----------------------------------------------------------------------===//
// C API
//===----------------------------------------------------------------------===//

extern "C" {

gc_rt_status_t gc_rt_step_load(gc_rt_session_t *session,
                               const char *library_path,
                               gc_rt_step_t **out_step) {
  return guardApiCall("gc_rt_step_load", [&]() -> gc_rt_status_t {
    if (!out_step)
      return makeStatus(GC_RT_INVALID_ARGUMENT,
                        "gc_rt_step_load: out_step is NULL");
    *out_step = nullptr;
    if (!session || !library_path)
      return makeStatus(GC_RT_INVALID_ARGUMENT,
                        std::string("gc_rt_step_load: ") +
                            (session ? "library_path" : "session") +
                            " is NULL");
    auto step = std::make_unique<gc_rt_step_s>();
    retainSession(session);
    step->session = session;
    step->device = session->device.get();
    step->libraryPath = library_path;
    GC_RT_RETURN_IF_ERROR(openLibrary(*step, step->device->getTarget()));

    step->loopPlan = getStepLoopPlan(*step->descriptor);
    step->errorBuffer.assign(kErrorCapacity, '\0');
    GC_RT_RETURN_IF_ERROR(allocateMemory(*step));
    *out_step = step.release();
    return nullptr;
  });
}

void gc_rt_step_release(gc_rt_step_t *step) { delete step; }

const gc_step_descriptor_t *gc_rt_step_descriptor(const gc_rt_step_t *step) {
  return step ? step->descriptor : nullptr;
}

gc_rt_status_t gc_rt_step_initialize(gc_rt_step_t *step, uint64_t seed) {
  return guardApiCall("gc_rt_step_initialize", [&]() -> gc_rt_status_t {
    if (!step)
      return makeStatus(GC_RT_INVALID_ARGUMENT,
                        "gc_rt_step_initialize: step is NULL");
    std::vector<uint8_t> bytes;
    const int32_t rank = step->group ? step->collectives.rank : 0;
    const int32_t worldSize = step->group ? step->collectives.world_size : 1;
    for (int32_t i = 0; i < step->descriptor->num_arguments; ++i) {
      const gc_step_tensor_t &argument = step->descriptor->arguments[i];
      if (argument.role == GC_STEP_ROLE_BATCH && worldSize > 1 &&
          argument.rank > 0) {
        // This rank's rows of the global batch: the values are drawn in
        // order, so the rows of a tensor worldSize times as large are the
        // ones a single rank of the global batch draws.
        gc_step_tensor_t global = argument;
        global.bytes = argument.bytes * worldSize;
        generateInitialValue(global, seed, bytes);
        GC_RT_RETURN_IF_ERROR(step->device->copyToDevice(
            step->argumentData[i],
            bytes.data() + static_cast<size_t>(argument.bytes) * rank,
            static_cast<size_t>(argument.bytes)));
        continue;
      }
      generateInitialValue(argument, seed, bytes);
      GC_RT_RETURN_IF_ERROR(step->device->copyToDevice(
          step->argumentData[i], bytes.data(), bytes.size()));
    }
    return nullptr;
  });
}

gc_rt_status_t gc_rt_step_run(gc_rt_step_t *step,
                              gc_rt_step_stats_t *out_stats) {
  return guardApiCall("gc_rt_step_run", [&]() -> gc_rt_status_t {
    if (!step)
      return makeStatus(GC_RT_INVALID_ARGUMENT, "gc_rt_step_run: step is NULL");
    return runStep(*step, out_stats);
  });
}

gc_rt_status_t gc_rt_step_memory_stats(gc_rt_step_t *step,
                                       gc_rt_memory_stats_t *out_stats) {
  return guardApiCall("gc_rt_step_memory_stats", [&]() -> gc_rt_status_t {
    if (!step || !out_stats)
      return makeStatus(GC_RT_INVALID_ARGUMENT,
                        std::string("gc_rt_step_memory_stats: ") +
                            (step ? "out_stats" : "step") + " is NULL");
    gc_rt_memory_stats_t stats;
    stats.arena_bytes = step->descriptor->arena_bytes;
    stats.arena_high_water = step->arenaHighWater;
    stats.state_bytes = step->blockBytes;
    GC_RT_RETURN_IF_ERROR(step->device->getMemoryInfo(
        &stats.device_free_bytes, &stats.device_total_bytes));
    *out_stats = stats;
    return nullptr;
  });
}

gc_rt_status_t gc_rt_step_track_arena(gc_rt_step_t *step, int enable) {
  return guardApiCall("gc_rt_step_track_arena", [&]() -> gc_rt_status_t {
    if (!step)
      return makeStatus(GC_RT_INVALID_ARGUMENT,
                        "gc_rt_step_track_arena: step is NULL");
    // Switching on starts a new measurement; switching off keeps the last
    // one readable.
    if (enable && !step->tracking) {
      step->arenaHighWater = -1;
      step->nextSentinel = 0xA5;
    }
    step->tracking = enable != 0;
    return nullptr;
  });
}

} // extern "C"
