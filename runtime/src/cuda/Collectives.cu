//===- Collectives.cu - gc.all_reduce on CUDA -----------------------------===//
//
// The CPU's bucket scheme (see Collectives.cpp there) on the device: one
// grid-stride pack kernel per tensor widens it into the bucket, the
// communicator sums the bucket over the ranks on the step's stream (an
// ncclAllReduce on a GPU), and, at the wait, one unpack kernel per tensor
// writes the result, times 1/world size for a mean, rounded once.
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include "gc_rt/Collectives.h"

using namespace gc::rt;
using namespace gc::rt::cuda;
using namespace gc::rt::cuda::detail;

namespace {

template <typename T, typename B>
__global__ void packKernel(const T *__restrict__ input, B *__restrict__ packed,
                           int64_t n) {
  for (int64_t i = globalThreadIndex(); i < n; i += globalThreadCount())
    packed[i] = widen(input[i]);
}

template <typename T, typename B>
__global__ void unpackKernel(const B *__restrict__ packed,
                             T *__restrict__ result, B factor, int64_t n) {
  for (int64_t i = globalThreadIndex(); i < n; i += globalThreadCount())
    result[i] = toStorage<T>(packed[i] * factor);
}

} // namespace

template <typename T>
Status gc::rt::cuda::allReduceStart(const gc_step_collectives_t *collectives,
                                    void *bucket, const T *const *inputs,
                                    const int64_t *counts, int64_t count,
                                    int64_t *ticket, cudaStream_t stream) {
  using B = AccumulationOf<T>;
  B *buffer = static_cast<B *>(bucket);
  int64_t total = 0;
  for (int64_t t = 0; t < count; ++t) {
    if (counts[t] > 0) {
      GC_CUDA_LAUNCH((packKernel<T, B>), gridFor(counts[t]), kBlockSize, 0,
                     stream)(inputs[t], buffer + total, counts[t]);
      GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED("all_reduce");
    }
    total += counts[t];
  }
  return startBucketSum(collectives, buffer, total, sizeof(B) == 8, stream,
                        ticket);
}

template <typename T>
Status gc::rt::cuda::allReduceWait(const gc_step_collectives_t *collectives,
                                   const void *bucket, T *const *results,
                                   const int64_t *counts, int64_t count,
                                   bool mean, int64_t ticket,
                                   cudaStream_t stream) {
  using B = AccumulationOf<T>;
  int32_t worldSize = 1;
  if (Status status = waitBucketSum(collectives, ticket, &worldSize);
      !status.isOk())
    return status;
  const B factor = mean ? B(1) / B(worldSize) : B(1);
  const B *buffer = static_cast<const B *>(bucket);
  int64_t offset = 0;
  for (int64_t t = 0; t < count; ++t) {
    if (counts[t] > 0) {
      GC_CUDA_LAUNCH((unpackKernel<T, B>), gridFor(counts[t]), kBlockSize, 0,
                     stream)(buffer + offset, results[t], factor, counts[t]);
      GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED("all_reduce");
    }
    offset += counts[t];
  }
  return Status::ok();
}

#define GC_RT_INSTANTIATE(T)                                                   \
  template Status gc::rt::cuda::allReduceStart<T>(                             \
      const gc_step_collectives_t *, void *, const T *const *,                 \
      const int64_t *, int64_t, int64_t *, cudaStream_t);                      \
  template Status gc::rt::cuda::allReduceWait<T>(                              \
      const gc_step_collectives_t *, const void *, T *const *,                 \
      const int64_t *, int64_t, bool, int64_t, cudaStream_t);
GC_RT_INSTANTIATE(float)
GC_RT_INSTANTIATE(double)
GC_RT_INSTANTIATE(BFloat16)
GC_RT_INSTANTIATE(Half)
#undef GC_RT_INSTANTIATE
