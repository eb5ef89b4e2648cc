//===- Kernels.h - CUDA kernels of the gc dialect's ops ---------*- C++ -*-===//
//
// The CUDA twins of gc_rt/cpu/Kernels.h, in namespace gc::rt::cuda. Each
// function has the semantics of the CPU kernel of the same name (the CPU
// backend is the numerics oracle) and enqueues its work asynchronously on
// `stream`; nothing is synchronized. Every pointer to tensor data is a device
// pointer, rank-0 tensors included (an AdamW step, the upstream gradient of
// the loss); shapes, dimension lists and concat's list of input pointers live
// in host memory and are only read during the call.
//
// Conventions shared by every function (see the CPU header for the rest):
//  - Arguments come as on the CPU (operands, results, sizes/shapes,
//    attributes), then the device error word where there is one, then the
//    stream. matmul takes its cuBLAS handle and stream first.
//  - Every function returns a Status: ok, or an error naming the kernel (the
//    op's name, e.g. "layer_norm_grad") and the CUDA or cuBLAS error string
//    of a failed launch or library call. Launch errors are checked with
//    cudaGetLastError(), so an earlier asynchronous error of the stream may
//    surface here too.
//  - Errors of the data cannot be returned synchronously. embedding,
//    embeddingGrad, crossEntropy, crossEntropyGrad and adamwUpdate take an
//    `int32_t *deviceError` (a device word; null means "do not report"):
//    on invalid data the kernel sets it with atomicCAS(deviceError, 0, code),
//    so the first error of a step wins, with the codes of gc_rt/StepAbi.h.
//    Invalid data is never used to address memory, whether or not it is
//    reported. What is left unwritten is said per function below.
//  - Every kernel computes in its element type with the CPU's per-element
//    functions (gc_rt/Scalar.h, gc_rt/Math.h), compiled without FMA
//    contraction (--fmad=false), so an element rounds as on the CPU. Sums
//    use fixed orders that depend on the shape only (docs/numerics.md,
//    "CUDA"); results differ from the CPU only by those orders.
//  - 16-bit elements (gc::rt::BFloat16 and Half, gc_rt/HalfFloat.h):
//    matmul, reduce, attention, softmax, layerNorm, crossEntropy and their
//    gradients, sgdUpdate and adamwUpdate also take them (gc-autocast's
//    16-bit ops, and a model that computes these ops in 16 bits), as do data
//    movement and the fused pointwise kernels of a step. They compute in
//    float (AccumulationOf) and round each result once, as the CPU's widened
//    kernels do; their statistics (layer norm's mean and rstd, the
//    attention's lse) and workspaces are float. embedding and embeddingGrad
//    are f32 and f64 only (a 16-bit gradient would need an f32 buffer of the
//    table's size to sum in).
//  - Nothing is allocated: every kernel parameter is passed by value (shapes
//    are copied into fixed arrays of kMaxRank entries), and the kernels that
//    sum in two stages take a workspace that gc-plan-memory plans, sized by
//    the *WorkspaceBytes functions of gc_rt/cuda/Workspace.h. A rank above
//    kMaxRank, or a size that cuBLAS cannot take, is returned as an error
//    instead of being launched.
//  - Elementwise updates (sgdUpdate, adamwUpdate) accept results that alias
//    operands exactly; no other kernel supports aliasing.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_CUDA_KERNELS_H
#define GC_RT_CUDA_KERNELS_H

#include "gc_rt/Status.h"
#include "gc_rt/cpu/Kernels.h"
#include "gc_rt/cuda/Workspace.h"

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

namespace gc::rt::cuda {

using cpu::AccumulationOf;
using cpu::DimList;
using cpu::kMaxRank;
using cpu::ReduceOp;
using cpu::Shape;

//===----------------------------------------------------------------------===//
// Data movement (DataMovement.cu): type-generic, on elements of
// `elementSize` bytes. Copies move the widest word (up to 16 bytes) that the
// element size and the pointers' alignment allow.
//===----------------------------------------------------------------------===//

/// gc.broadcast (see cpu::broadcast).
Status broadcast(const void *input, void *result, Shape inputShape,
                 Shape resultShape, DimList dims, size_t elementSize,
                 cudaStream_t stream);

/// gc.transpose (see cpu::transpose).
Status transpose(const void *input, void *result, Shape inputShape,
                 DimList perm, size_t elementSize, cudaStream_t stream);

/// gc.slice (see cpu::slice).
Status slice(const void *input, void *result, Shape inputShape,
             Shape resultShape, DimList offsets, size_t elementSize,
             cudaStream_t stream);

/// gc.concat (see cpu::concat). `inputs` is a host array of numInputs device
/// pointers; one copy is enqueued per input.
Status concat(const void *const *inputs, void *result, int numInputs,
              const int64_t *inputDimSizes, Shape resultShape, int64_t dim,
              size_t elementSize, cudaStream_t stream);

//===----------------------------------------------------------------------===//
// Matrix multiplication (Matmul.cu), on cuBLAS.
//===----------------------------------------------------------------------===//

/// gc.matmul (see cpu::matmul) with cublasGemmStridedBatchedEx on `handle`,
/// whose stream is set to `stream`, pointer mode to host and math mode to
/// CUBLAS_DEFAULT_MATH on every call. float computes in exact FP32
/// (CUBLAS_COMPUTE_32F) unless allowTf32, which selects
/// CUBLAS_COMPUTE_32F_FAST_TF32 (TF32 tensor cores, ~1e-3 relative error);
/// double computes in CUBLAS_COMPUTE_64F whatever allowTf32 says. BFloat16
/// and Half compute in CUBLAS_COMPUTE_32F (tensor cores) with
/// CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION added to the math mode,
/// so every sum is f32, and round each result once.
template <typename T>
Status matmul(cublasHandle_t handle, cudaStream_t stream, const T *lhs,
              const T *rhs, T *result, Shape lhsShape, Shape rhsShape,
              bool transposeLhs, bool transposeRhs, bool allowTf32 = false);

//===----------------------------------------------------------------------===//
// Reductions (Reduction.cu)
//===----------------------------------------------------------------------===//

/// gc.reduce_sum, gc.reduce_mean, gc.reduce_max (see cpu::reduce). A sum
/// or mean of leading dimensions over more than kColumnChunkRows rows runs
/// in two stages through `workspace`, reduceWorkspaceBytes() bytes of
/// device memory (gc_rt/cuda/Workspace.h; NULL where that is 0). In the
/// element type; max propagates NaN, and the empty cases give the CPU's
/// identities (-inf, 0, NaN).
template <typename T>
Status reduce(ReduceOp op, const T *input, T *result, Shape inputShape,
              DimList dims, AccumulationOf<T> *workspace, cudaStream_t stream);

//===----------------------------------------------------------------------===//
// Normalization (LayerNorm.cu)
//===----------------------------------------------------------------------===//

/// gc.layer_norm (see cpu::layerNorm): writes result, mean[rows], rstd[rows].
template <typename T>
Status layerNorm(const T *input, const T *gamma, const T *beta, T *result,
                 AccumulationOf<T> *mean, AccumulationOf<T> *rstd, int64_t rows,
                 int64_t cols, double epsilon, cudaStream_t stream);

/// gc.layer_norm_grad (see cpu::layerNormGrad), in the element type.
/// gradGamma and gradBeta are column sums: over more than kColumnChunkRows
/// rows in two stages through `workspace`, layerNormGradWorkspaceBytes()
/// bytes of device memory (NULL where that is 0).
template <typename T>
Status
layerNormGrad(const T *grad, const T *input, const AccumulationOf<T> *mean,
              const AccumulationOf<T> *rstd, const T *gamma, T *gradInput,
              T *gradGamma, T *gradBeta, int64_t rows, int64_t cols,
              AccumulationOf<T> *workspace, cudaStream_t stream);

//===----------------------------------------------------------------------===//
// Fused attention (Attention.cu)
//===----------------------------------------------------------------------===//

/// gc.attention (see cpu::attention): one warp per query row walks the keys
/// three times (maximum, sum, output), never storing the scores; the output
/// row stays in the warp's registers (head dimensions up to 256). bf16 and
/// f16 with head dimensions up to 128 run tiled on the tensor cores
/// (FlashAttention-2's blocking, runtime/src/cuda/AttentionTensorCore.cu).
template <typename T>
Status attention(const T *query, const T *key, const T *value, const T *mask,
                 const int64_t *seed, T *result, AccumulationOf<T> *lse,
                 const ::gc::rt::AttentionProblem &problem,
                 cudaStream_t stream);

/// gc.attention_grad (see cpu::attentionGrad): one warp per query row for
/// the query gradient (and D = grad . output into `workspace`,
/// attentionGradWorkspaceBytes() bytes), then one warp per key row for the
/// key and value gradients, each recomputing its probabilities from lse;
/// every sum runs in a fixed order, no atomics. Tiled on the tensor cores
/// where the forward is.
template <typename T>
Status attentionGrad(const T *grad, const T *query, const T *key,
                     const T *value, const T *output,
                     const AccumulationOf<T> *lse, const T *mask,
                     const int64_t *seed, T *queryGrad, T *keyGrad,
                     T *valueGrad, const ::gc::rt::AttentionProblem &problem,
                     AccumulationOf<T> *workspace, cudaStream_t stream);

//===----------------------------------------------------------------------===//
// Softmax (Softmax.cu)
//===----------------------------------------------------------------------===//

/// gc.softmax along dimension dim (see cpu::softmax).
template <typename T>
Status softmax(const T *input, T *result, Shape shape, int64_t dim,
               cudaStream_t stream);

/// gc.softmax_grad (see cpu::softmaxGrad).
template <typename T>
Status softmaxGrad(const T *grad, const T *output, T *result, Shape shape,
                   int64_t dim, cudaStream_t stream);

//===----------------------------------------------------------------------===//
// Embedding (Embedding.cu)
//===----------------------------------------------------------------------===//

/// gc.embedding (see cpu::embedding). An id outside [0, vocabSize) sets
/// *deviceError to GC_STEP_ERROR_INDEX_OUT_OF_RANGE; the result row of that
/// position is left unwritten, the rows of valid ids are written (the CPU
/// writes nothing at all, which would need a grid-wide check first).
template <typename T, typename Id>
Status embedding(const T *table, const Id *ids, T *result, int64_t vocabSize,
                 int64_t embeddingDim, int64_t numIds, int32_t *deviceError,
                 cudaStream_t stream);

/// gc.embedding_grad (see cpu::embeddingGrad), deterministic and without
/// atomics: every result element receives its contributions in position
/// order, as on the CPU, except for a vocabulary of at most
/// kColumnSumVocabulary rows over many ids (BERT's token types), summed as
/// column sums in two stages through `workspace`
/// (embeddingGradWorkspaceBytes(); NULL where that is 0). Positions whose id
/// is paddingIdx (negative: none) contribute nothing. If any id is outside
/// [0, vocabSize), *deviceError is set to GC_STEP_ERROR_INDEX_OUT_OF_RANGE
/// and the whole result is left unwritten (not even zeroed), as on the CPU.
template <typename T, typename Id>
Status embeddingGrad(const T *grad, const Id *ids, T *result, int64_t vocabSize,
                     int64_t embeddingDim, int64_t numIds, int64_t paddingIdx,
                     void *workspace, int32_t *deviceError,
                     cudaStream_t stream);

//===----------------------------------------------------------------------===//
// Loss (CrossEntropy.cu)
//===----------------------------------------------------------------------===//

/// gc.cross_entropy (see cpu::crossEntropy), deterministic (a fixed
/// reduction order). If any label that is not ignoreIndex is outside
/// [0, classes), *deviceError is set to GC_STEP_ERROR_LABEL_OUT_OF_RANGE and
/// *loss is left unwritten, as on the CPU. Two kernels on `stream`: row
/// groups over the whole GPU write per-block partial sums (in row order)
/// into `workspace` (crossEntropyWorkspaceBytes(), planned device memory),
/// then one block adds them in block order. In the element type.
template <typename T, typename Label>
Status crossEntropy(const T *logits, const Label *labels, T *loss, int64_t rows,
                    int64_t classes, int64_t ignoreIndex, void *workspace,
                    int32_t *deviceError, cudaStream_t stream);

/// gc.cross_entropy_grad (see cpu::crossEntropyGrad); `grad` is the device
/// scalar upstream gradient. If any label that is not ignoreIndex is outside
/// [0, classes), *deviceError is set to GC_STEP_ERROR_LABEL_OUT_OF_RANGE and
/// the whole result is left unwritten, as on the CPU. The label count goes
/// through `workspace` (crossEntropyGradWorkspaceBytes()).
template <typename T, typename Label>
Status crossEntropyGrad(const T *grad, const T *logits, const Label *labels,
                        T *result, int64_t rows, int64_t classes,
                        int64_t ignoreIndex, void *workspace,
                        int32_t *deviceError, cudaStream_t stream);

//===----------------------------------------------------------------------===//
// Optimizers (Optimizer.cu)
//===----------------------------------------------------------------------===//

/// gc.sgd_update (see cpu::sgdUpdate), bitwise the CPU's result; `skip` (a
/// device f32 scalar, or null) skips the update when nonzero: the result is
/// a copy of param.
template <typename T>
Status sgdUpdate(const T *param, const T *grad, const float *skip, T *result,
                 int64_t n, double lr, double weightDecay, cudaStream_t stream);

/// gc.adamw_update (see cpu::adamwUpdate), bitwise the CPU's result (the
/// same formula in the element type); `step` is a device int64 scalar. A step
/// below 1 sets *deviceError to GC_STEP_ERROR_BAD_OPTIMIZER_STEP and nothing is
/// written, as on the CPU. `skip` (a device f32 scalar, or null) skips the
/// update when nonzero: the results are copies of param, m and v.
template <typename T>
Status adamwUpdate(const T *param, const T *grad, const T *m, const T *v,
                   const int64_t *step, const float *skip, T *newParam, T *newM,
                   T *newV, int64_t n, double lr, double beta1, double beta2,
                   double epsilon, double weightDecay, int32_t *deviceError,
                   cudaStream_t stream);

/// gc.any_nonfinite (see cpu::anyNonFinite): a fill of 0, then a scan whose
/// threads write 1 where they find an inf or NaN (all the same value).
template <typename T>
Status anyNonFinite(const T *input, T *result, int64_t n, cudaStream_t stream);

/// gc.update_loss_scale (see cpu::updateLossScale), one thread; every
/// pointer is a device scalar.
Status updateLossScale(const float *scale, const int64_t *growthTracker,
                       const int64_t *step, const float *found, float *newScale,
                       int64_t *newGrowthTracker, int64_t *newStep,
                       double growthFactor, double backoffFactor,
                       int64_t growthInterval, cudaStream_t stream);

/// gc.all_reduce (see cpu::allReduceStart/Wait): pack kernels into the
/// device `bucket` and the communicator's sum enqueued on `stream` (NCCL on
/// a GPU); then unpack kernels scaling by 1/world size for a mean. `inputs`,
/// `results` and `counts` are host arrays of device pointers and sizes.
template <typename T>
Status allReduceStart(const gc_step_collectives_t *collectives, void *bucket,
                      const T *const *inputs, const int64_t *counts,
                      int64_t count, int64_t *ticket, cudaStream_t stream);
template <typename T>
Status allReduceWait(const gc_step_collectives_t *collectives,
                     const void *bucket, T *const *results,
                     const int64_t *counts, int64_t count, bool mean,
                     int64_t ticket, cudaStream_t stream);

} // namespace gc::rt::cuda

#endif // GC_RT_CUDA_KERNELS_H
