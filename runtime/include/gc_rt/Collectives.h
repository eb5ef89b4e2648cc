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

/// Sums the `count` floats (f64 when `wide`) of a packed bucket over
/// `collectives`' group, in place (`stream`: the CUDA step's, else NULL),
/// and sets `*worldSize`; a NULL group is a group of one. The communicator's
/// message (a timeout, a vanished peer) becomes the error.
inline Status sumBucket(const gc_step_collectives_t *collectives, void *bucket,
                        int64_t count, bool wide, void *stream,
                        int32_t *worldSize) {
  *worldSize = 1;
  if (!collectives)
    return Status::ok();
  *worldSize = collectives->world_size;
  char error[1024] = {};
  if (collectives->all_reduce_sum(collectives->context, bucket, count,
                                  wide ? GC_STEP_DTYPE_F64 : GC_STEP_DTYPE_F32,
                                  stream, error, sizeof(error)) == 0)
    return Status::ok();
  return Status::error(error[0] ? std::string(error)
                                : "all-reduce of " + std::to_string(count) +
                                      " elements failed (no message)");
}

} // namespace gc::rt

#endif // GC_RT_COLLECTIVES_H
