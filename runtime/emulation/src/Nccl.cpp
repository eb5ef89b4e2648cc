//===- Nccl.cpp - NCCL's collectives for the CUDA host emulator -----------===//
//
// libnccl.so.2 for emulated steps: the NCCL calls gc_rt's communicator makes
// (a unique id, a communicator per rank, an all-reduce on a stream, its
// destruction, error strings), so that a data-parallel CUDA step runs its
// NCCL path in the tests of a machine without a GPU. The emulator's device
// memory is host memory: an all-reduce drains its stream (the emulated
// cudaStreamSynchronize) and sums the buffer with MPI over the ranks mpirun
// started, in place when the send and receive buffers are one, as NCCL
// does. The id carries nothing: MPI already knows the group; the rank and
// size given must be MPI's.
//
//===----------------------------------------------------------------------===//

#include <cuda_runtime.h>
#include <mpi.h>
#include <nccl.h>

#include <algorithm>
#include <climits>
#include <cstring>

struct ncclComm {
  MPI_Comm comm = MPI_COMM_NULL;
  int rank = 0;
  int size = 1;
};

extern "C" {

ncclResult_t ncclGetUniqueId(ncclUniqueId *uniqueId) {
  if (!uniqueId)
    return ncclInvalidArgument;
  std::memset(uniqueId->internal, 0, sizeof(uniqueId->internal));
  std::strncpy(uniqueId->internal, "gc CUDA host emulator",
               sizeof(uniqueId->internal) - 1);
  return ncclSuccess;
}

ncclResult_t ncclCommInitRank(ncclComm_t *comm, int nranks, ncclUniqueId,
                              int rank) {
  if (!comm)
    return ncclInvalidArgument;
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized)
    return ncclInvalidUsage; // the emulation's group is MPI's
  auto *created = new ncclComm;
  if (MPI_Comm_dup(MPI_COMM_WORLD, &created->comm) != MPI_SUCCESS ||
      MPI_Comm_rank(created->comm, &created->rank) != MPI_SUCCESS ||
      MPI_Comm_size(created->comm, &created->size) != MPI_SUCCESS ||
      created->rank != rank || created->size != nranks) {
    if (created->comm != MPI_COMM_NULL)
      MPI_Comm_free(&created->comm);
    delete created;
    return ncclInvalidArgument;
  }
  *comm = created;
  return ncclSuccess;
}

ncclResult_t ncclAllReduce(const void *sendbuff, void *recvbuff, size_t count,
                           ncclDataType_t datatype, ncclRedOp_t op,
                           ncclComm_t comm, cudaStream_t stream) {
  if (!comm || op != ncclSum ||
      (datatype != ncclFloat32 && datatype != ncclFloat64))
    return ncclInvalidArgument;
  // The buffer is written by work queued on the stream before this call.
  if (cudaStreamSynchronize(stream) != cudaSuccess)
    return ncclUnhandledCudaError;
  const MPI_Datatype type = datatype == ncclFloat64 ? MPI_DOUBLE : MPI_FLOAT;
  const size_t bytes = datatype == ncclFloat64 ? 8 : 4;
  for (size_t done = 0; done < count;) {
    const int chunk = static_cast<int>(std::min<size_t>(count - done, INT_MAX));
    char *out = static_cast<char *>(recvbuff) + done * bytes;
    const void *in = sendbuff == recvbuff
                         ? MPI_IN_PLACE
                         : static_cast<const char *>(sendbuff) + done * bytes;
    if (MPI_Allreduce(in, out, chunk, type, MPI_SUM, comm->comm) != MPI_SUCCESS)
      return ncclSystemError;
    done += static_cast<size_t>(chunk);
  }
  return ncclSuccess;
}

ncclResult_t ncclCommDestroy(ncclComm_t comm) {
  if (!comm)
    return ncclInvalidArgument;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized && comm->comm != MPI_COMM_NULL)
    MPI_Comm_free(&comm->comm);
  delete comm;
  return ncclSuccess;
}

ncclResult_t ncclCommAbort(ncclComm_t comm) { return ncclCommDestroy(comm); }

const char *ncclGetErrorString(ncclResult_t result) {
  switch (result) {
  case ncclSuccess:
    return "no error (emulated NCCL)";
  case ncclUnhandledCudaError:
    return "unhandled cuda error (emulated NCCL)";
  case ncclSystemError:
    return "MPI failed (emulated NCCL)";
  case ncclInvalidArgument:
    return "invalid argument (emulated NCCL)";
  case ncclInvalidUsage:
    return "invalid usage: MPI is not initialized (emulated NCCL)";
  default:
    return "unknown result (emulated NCCL)";
  }
}

} // extern "C"
