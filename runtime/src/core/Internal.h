//===- Internal.h - Shared internals of the gc_rt C API ---------*- C++ -*-===//
//
// The definitions behind the opaque handles of Runtime.h (session, step),
// the helpers that build status objects, and the small tensor utilities
// that Step.cpp and StateIO.cpp share. Not installed; nothing outside
// runtime/src/core includes it.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_CORE_INTERNAL_H
#define GC_RT_CORE_INTERNAL_H

#include "Device.h"

#include "gc_rt/Runtime.h"
#include "gc_rt/Safetensors.h"
#include "gc_rt/StepLoop.h"

#include <atomic>
#include <memory>
#include <new>
#include <string>
#include <vector>

namespace gc::rt {

//===----------------------------------------------------------------------===//
// Status helpers
//===----------------------------------------------------------------------===//

/// A status object with `code` and `message`; NULL for GC_RT_OK. Never
/// throws: when the object itself cannot be allocated, a static
/// out-of-memory status (which gc_rt_status_free ignores) comes back.
gc_rt_status_t makeStatus(gc_rt_status_code_t code, std::string message);

/// The static status returned when host memory runs out while reporting.
gc_rt_status_t getOutOfHostMemoryStatus();

/// Runs the body of a C API function, turning an escaping exception (a
/// failed host allocation in a std::string or std::vector) into a status:
/// no exception may cross the C boundary.
template <typename Body>
gc_rt_status_t guardApiCall(const char *function, Body &&body) noexcept {
  try {
    try {
      return body();
    } catch (const std::bad_alloc &) {
      return makeStatus(GC_RT_OUT_OF_MEMORY,
                        std::string(function) + ": out of host memory");
    } catch (const std::exception &error) {
      return makeStatus(GC_RT_INTERNAL,
                        std::string(function) +
                            ": unexpected error: " + error.what());
    }
  } catch (...) {
    return getOutOfHostMemoryStatus();
  }
}

#define GC_RT_RETURN_IF_ERROR(expr)                                            \
  do {                                                                         \
    if (gc_rt_status_t gcRtStatus_ = (expr))                                   \
      return gcRtStatus_;                                                      \
  } while (false)

//===----------------------------------------------------------------------===//
// Tensor descriptions
//===----------------------------------------------------------------------===//

/// Bytes of one element of `dtype`, or 0 when it is not a valid dtype.
size_t getElementSize(gc_step_dtype_t dtype);
/// The safetensors dtype that stores `dtype` (valid dtypes only).
DType toSafetensorsDType(gc_step_dtype_t dtype);
/// The shape of a descriptor tensor as a vector.
std::vector<int64_t> getShape(const gc_step_tensor_t &tensor);
/// "[2, 3]", "[]" for a scalar.
std::string formatShape(const std::vector<int64_t> &shape);
/// "F32 [2, 3]": dtype and shape as a safetensors file spells them, so
/// that file and step tensors read alike in messages.
std::string describeTensor(DType dtype, const std::vector<int64_t> &shape);
std::string describeTensor(const gc_step_tensor_t &tensor);
/// `text` in single quotes.
std::string quote(const std::string &text);
/// Whether `tensor` is a rank-0 or one-element i64, the form of the seed
/// and of optimizer.step.
bool isI64Scalar(const gc_step_tensor_t &tensor);

/// Session references held by steps (Session.cpp).
void retainSession(gc_rt_session_t *session);
void releaseSessionReference(gc_rt_session_t *session);

/// Alignment of every tensor inside the argument/result block, and the
/// least alignment of the arena: what vectorized CPU code and coalesced
/// CUDA accesses want, and what cudaMalloc guarantees.
constexpr int64_t kTensorAlignment = 256;
/// Bytes past the arena that the tracker watches for out-of-bounds writes.
/// Always allocated, so that tracking can be switched on without
/// reallocating; small beside any real arena.
constexpr int64_t kGuardBytes = 64 * 1024;
/// Capacity of the message buffer a step writes its error into.
constexpr size_t kErrorCapacity = 4096;

/// How a step's collectives reach the group (Communicator.cpp).
enum class CollectiveMode {
  /// Host buffers (a CPU step): MPI in place.
  Host,
  /// Device buffers that are host memory (the CUDA host emulator): drain
  /// the stream, then MPI in place.
  StagedHost,
  /// Device buffers on a GPU: NCCL on the step's stream.
  Nccl,
};

/// Gives `step`'s collectives `group` (checks the compiled world size, sets
/// up NCCL on a GPU) (Communicator.cpp).
gc_rt_status_t attachCollectives(gc_rt_step_s &step,
                                 gc_rt_communicator_s &group);
/// Waits for every reduction the group still runs for a step (one that
/// failed between an all-reduce's start and its wait), so that the step's
/// memory is no longer written.
void drainCollectives(gc_rt_step_s &step);
/// Waits for a step's NCCL collectives within the group's timeout; past it,
/// aborts the NCCL communicator (which ends the kernels waiting for a peer
/// that is gone) and returns the error. Nothing to do for other steps.
gc_rt_status_t waitForCollectives(gc_rt_step_s &step);
/// Broadcasts `bytes` host bytes from rank 0 within the group's timeout.
gc_rt_status_t broadcastFromRankZero(gc_rt_communicator_s &group, void *data,
                                     size_t bytes, const std::string &what);

/// Opens `step.libraryPath`, checks its descriptor (ABI version first) and
/// that its target is `deviceTarget` (StepLoad.cpp).
gc_rt_status_t openLibrary(gc_rt_step_s &step, const char *deviceTarget);
/// Makes the arena (with its guard zone) and the argument/result block
/// (StepLoad.cpp).
gc_rt_status_t allocateMemory(gc_rt_step_s &step);

} // namespace gc::rt

//===----------------------------------------------------------------------===//
// Handles
//===----------------------------------------------------------------------===//

struct gc_rt_session_s {
  std::unique_ptr<gc::rt::Device> device;
  /// The application's reference plus one per step loaded in the session:
  /// the device outlives every step that uses it, whatever the order of
  /// the release calls.
  std::atomic<int> references{1};
  /// gc_rt_session_options_t::num_threads, passed to every CPU step call.
  int32_t numThreads = 0;
};

/// What gc_step_collectives_t::context points to for one step.
struct gc_rt_step_collectives_s {
  gc_rt_communicator_s *communicator = nullptr;
  gc::rt::CollectiveMode mode = gc::rt::CollectiveMode::Host;
  gc::rt::Device *device = nullptr;
  /// NCCL: the collectives' own CUDA stream and events (Communicator.cpp).
  std::shared_ptr<void> cudaResources;
};

struct gc_rt_step_s {
  gc_rt_session_t *session = nullptr;
  gc::rt::Device *device = nullptr;
  std::string libraryPath;
  void *library = nullptr;
  const gc_step_descriptor_t *descriptor = nullptr;
  /// The descriptor's function name, or "step" when it has none.
  std::string functionName;

  /// arena_bytes plus the tracker's guard zone.
  gc::rt::DeviceAllocation arena;
  /// Every argument, then every result that is not written in place.
  gc::rt::DeviceAllocation block;
  int64_t blockBytes = 0;
  std::vector<void *> argumentData;
  /// NULL for results written in place: the call passes NULL for them.
  std::vector<void *> resultData;

  /// The seed, the step counter and the feedback of the step loop
  /// (gc_rt/StepLoop.h), from the descriptor once at load.
  gc::rt::StepLoopPlan loopPlan;

  bool tracking = false;
  uint8_t nextSentinel = 0xA5;
  int64_t arenaHighWater = -1;
  /// Whether a step has completed, so that results hold values.
  bool hasRun = false;
  std::vector<char> errorBuffer;

  /// The data-parallel group (gc_rt_step_set_communicator), or NULL: the
  /// collectives then run in a group of one.
  gc_rt_communicator_s *group = nullptr;
  gc_rt_step_collectives_s collectiveContext;
  gc_step_collectives_t collectives = {};

  ~gc_rt_step_s();

  /// Where the value of result `index` lives: its own buffer, or the
  /// argument it is written into in place.
  void *getResultValue(int32_t index) const;
  /// Index of the argument named `name`, or -1.
  int32_t findArgument(const std::string &name) const;
  /// Index of the first result named `name`, or -1.
  int32_t findResult(const std::string &name) const;
  /// "step 'train_step' (out/libstep.so)", the subject of messages.
  std::string describe() const;
};

#endif // GC_RT_CORE_INTERNAL_H
