//===- Collectives.cpp - gc.all_reduce on the CPU -------------------------===//
//
// One bucket of gradients reduced over the data-parallel group the way
// PyTorch DDP's reducer does it: the tensors are copied into one contiguous
// buffer, the buffer is summed over the ranks with a single communicator
// call (MPI_Iallreduce on gc_rt's communication thread, while the step goes
// on computing), and, when the step first needs a result, the tensors are
// copied back out, divided by the number of ranks for a mean.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"

#include "gc_rt/Collectives.h"

#include "gc_rt/cpu/Parallel.h"

using namespace gc::rt;
using namespace gc::rt::cpu;

template <typename T>
Status gc::rt::cpu::allReduceStart(const gc_step_collectives_t *collectives,
                                   void *bucket, const T *const *inputs,
                                   const int64_t *counts, int64_t count,
                                   int64_t *ticket) {
  using B = AccumulationOf<T>;
  B *buffer = static_cast<B *>(bucket);
  int64_t total = 0;
  for (int64_t t = 0; t < count; ++t) {
    const T *input = inputs[t];
    B *packed = buffer + total;
    parallelForRange(counts[t], kItemsPerTask, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i)
        packed[i] = widen(input[i]);
    });
    total += counts[t];
  }
  return startBucketSum(collectives, buffer, total, sizeof(B) == 8, nullptr,
                        ticket);
}

template <typename T>
Status gc::rt::cpu::allReduceWait(const gc_step_collectives_t *collectives,
                                  const void *bucket, T *const *results,
                                  const int64_t *counts, int64_t count,
                                  bool mean, int64_t ticket) {
  using B = AccumulationOf<T>;
  int32_t worldSize = 1;
  if (Status status = waitBucketSum(collectives, ticket, &worldSize);
      !status.isOk())
    return status;
  // A sum over one rank, and the mean's 1/2^k, are exact.
  const B factor = mean ? B(1) / B(worldSize) : B(1);
  const B *buffer = static_cast<const B *>(bucket);
  int64_t offset = 0;
  for (int64_t t = 0; t < count; ++t) {
    T *result = results[t];
    const B *packed = buffer + offset;
    parallelForRange(counts[t], kItemsPerTask, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i)
        result[i] = toStorage<T>(packed[i] * factor);
    });
    offset += counts[t];
  }
  return Status::ok();
}

template <typename T>
Status gc::rt::cpu::allReduce(const gc_step_collectives_t *collectives,
                              void *bucket, const T *const *inputs,
                              T *const *results, const int64_t *counts,
                              int64_t count, bool mean) {
  int64_t ticket = -1;
  if (Status status =
          allReduceStart(collectives, bucket, inputs, counts, count, &ticket);
      !status.isOk())
    return status;
  return allReduceWait(collectives, bucket, results, counts, count, mean,
                       ticket);
}

#define GC_RT_INSTANTIATE(T)                                                   \
  template Status gc::rt::cpu::allReduceStart<T>(                              \
      const gc_step_collectives_t *, void *, const T *const *,                 \
      const int64_t *, int64_t, int64_t *);                                    \
  template Status gc::rt::cpu::allReduceWait<T>(                               \
      const gc_step_collectives_t *, const void *, T *const *,                 \
      const int64_t *, int64_t, bool, int64_t);                                \
  template Status gc::rt::cpu::allReduce<T>(                                   \
      const gc_step_collectives_t *, void *, const T *const *, T *const *,     \
      const int64_t *, int64_t, bool);
GC_RT_INSTANTIATE(float)
GC_RT_INSTANTIATE(double)
GC_RT_INSTANTIATE(BFloat16)
GC_RT_INSTANTIATE(Half)
#undef GC_RT_INSTANTIATE
