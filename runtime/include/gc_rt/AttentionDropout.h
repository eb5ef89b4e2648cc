//===- AttentionDropout.h - The dropout inside gc.attention -----*- C++ -*-===//
//
// The attention dropout of one kernel call, shared by the CPU and CUDA
// kernels of gc.attention and gc.attention_grad: probability (b, h, i, j)
// survives when gc.dropout on the [batch, heads, queries, keys]
// probabilities would keep that element (AttentionProblem::dropoutIndex),
// and survivors are scaled by 1 / (1 - p). Without dropout every value
// passes unchanged.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_ATTENTIONDROPOUT_H
#define GC_RT_ATTENTIONDROPOUT_H

#include "gc_rt/Attention.h"
#include "gc_rt/Scalar.h"

namespace gc::rt {

template <typename T> class AttentionDropout {
public:
  /// `seed` is read only when the problem has dropout.
  GC_RT_HOST_DEVICE AttentionDropout(const AttentionProblem &problem,
                                     const int64_t *seed)
      : problem(problem), active(problem.probability > 0.0),
        seed(active ? *seed : 0),
        threshold(active ? cpu::dropoutThreshold(problem.probability) : 0),
        keepScale(active ? scalar::dropoutScale<T>(problem.probability)
                         : static_cast<T>(1)) {}

  /// Whether element (b, h, i, j) of the probabilities survives.
  GC_RT_HOST_DEVICE bool keeps(int64_t b, int64_t h, int64_t i,
                               int64_t j) const {
    return !active ||
           scalar::dropoutKeeps(seed, problem.stream,
                                problem.dropoutIndex(b, h, i, j), threshold);
  }

  /// `value` as the dropout leaves an element that is `kept` or not.
  GC_RT_HOST_DEVICE T apply(T value, bool kept) const {
    if (!active)
      return value;
    return kept ? value * keepScale : static_cast<T>(0);
  }

  /// `value` dropped or scaled as element (b, h, i, j).
  GC_RT_HOST_DEVICE T apply(T value, int64_t b, int64_t h, int64_t i,
                            int64_t j) const {
    return active ? apply(value, keeps(b, h, i, j)) : value;
  }

private:
  const AttentionProblem &problem;
  bool active;
  int64_t seed;
  uint32_t threshold;
  T keepScale;
};

} // namespace gc::rt

#endif // GC_RT_ATTENTIONDROPOUT_H
