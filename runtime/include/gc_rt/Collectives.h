//===- Collectives.h - The buffers of gc.all_reduce ------------*- C++ -*-===//
//
// Shared by the compiler (which plans the bucket buffer of every
// gc.all_reduce in the arena) and the kernels of both backends (which pack
// the bucket's tensors into it, reduce it with one communicator call and
// unpack it): how large that buffer is.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_COLLECTIVES_H
#define GC_RT_COLLECTIVES_H

#include "gc_rt/Status.h"
#include "gc_rt/StepAbi.h"

#include <cstdint>
#include <string>

namespace gc::rt {

/// Bytes per element of a bucket buffer for tensors of `elementBytes`-byte
/// floats: f64 reduces in f64; f32, bf16 and f16 reduce in f32, so that a
/// sum over ranks rounds to the 16-bit grid once, when it is unpacked.
constexpr int64_t bucketElementBytes(int64_t elementBytes) {
  return elementBytes == 8 ? 8 : 4;
}

/// Starts summing the `count` floats (f64 when `wide`) of a packed bucket
/// over `collectives`' group, in place (`stream`: the CUDA step's, else
/// NULL), and sets `*ticket`; a NULL group is a group of one, with nothing
/// to do. The communicator's message becomes the error.
inline Status startBucketSum(const gc_step_collectives_t *collectives,
                             void *bucket, int64_t count, bool wide,
                             void *stream, int64_t *ticket) {
  *ticket = -1;
  if (!collectives)
    return Status::ok();
  char error[1024] = {};
  if (collectives->all_reduce_start(collectives->context, bucket, count,
                                    wide ? GC_STEP_DTYPE_F64
                                         : GC_STEP_DTYPE_F32,
                                    stream, ticket, error, sizeof(error)) == 0)
    return Status::ok();
  return Status::error(error[0] ? std::string(error)
                                : "all-reduce of " + std::to_string(count) +
                                      " elements failed (no message)");
}

/// Waits for the sum `ticket` that startBucketSum began and sets
/// `*worldSize`, the divisor of a mean.
inline Status waitBucketSum(const gc_step_collectives_t *collectives,
                            int64_t ticket, int32_t *worldSize) {
  *worldSize = 1;
  if (!collectives)
    return Status::ok();
  *worldSize = collectives->world_size;
  char error[1024] = {};
  if (collectives->all_reduce_wait(collectives->context, ticket, error,
                                   sizeof(error)) == 0)
    return Status::ok();
  return Status::error(error[0] ? std::string(error)
                                : "all-reduce failed (no message)");
}

} // namespace gc::rt

#endif // GC_RT_COLLECTIVES_H
