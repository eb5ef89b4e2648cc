//===- Communicator.cpp - Data-parallel groups over MPI and NCCL ----------===//
//
// The group a data-parallel step's gc.all_reduce ops run over. MPI (Open MPI
// from Debian) forms the group: rank and size come from the launcher
// (mpirun), and it carries the CPU steps' reductions. CUDA steps on a GPU
// reduce with NCCL, whose communicator is set up over MPI (rank 0's unique
// id broadcast to the others), the way PyTorch's ProcessGroupNCCL and most
// NCCL programs bootstrap. Under the CUDA host emulator device memory is
// host memory: the stream is drained and MPI reduces the buffer in place.
//
// The MPI calls of a step's reductions run on a communication thread
// (CommunicationThread.h), so that a bucket is reduced while the step
// computes the next one.
//
// No call may hang when a peer stops or dies: every MPI collective is
// non-blocking (MPI_Iallreduce, MPI_Ibcast) and polled with MPI_Test until a
// deadline, and a timeout is an error that names the rank and the operation.
// The driver then calls gc_rt_communicator_abort (MPI_Abort), which ends
// every rank: none is left waiting for the failed one. (The same rule
// Horovod and torch.distributed's watchdog follow.)
//
//===----------------------------------------------------------------------===//

#include "CommunicationThread.h"
#include "Device.h"
#include "Internal.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#if GC_RT_HAVE_MPI
#include <mpi.h>
#endif
#if GC_RT_HAVE_NCCL
#include <nccl.h>
#endif

using namespace gc::rt;

namespace {
/// The timeout when neither the options nor GC_RT_COLLECTIVE_TIMEOUT set
/// one: long enough for the slowest rank's first step (page faults, cuBLAS
/// heuristics) on a loaded machine.
constexpr double kDefaultTimeoutSeconds = 300;

double resolveTimeout(double requested) {
  if (requested > 0)
    return requested;
  if (const char *text = std::getenv("GC_RT_COLLECTIVE_TIMEOUT")) {
    char *end = nullptr;
    double seconds = std::strtod(text, &end);
    if (end != text && *end == '\0' && seconds > 0)
      return seconds;
  }
  return kDefaultTimeoutSeconds;
}
} // namespace

struct gc_rt_communicator_s {
  int32_t rank = 0;
  int32_t worldSize = 1;
  double timeoutSeconds = kDefaultTimeoutSeconds;
#if GC_RT_HAVE_MPI
  MPI_Comm comm = MPI_COMM_NULL;
#endif
#if GC_RT_HAVE_NCCL
  ncclComm_t nccl = nullptr;
#endif
  bool finalizeMpi = false;
  /// Makes every MPI call after initialisation.
  std::unique_ptr<CommunicationThread> worker;
};

namespace {
#if GC_RT_HAVE_MPI
std::string describeMpiError(int code) {
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS)
    return "MPI error " + std::to_string(code);
  return std::string(text, static_cast<size_t>(length));
}

/// Polls `request` until it completes or the group's timeout passes.
Status waitWithTimeout(gc_rt_communicator_s &group, MPI_Request &request,
                       const std::string &what) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const auto limit = std::chrono::duration<double>(group.timeoutSeconds);
  for (;;) {
    int done = 0;
    int code = MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (code != MPI_SUCCESS)
      return Status::error(what + " failed on rank " +
                           std::to_string(group.rank) + ": " +
                           describeMpiError(code));
    if (done)
      return Status::ok();
    if (Clock::now() - start > limit)
      return Status::error(
          what + " timed out on rank " + std::to_string(group.rank) + " of " +
          std::to_string(group.worldSize) + " after " +
          std::to_string(static_cast<int64_t>(group.timeoutSeconds)) +
          " s: another rank stopped responding (it failed, was killed or "
          "hangs); GC_RT_COLLECTIVE_TIMEOUT sets the limit");
    // MPI progresses a non-blocking collective only inside MPI_Test: poll
    // back to back (yielding the core to the step's threads when they share
    // it) while the peers keep up, and every millisecond once a wait has
    // lasted a second (a peer gone). Sleeping between polls earlier slows
    // every reduction down to the sleep's granularity (measured on 2 cores:
    // 20 us sleeps took the 21 MB of a 2-rank step from 27 to 58 ms).
    if (Clock::now() - start < std::chrono::seconds(1))
      std::this_thread::yield();
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

MPI_Datatype toMpiType(gc_step_dtype_t dtype) {
  return dtype == GC_STEP_DTYPE_F64 ? MPI_DOUBLE : MPI_FLOAT;
}

/// Sums `count` elements at host `buffer` over the group, in chunks that
/// MPI's int counts can hold.
Status allReduceHost(gc_rt_communicator_s &group, void *buffer, int64_t count,
                     gc_step_dtype_t dtype) {
  const size_t elementBytes = dtype == GC_STEP_DTYPE_F64 ? 8 : 4;
  constexpr int64_t kChunk = int64_t(1) << 30;
  char *bytes = static_cast<char *>(buffer);
  for (int64_t done = 0; done < count; done += kChunk) {
    int chunk = static_cast<int>(std::min(kChunk, count - done));
    MPI_Request request = MPI_REQUEST_NULL;
    int code = MPI_Iallreduce(MPI_IN_PLACE, bytes + done * elementBytes, chunk,
                              toMpiType(dtype), MPI_SUM, group.comm, &request);
    if (code != MPI_SUCCESS)
      return Status::error("MPI_Iallreduce failed on rank " +
                           std::to_string(group.rank) + ": " +
                           describeMpiError(code));
    Status status = waitWithTimeout(
        group, request,
        "all-reduce of " + std::to_string(chunk * elementBytes) + " bytes");
    if (!status.isOk())
      return status;
  }
  return Status::ok();
}

Status broadcastHost(gc_rt_communicator_s &group, void *buffer, size_t bytes,
                     const std::string &what) {
  constexpr size_t kChunk = size_t(1) << 30;
  char *data = static_cast<char *>(buffer);
  for (size_t done = 0; done < bytes; done += kChunk) {
    int chunk = static_cast<int>(std::min(kChunk, bytes - done));
    MPI_Request request = MPI_REQUEST_NULL;
    int code =
        MPI_Ibcast(data + done, chunk, MPI_BYTE, 0, group.comm, &request);
    if (code != MPI_SUCCESS)
      return Status::error("MPI_Ibcast of " + what + " failed on rank " +
                           std::to_string(group.rank) + ": " +
                           describeMpiError(code));
    Status status = waitWithTimeout(group, request, "broadcast of " + what);
    if (!status.isOk())
      return status;
  }
  return Status::ok();
}
#endif

#if GC_RT_HAVE_NCCL
std::string describeNccl(ncclResult_t result) {
  return std::string(ncclGetErrorString(result)) + " (NCCL error " +
         std::to_string(static_cast<int>(result)) + ")";
}

/// The CUDA side of a step's NCCL collectives: a stream of their own, so
/// that a bucket's reduction runs beside the backward kernels launched after
/// its start, and per all-reduce of the step two events: one orders the
/// reduction after the pack kernels, one orders the unpack kernels (on the
/// step's stream) after the reduction.
struct NcclStream {
  cudaStream_t stream = nullptr;
  std::vector<cudaEvent_t> packed, reduced;
  /// The step stream each slot's reduction was started from.
  std::vector<cudaStream_t> origin;
  int64_t started = 0;

  ~NcclStream() {
    // A step released after a failure: its reductions end first.
    if (stream)
      cudaStreamSynchronize(stream);
    for (cudaEvent_t event : packed)
      cudaEventDestroy(event);
    for (cudaEvent_t event : reduced)
      cudaEventDestroy(event);
    if (stream)
      cudaStreamDestroy(stream);
  }
};

/// "<call> failed: <CUDA's message>", or empty on success.
std::string checkCuda(cudaError_t error, const char *call) {
  if (error == cudaSuccess)
    return "";
  return std::string(call) + " failed: " + cudaGetErrorString(error);
}

/// The stream and events of a step with `slots` all-reduces.
gc_rt_status_t createNcclStream(int32_t slots,
                                std::shared_ptr<NcclStream> &created) {
  auto cuda = std::make_shared<NcclStream>();
  std::string problem =
      checkCuda(cudaStreamCreateWithFlags(&cuda->stream, cudaStreamNonBlocking),
                "cudaStreamCreateWithFlags");
  for (int32_t i = 0; problem.empty() && i < slots; ++i)
    for (auto *events : {&cuda->packed, &cuda->reduced}) {
      cudaEvent_t event = nullptr;
      problem =
          checkCuda(cudaEventCreateWithFlags(&event, cudaEventDisableTiming),
                    "cudaEventCreateWithFlags");
      if (!problem.empty())
        break;
      events->push_back(event);
    }
  if (!problem.empty())
    return makeStatus(GC_RT_INTERNAL,
                      "the NCCL collectives' stream: " + problem);
  cuda->origin.assign(static_cast<size_t>(slots), nullptr);
  created = std::move(cuda);
  return nullptr;
}
#endif

/// Writes `message` to a step's error buffer; returns 1.
int reportError(char *error, size_t capacity, const std::string &message) {
  if (error && capacity > 0)
    std::snprintf(error, capacity, "%s", message.c_str());
  return 1;
}

/// gc_step_collectives_t::all_reduce_start.
int allReduceStart(void *context, void *buffer, int64_t count,
                   gc_step_dtype_t dtype, void *stream, int64_t *ticket,
                   char *error, size_t errorCapacity) {
  auto &collectives = *static_cast<gc_rt_step_collectives_s *>(context);
  gc_rt_communicator_s &group = *collectives.communicator;
  *ticket = -1;
  if (dtype != GC_STEP_DTYPE_F32 && dtype != GC_STEP_DTYPE_F64)
    return reportError(error, errorCapacity,
                       "all-reduce of an unsupported dtype " +
                           std::to_string(static_cast<int>(dtype)));
  // A sum over one rank is the buffer itself.
  if (group.worldSize == 1)
    return 0;
  switch (collectives.mode) {
  case CollectiveMode::Nccl: {
#if GC_RT_HAVE_NCCL
    // On the collectives' stream, after the pack kernels; the wait orders
    // the step's stream after it.
    auto &cuda = *static_cast<NcclStream *>(collectives.cudaResources.get());
    const size_t slot =
        static_cast<size_t>(cuda.started++ % int64_t(cuda.packed.size()));
    auto stepStream = static_cast<cudaStream_t>(stream);
    std::string problem = checkCuda(
        cudaEventRecord(cuda.packed[slot], stepStream), "cudaEventRecord");
    if (problem.empty())
      problem =
          checkCuda(cudaStreamWaitEvent(cuda.stream, cuda.packed[slot], 0),
                    "cudaStreamWaitEvent");
    if (!problem.empty())
      return reportError(error, errorCapacity, problem);
    ncclResult_t result =
        ncclAllReduce(buffer, buffer, static_cast<size_t>(count),
                      dtype == GC_STEP_DTYPE_F64 ? ncclFloat64 : ncclFloat32,
                      ncclSum, group.nccl, cuda.stream);
    if (result != ncclSuccess)
      return reportError(error, errorCapacity,
                         "ncclAllReduce failed on rank " +
                             std::to_string(group.rank) + ": " +
                             describeNccl(result));
    problem = checkCuda(cudaEventRecord(cuda.reduced[slot], cuda.stream),
                        "cudaEventRecord");
    if (!problem.empty())
      return reportError(error, errorCapacity, problem);
    cuda.origin[slot] = stepStream;
    *ticket = static_cast<int64_t>(slot);
    return 0;
#else
    (void)stream;
    return reportError(error, errorCapacity, "gc_rt was built without NCCL");
#endif
  }
  case CollectiveMode::StagedHost:
    // The pack kernels must have written the bucket.
    if (gc_rt_status_t status = collectives.device->synchronize()) {
      std::string message = gc_rt_status_message(status);
      gc_rt_status_free(status);
      return reportError(error, errorCapacity, message);
    }
    [[fallthrough]];
  case CollectiveMode::Host: {
#if GC_RT_HAVE_MPI
    *ticket = group.worker->submit([&group, buffer, count, dtype] {
      return allReduceHost(group, buffer, count, dtype);
    });
    return 0;
#else
    return reportError(error, errorCapacity, "gc_rt was built without MPI");
#endif
  }
  }
  return reportError(error, errorCapacity, "unknown collective mode");
}

/// gc_step_collectives_t::all_reduce_wait.
int allReduceWait(void *context, int64_t ticket, char *error,
                  size_t errorCapacity) {
  auto &collectives = *static_cast<gc_rt_step_collectives_s *>(context);
  if (collectives.communicator->worldSize == 1)
    return 0;
  if (collectives.mode == CollectiveMode::Nccl) {
#if GC_RT_HAVE_NCCL
    auto &cuda = *static_cast<NcclStream *>(collectives.cudaResources.get());
    if (ticket < 0 || ticket >= int64_t(cuda.reduced.size()))
      return reportError(error, errorCapacity,
                         "waited for an all-reduce that was never started");
    std::string problem = checkCuda(
        cudaStreamWaitEvent(cuda.origin[ticket], cuda.reduced[ticket], 0),
        "cudaStreamWaitEvent");
    return problem.empty() ? 0 : reportError(error, errorCapacity, problem);
#else
    return reportError(error, errorCapacity, "gc_rt was built without NCCL");
#endif
  }
  Status status = collectives.communicator->worker->wait(ticket);
  return status.isOk() ? 0
                       : reportError(error, errorCapacity, status.message());
}
} // namespace

namespace gc::rt {
gc_rt_status_t attachCollectives(gc_rt_step_s &step,
                                 gc_rt_communicator_s &group) {
  const gc_step_descriptor_t &descriptor = *step.descriptor;
  if (descriptor.world_size > 0 && descriptor.world_size != group.worldSize)
    return makeStatus(GC_RT_INVALID_ARGUMENT,
                      step.describe() + " was compiled for " +
                          std::to_string(descriptor.world_size) +
                          " ranks (gc-compile --world-size), but the group "
                          "has " +
                          std::to_string(group.worldSize));
  gc_rt_step_collectives_s collectives;
  collectives.communicator = &group;
  collectives.device = step.device;
  // CUDA steps reduce with NCCL: on a GPU, and under the CUDA host
  // emulator too, whose libnccl.so.2 (runtime/emulation/src/Nccl.cpp) runs
  // the same calls over MPI. An emulated step in a gc_rt built without NCCL
  // stages its buffers through the communication thread instead.
  if (std::strcmp(step.device->getTarget(), "cuda") == 0) {
#if GC_RT_HAVE_NCCL
    collectives.mode = CollectiveMode::Nccl;
#else
    collectives.mode =
        step.device->getName().find("host emulator") != std::string::npos
            ? CollectiveMode::StagedHost
            : CollectiveMode::Nccl;
#endif
  }
  if (collectives.mode == CollectiveMode::Nccl && group.worldSize > 1) {
#if GC_RT_HAVE_NCCL && GC_RT_HAVE_MPI
    if (!group.nccl) {
      // NCCL's bootstrap: rank 0's unique id, sent to every rank over MPI.
      ncclUniqueId id;
      if (group.rank == 0)
        if (ncclResult_t result = ncclGetUniqueId(&id); result != ncclSuccess)
          return makeStatus(GC_RT_INTERNAL,
                            "ncclGetUniqueId failed: " + describeNccl(result));
      Status status = group.worker->run(
          [&] { return broadcastHost(group, &id, sizeof(id), "the NCCL id"); });
      if (!status.isOk())
        return makeStatus(GC_RT_INTERNAL, status.message());
      if (ncclResult_t result =
              ncclCommInitRank(&group.nccl, group.worldSize, id, group.rank);
          result != ncclSuccess)
        return makeStatus(GC_RT_INTERNAL, "ncclCommInitRank failed on rank " +
                                              std::to_string(group.rank) +
                                              ": " + describeNccl(result));
    }
    std::shared_ptr<NcclStream> cuda;
    GC_RT_RETURN_IF_ERROR(
        createNcclStream(std::max(descriptor.num_collectives, 1), cuda));
    collectives.cudaResources = std::move(cuda);
#else
    return makeStatus(GC_RT_UNAVAILABLE,
                      "gc_rt was built without NCCL (or MPI): a CUDA step "
                      "cannot run in a data-parallel group of " +
                          std::to_string(group.worldSize) + " ranks");
#endif
  }
  step.collectiveContext = collectives;
  step.collectives.context = &step.collectiveContext;
  step.collectives.rank = group.rank;
  step.collectives.world_size = group.worldSize;
  step.collectives.all_reduce_start = &allReduceStart;
  step.collectives.all_reduce_wait = &allReduceWait;
  step.group = &group;
  return nullptr;
}

gc_rt_status_t waitForCollectives(gc_rt_step_s &step) {
  gc_rt_communicator_s *group = step.group;
  if (!group || group->worldSize == 1 ||
      step.collectiveContext.mode != CollectiveMode::Nccl)
    return nullptr;
#if GC_RT_HAVE_NCCL
  // NCCL's kernels wait for their peers on the device, with no deadline of
  // their own: the watchdog torch's ProcessGroupNCCL keeps, in the form of a
  // bounded wait for the step and an abort of the communicator.
  bool timedOut = false;
  GC_RT_RETURN_IF_ERROR(
      step.device->synchronizeWithin(group->timeoutSeconds, &timedOut));
  if (!timedOut)
    return nullptr;
  if (group->nccl) {
    ncclCommAbort(group->nccl);
    group->nccl = nullptr;
  }
  return makeStatus(
      GC_RT_INTERNAL,
      step.describe() + ": the step's NCCL collectives did not finish within " +
          std::to_string(static_cast<int64_t>(group->timeoutSeconds)) +
          " s on rank " + std::to_string(group->rank) + " of " +
          std::to_string(group->worldSize) +
          ": another rank stopped responding; the NCCL communicator was "
          "aborted (GC_RT_COLLECTIVE_TIMEOUT sets the limit)");
#else
  return nullptr;
#endif
}

void drainCollectives(gc_rt_step_s &step) {
#if GC_RT_HAVE_NCCL
  if (auto *cuda =
          static_cast<NcclStream *>(step.collectiveContext.cudaResources.get()))
    cudaStreamSynchronize(cuda->stream);
#endif
  if (step.group && step.group->worker)
    step.group->worker->drain();
}

gc_rt_status_t broadcastFromRankZero(gc_rt_communicator_s &group, void *data,
                                     size_t bytes, const std::string &what) {
#if GC_RT_HAVE_MPI
  if (group.worldSize == 1)
    return nullptr;
  Status status = group.worker->run(
      [&] { return broadcastHost(group, data, bytes, what); });
  if (!status.isOk())
    return makeStatus(GC_RT_INTERNAL, status.message());
  return nullptr;
#else
  (void)data, (void)bytes, (void)what;
  return group.worldSize == 1
             ? nullptr
             : makeStatus(GC_RT_UNAVAILABLE, "gc_rt was built without MPI");
#endif
}
} // namespace gc::rt

extern "C" {

void gc_rt_communicator_options_initialize(
    gc_rt_communicator_options_t *options) {
  if (options)
    *options = gc_rt_communicator_options_t{};
}

gc_rt_status_t
gc_rt_communicator_create(const gc_rt_communicator_options_t *options,
                          gc_rt_communicator_t **out_communicator) {
  return guardApiCall("gc_rt_communicator_create", [&]() -> gc_rt_status_t {
    if (!out_communicator)
      return makeStatus(GC_RT_INVALID_ARGUMENT,
                        "gc_rt_communicator_create: out_communicator is NULL");
    *out_communicator = nullptr;
#if GC_RT_HAVE_MPI
    auto group = std::make_unique<gc_rt_communicator_s>();
    group->timeoutSeconds =
        resolveTimeout(options ? options->timeout_seconds : 0.0);
    // Every MPI call after this one is made by the communication thread,
    // one at a time: MPI_THREAD_SERIALIZED. With less, the calls run on the
    // step's thread and do not overlap the computation.
    int initialized = 0;
    int provided = MPI_THREAD_SINGLE;
    MPI_Initialized(&initialized);
    if (!initialized) {
      int code =
          MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
      if (code != MPI_SUCCESS)
        return makeStatus(GC_RT_UNAVAILABLE,
                          "MPI_Init_thread failed: " + describeMpiError(code));
      group->finalizeMpi = true;
    } else {
      MPI_Query_thread(&provided);
    }
    group->worker = std::make_unique<CommunicationThread>(
        provided >= MPI_THREAD_SERIALIZED);
    // Errors come back as codes (turned into statuses), not as aborts.
    int rank = 0, size = 1;
    int code = MPI_Comm_dup(MPI_COMM_WORLD, &group->comm);
    const char *call = "MPI_Comm_dup";
    if (code == MPI_SUCCESS) {
      code = MPI_Comm_set_errhandler(group->comm, MPI_ERRORS_RETURN);
      call = "MPI_Comm_set_errhandler";
    }
    if (code == MPI_SUCCESS) {
      code = MPI_Comm_rank(group->comm, &rank);
      call = "MPI_Comm_rank";
    }
    if (code == MPI_SUCCESS) {
      code = MPI_Comm_size(group->comm, &size);
      call = "MPI_Comm_size";
    }
    if (code != MPI_SUCCESS)
      return makeStatus(GC_RT_UNAVAILABLE, std::string(call) + " failed: " +
                                               describeMpiError(code));
    group->rank = rank;
    group->worldSize = size;
    *out_communicator = group.release();
    return nullptr;
#else
    (void)options;
    return makeStatus(GC_RT_UNAVAILABLE,
                      "gc_rt was built without MPI: data-parallel steps need "
                      "Open MPI (Debian's libopenmpi-dev, then rebuild)");
#endif
  });
}

void gc_rt_communicator_release(gc_rt_communicator_t *communicator) {
  if (!communicator)
    return;
#if GC_RT_HAVE_NCCL
  if (communicator->nccl)
    ncclCommDestroy(communicator->nccl);
#endif
  // The thread finishes its work first: MPI is called from here on.
  communicator->worker.reset();
#if GC_RT_HAVE_MPI
  if (communicator->comm != MPI_COMM_NULL)
    MPI_Comm_free(&communicator->comm);
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (communicator->finalizeMpi && !finalized)
    MPI_Finalize();
#endif
  delete communicator;
}

int32_t gc_rt_communicator_rank(const gc_rt_communicator_t *communicator) {
  return communicator ? communicator->rank : 0;
}

int32_t
gc_rt_communicator_world_size(const gc_rt_communicator_t *communicator) {
  return communicator ? communicator->worldSize : 1;
}

gc_rt_status_t
gc_rt_communicator_all_reduce_host(gc_rt_communicator_t *communicator,
                                   double *values, int64_t count) {
  return guardApiCall(
      "gc_rt_communicator_all_reduce_host", [&]() -> gc_rt_status_t {
        if (!communicator || (!values && count > 0) || count < 0)
          return makeStatus(GC_RT_INVALID_ARGUMENT,
                            "gc_rt_communicator_all_reduce_host: a NULL "
                            "communicator or values, or a negative count");
        if (communicator->worldSize == 1 || count == 0)
          return nullptr;
#if GC_RT_HAVE_MPI
        Status status = communicator->worker->run([&] {
          return allReduceHost(*communicator, values, count, GC_STEP_DTYPE_F64);
        });
        if (!status.isOk())
          return makeStatus(GC_RT_INTERNAL, status.message());
#endif
        return nullptr;
      });
}

gc_rt_status_t gc_rt_step_set_communicator(gc_rt_step_t *step,
                                           gc_rt_communicator_t *communicator) {
  return guardApiCall("gc_rt_step_set_communicator", [&]() -> gc_rt_status_t {
    if (!step || !communicator)
      return makeStatus(GC_RT_INVALID_ARGUMENT,
                        "gc_rt_step_set_communicator: step or communicator "
                        "is NULL");
    return attachCollectives(*step, *communicator);
  });
}

gc_rt_status_t gc_rt_step_broadcast_state(gc_rt_step_t *step) {
  return guardApiCall("gc_rt_step_broadcast_state", [&]() -> gc_rt_status_t {
    if (!step)
      return makeStatus(GC_RT_INVALID_ARGUMENT,
                        "gc_rt_step_broadcast_state: step is NULL");
    if (!step->group || step->group->worldSize == 1)
      return nullptr;
    std::vector<uint8_t> bytes;
    for (int32_t i = 0; i < step->descriptor->num_arguments; ++i) {
      const gc_step_tensor_t &argument = step->descriptor->arguments[i];
      if (argument.role != GC_STEP_ROLE_PARAMETER &&
          argument.role != GC_STEP_ROLE_OPTIMIZER_STATE &&
          argument.role != GC_STEP_ROLE_STEP_COUNTER)
        continue;
      bytes.resize(static_cast<size_t>(argument.bytes));
      GC_RT_RETURN_IF_ERROR(step->device->copyToHost(
          bytes.data(), step->argumentData[i], bytes.size()));
      GC_RT_RETURN_IF_ERROR(
          broadcastFromRankZero(*step->group, bytes.data(), bytes.size(),
                                std::string("'") + argument.name + "'"));
      GC_RT_RETURN_IF_ERROR(step->device->copyToDevice(
          step->argumentData[i], bytes.data(), bytes.size()));
    }
    return nullptr;
  });
}

gc_rt_status_t gc_rt_communicator_timing(gc_rt_communicator_t *communicator,
                                         double *out_reduce_seconds,
                                         double *out_waited_seconds) {
  if (!communicator || !out_reduce_seconds || !out_waited_seconds)
    return makeStatus(GC_RT_INVALID_ARGUMENT,
                      "gc_rt_communicator_timing: a NULL argument");
  *out_reduce_seconds = 0;
  *out_waited_seconds = 0;
  if (communicator->worker)
    communicator->worker->getTiming(out_reduce_seconds, out_waited_seconds);
  return nullptr;
}

void gc_rt_communicator_abort(gc_rt_communicator_t *communicator,
                              int exit_code) {
#if GC_RT_HAVE_MPI
  if (communicator && communicator->worldSize > 1)
    MPI_Abort(MPI_COMM_WORLD, exit_code);
#else
  (void)communicator;
#endif
  std::exit(exit_code);
}

} // extern "C"
