//===- AttentionTensorCore.h - Tiled bf16/f16 attention ---------*- C++ -*-===//
//
// Private to runtime/src/cuda: the tensor-core kernels of gc.attention and
// gc.attention_grad (AttentionTensorCore.cu), which Attention.cu's entry
// points choose for bf16 and f16 problems they apply to.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_SRC_CUDA_ATTENTIONTENSORCORE_H
#define GC_RT_SRC_CUDA_ATTENTIONTENSORCORE_H

#include "gc_rt/Attention.h"
#include "gc_rt/Status.h"

#include <cuda_runtime.h>

#include <cstdint>

namespace gc::rt::cuda::detail {

/// Whether the tensor-core kernels take `problem`: head and value
/// dimensions from 1 to kMaxTensorCoreAttentionDim, and at least one key.
bool tensorCoreAttentionApplies(const AttentionProblem &problem);

/// gc.attention for T = BFloat16 or Half, `problem` one the kernels apply
/// to; lse is f32.
template <typename T>
Status tensorCoreAttention(const T *query, const T *key, const T *value,
                           const T *mask, const int64_t *seed, T *result,
                           float *lse, const AttentionProblem &problem,
                           cudaStream_t stream);

/// gc.attention_grad likewise; `workspace` holds the f32 row dots
/// D = grad . output (batch * heads * queries of them).
template <typename T>
Status tensorCoreAttentionGrad(const T *grad, const T *query, const T *key,
                               const T *value, const T *output,
                               const float *lse, const T *mask,
                               const int64_t *seed, T *queryGrad, T *keyGrad,
                               T *valueGrad, const AttentionProblem &problem,
                               float *workspace, cudaStream_t stream);

} // namespace gc::rt::cuda::detail

#endif // GC_RT_SRC_CUDA_ATTENTIONTENSORCORE_H
