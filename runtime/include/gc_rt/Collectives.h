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

#include <cstdint>

namespace gc::rt {

/// Bytes per element of a bucket buffer for tensors of `elementBytes`-byte
/// floats: f64 reduces in f64; f32, bf16 and f16 reduce in f32, so that a
/// sum over ranks rounds to the 16-bit grid once, when it is unpacked.
constexpr int64_t bucketElementBytes(int64_t elementBytes) {
  return elementBytes == 8 ? 8 : 4;
}

} // namespace gc::rt

#endif // GC_RT_COLLECTIVES_H
