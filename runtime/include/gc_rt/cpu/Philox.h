//===- Philox.h - The Philox4x32-10 counter-based generator -----*- C++ -*-===//
//
// Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as
// easy as 1, 2, 3", SC'11) and the mapping from a dropout element to its
// draw. The generator is a pure function of a 128-bit counter and a 64-bit
// key, so any element's random number can be computed independently of every
// other: this is what lets a recomputed gc.dropout, and gc.dropout_grad,
// regenerate exactly the mask of the original gc.dropout, and what lets the
// CPU and CUDA backends agree bit for bit whatever their thread layout.
//
// The dropout contract, shared by every backend:
//   key     = {uint32(seed), uint32(uint64(seed) >> 32)}
//   counter = {uint32(i / 4), uint32((i / 4) >> 32),
//              uint32(stream), uint32(uint64(stream) >> 32)}
//   word    = philox4x32(counter, key)[i % 4]
//   u       = float(word >> 8) * 2^-24          (exactly representable, [0,1))
//   keep    = double(u) >= probability
//           = (word >> 8) >= ceil(probability * 2^24)   (the same test on
//             integers: u * 2^24 is the integer word >> 8, and p * 2^24 is
//             exact in double)
// for element i (0-based, row-major over the whole tensor).
//
// Everything here is header-only and free of the standard library beyond
// <cstdint>, so that CUDA code can include it (functions are __host__
// __device__ under nvcc).
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_CPU_PHILOX_H
#define GC_RT_CPU_PHILOX_H

#include "gc_rt/HostDevice.h"

#include <cstdint>

/// Philox is inlined wherever it is used, so that a loop drawing one word
/// per element vectorizes (a call would keep it scalar).
#if defined(__CUDACC__)
#define GC_RT_PHILOX_INLINE __forceinline__
#elif defined(__GNUC__)
#define GC_RT_PHILOX_INLINE inline __attribute__((always_inline))
#else
#define GC_RT_PHILOX_INLINE inline
#endif

namespace gc::rt::cpu {

/// The 128-bit counter (and the output block) of Philox4x32.
struct PhiloxBlock {
  uint32_t words[4];
};

/// The 64-bit key of Philox4x32.
struct PhiloxKey {
  uint32_t words[2];
};

namespace philox_detail {
// Round multipliers and Weyl-sequence key increments of Philox4x32 (the
// constants of the SC'11 paper and of Random123's philox.h).
constexpr uint32_t kMultiplier0 = 0xD2511F53u;
constexpr uint32_t kMultiplier1 = 0xCD9E8D57u;
constexpr uint32_t kWeyl0 = 0x9E3779B9u;
constexpr uint32_t kWeyl1 = 0xBB67AE85u;

/// One Philox round: two 32x32->64-bit products whose high halves are mixed
/// with the other two words and the key, and whose low halves are kept.
GC_RT_HOST_DEVICE GC_RT_PHILOX_INLINE PhiloxBlock round(PhiloxBlock x,
                                                        PhiloxKey key) {
  uint64_t product0 = uint64_t(kMultiplier0) * x.words[0];
  uint64_t product1 = uint64_t(kMultiplier1) * x.words[2];
  auto hi0 = uint32_t(product0 >> 32), lo0 = uint32_t(product0);
  auto hi1 = uint32_t(product1 >> 32), lo1 = uint32_t(product1);
  return PhiloxBlock{{hi1 ^ x.words[1] ^ key.words[0], lo1,
                      hi0 ^ x.words[3] ^ key.words[1], lo0}};
}
} // namespace philox_detail

/// Philox4x32 with 10 rounds: the block of four 32-bit random words for
/// `counter` under `key`. The key is bumped by the Weyl increments between
/// rounds (nine bumps for ten rounds).
GC_RT_HOST_DEVICE GC_RT_PHILOX_INLINE PhiloxBlock
philox4x32(PhiloxBlock counter, PhiloxKey key) {
  using namespace philox_detail;
  counter = round(counter, key);
  for (int r = 1; r < 10; ++r) {
    key.words[0] += kWeyl0;
    key.words[1] += kWeyl1;
    counter = round(counter, key);
  }
  return counter;
}

/// The dropout key of a step seed: its low and high 32-bit halves.
GC_RT_HOST_DEVICE inline PhiloxKey dropoutKey(int64_t seed) {
  auto bits = uint64_t(seed);
  return PhiloxKey{{uint32_t(bits), uint32_t(bits >> 32)}};
}

/// The counter of the block that holds the draws of elements
/// [4 * block, 4 * block + 4) of dropout stream `stream`.
GC_RT_HOST_DEVICE inline PhiloxBlock dropoutCounter(uint64_t block,
                                                    int64_t stream) {
  auto bits = uint64_t(stream);
  return PhiloxBlock{{uint32_t(block), uint32_t(block >> 32), uint32_t(bits),
                      uint32_t(bits >> 32)}};
}

/// Maps a random word to a float in [0, 1): its top 24 bits times 2^-24, so
/// the result is exact and every value is equally likely.
GC_RT_HOST_DEVICE inline float uniformFromWord(uint32_t word) {
  return float(word >> 8) * (1.0f / 16777216.0f);
}

/// Word `lane` (0 to 3) of a Philox block, picked with selects rather than
/// an indexed load so that loops over elements vectorize.
GC_RT_HOST_DEVICE GC_RT_PHILOX_INLINE uint32_t wordOf(PhiloxBlock block,
                                                      uint32_t lane) {
  uint32_t low = lane & 1u ? block.words[1] : block.words[0];
  uint32_t high = lane & 1u ? block.words[3] : block.words[2];
  return lane & 2u ? high : low;
}

/// The random word of flat element `index` of dropout stream `stream` under
/// step seed `seed`: word index % 4 of block index / 4. A CUDA fused kernel
/// computes each block once for its four elements (wordOf).
GC_RT_HOST_DEVICE GC_RT_PHILOX_INLINE uint32_t dropoutWord(int64_t seed,
                                                           int64_t stream,
                                                           uint64_t index) {
  PhiloxBlock block =
      philox4x32(dropoutCounter(index / 4, stream), dropoutKey(seed));
  return wordOf(block, uint32_t(index) & 3u);
}

/// The integer form of the keep test: ceil(probability * 2^24), so that an
/// element survives exactly when (word >> 8) >= the threshold. probability
/// is in [0, 1) (the verifier's range), so the threshold is at most 2^24.
GC_RT_HOST_DEVICE inline uint32_t dropoutThreshold(double probability) {
  double scaled = probability * 16777216.0;
  auto threshold = uint32_t(scaled);
  return double(threshold) < scaled ? threshold + 1 : threshold;
}

GC_RT_HOST_DEVICE GC_RT_PHILOX_INLINE bool
dropoutWordKeeps(uint32_t word, uint32_t threshold) {
  return (word >> 8) >= threshold;
}

} // namespace gc::rt::cpu

#endif // GC_RT_CPU_PHILOX_H
