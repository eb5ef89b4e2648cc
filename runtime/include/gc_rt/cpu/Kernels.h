//===- Kernels.h - CPU kernels of the gc dialect's ops ----------*- C++ -*-===//
//
// One kernel (or a small family) per op family of the gc dialect, on raw
// contiguous row-major buffers. Kernels implement the semantics of
// docs/Dialects/GcDialect.md under the numerics contract of
// docs/numerics.md: float tensors compute in float, every sum in a fixed
// blocked pairwise order, transcendentals with gc_rt/Math.h. Kernels run in
// parallel on the thread pool of gc_rt/cpu/Parallel.h with tasks fixed by
// the shapes, so results are bitwise the same for every thread count.
//
// Conventions shared by every kernel:
//  - Arguments come as: operand buffers, result buffers, then sizes/shapes,
//    then the op's attributes. Every tensor operand is passed as a pointer to
//    its buffer, rank-0 tensors (a seed, a step, an upstream scalar gradient)
//    included.
//  - Float kernels are templates explicitly instantiated for float and
//    double, and specialized for the 16-bit storage types BFloat16 and
//    Half (Widened.cpp: widen to float, run the float kernel, round each
//    result once; declared at the end of this header); data-movement kernels
//    are type-generic and take the element size in bytes; integer ids and
//    labels may be int32_t or int64_t.
//  - Shapes are the static shapes of the op: kernels assume what the
//    verifier guarantees (matching shapes, valid permutations, in-range
//    dims) and check it only with assert. What depends on data (an id or a
//    label out of range, an optimizer step below 1) is returned as a Status.
//  - Elementwise kernels (dropout and the optimizer updates included) accept
//    a result that aliases an operand exactly (in place); no other kernel
//    supports aliasing.
//  - Kernels do not allocate, except cross_entropy (one float per row for
//    the row losses), attention (a block of scores per task) and the
//    message of an error Status.
//  - Tensors have at most kMaxRank dimensions: the dialect refuses a gc
//    value of higher rank (gc/Dialect/GcTypes.td), so the shape
//    preconditions these kernels assert hold for every verified step.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_CPU_KERNELS_H
#define GC_RT_CPU_KERNELS_H

#include "gc_rt/Attention.h"
#include "gc_rt/HalfFloat.h"
#include "gc_rt/Status.h"
#include "gc_rt/StepAbi.h"

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace gc::rt::cpu {

/// The largest rank the kernels handle (they keep per-dimension state in
/// fixed arrays of this size instead of allocating).
constexpr int kMaxRank = 16;

/// A non-owning view of a list of int64 values: a tensor's dimensions
/// (outermost first) or a per-dimension attribute (a permutation, broadcast
/// dims, slice offsets, reduced dims). The viewed storage must outlive the
/// call that receives the view.
struct Shape {
  const int64_t *dims = nullptr;
  int rank = 0;

  constexpr Shape() = default;
  constexpr Shape(const int64_t *values, int size) : dims(values), rank(size) {}
  Shape(const std::vector<int64_t> &values)
      : dims(values.data()), rank(static_cast<int>(values.size())) {}
  template <size_t N>
  constexpr Shape(const int64_t (&values)[N])
      : dims(values), rank(static_cast<int>(N)) {}

  int64_t operator[](int i) const { return dims[i]; }
  /// The number of elements of a tensor of this shape (1 for rank 0).
  int64_t numElements() const {
    int64_t count = 1;
    for (int i = 0; i < rank; ++i)
      count *= dims[i];
    return count;
  }
};

/// A list of dimension indices or offsets (same representation as Shape).
using DimList = Shape;

/// float for the 16-bit types, T otherwise (gc_rt/HalfFloat.h).
using ::gc::rt::AccumulationOf;

//===----------------------------------------------------------------------===//
// Elementwise (Elementwise.cpp, Cast.cpp)
//===----------------------------------------------------------------------===//

/// gc.neg, gc.exp, gc.log, gc.tanh, gc.erf, gc.sqrt, gc.rsqrt, gc.relu.
enum class UnaryOp { Neg, Exp, Log, Tanh, Erf, Sqrt, Rsqrt, Relu };

/// result[i] = op(input[i]) for i in [0, n), in T (docs/numerics.md).
template <typename T>
void unary(UnaryOp op, const T *input, T *result, int64_t n);

/// gc.add, gc.sub, gc.mul, gc.div.
enum class BinaryOp { Add, Sub, Mul, Div };

/// result[i] = lhs[i] op rhs[i] for i in [0, n) (same shapes, no
/// broadcasting).
template <typename T>
void binary(BinaryOp op, const T *lhs, const T *rhs, T *result, int64_t n);

/// How gc.gelu evaluates the Gaussian CDF (the dialect's GeluApproximation).
enum class GeluApproximation { None, Tanh };

/// gc.gelu: x * Phi(x), with Phi exact (None: 0.5 * (1 + erf(x / sqrt(2))))
/// or the tanh form (0.5 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))).
template <typename T>
void gelu(const T *input, T *result, int64_t n,
          GeluApproximation approximation);

/// gc.gelu_grad: grad * d gelu(input) / d input, same approximation.
template <typename T>
void geluGrad(const T *grad, const T *input, T *result, int64_t n,
              GeluApproximation approximation);

/// gc.relu_grad: grad where input > 0, else 0.
template <typename T>
void reluGrad(const T *grad, const T *input, T *result, int64_t n);

/// gc.scale: input * T(factor).
template <typename T>
void scale(const T *input, T *result, int64_t n, double factor);

/// gc.cast between float, double, bf16, f16, int32_t and int64_t (all 36
/// pairs are instantiated; a 16-bit operand is widened to float first, a
/// 16-bit result rounded from float, as c10::BFloat16 and c10::Half do).
/// Float-to-float and integer-to-float round to nearest; float-to-integer
/// truncates toward zero and saturates at the integer range, NaN giving 0 (as
/// CUDA's conversions do).
template <typename From, typename To>
void cast(const From *input, To *result, int64_t n);

//===----------------------------------------------------------------------===//
// Data movement (DataMovement.cpp): type-generic, on elements of
// `elementSize` bytes.
//===----------------------------------------------------------------------===//

/// gc.broadcast: operand dimension i maps to result dimension dims[i]
/// (strictly increasing); an operand dimension of size 1 is repeated, and
/// result dimensions not named in dims repeat the whole operand.
void broadcast(const void *input, void *result, Shape inputShape,
               Shape resultShape, DimList dims, size_t elementSize);

/// gc.transpose: result dimension i is operand dimension perm[i].
void transpose(const void *input, void *result, Shape inputShape, DimList perm,
               size_t elementSize);

/// gc.slice: the box of shape resultShape starting at offsets (unit
/// strides).
void slice(const void *input, void *result, Shape inputShape, Shape resultShape,
           DimList offsets, size_t elementSize);

/// gc.concat of numInputs tensors along dimension dim: input k has the
/// result's shape except that its extent along dim is inputDimSizes[k]
/// (the sizes add up to resultShape[dim]).
void concat(const void *const *inputs, void *result, int numInputs,
            const int64_t *inputDimSizes, Shape resultShape, int64_t dim,
            size_t elementSize);

//===----------------------------------------------------------------------===//
// Matrix multiplication (Matmul.cpp), on OpenBLAS.
//===----------------------------------------------------------------------===//

/// gc.matmul: lhs is [b..., M, K] ([b..., K, M] with transposeLhs), rhs is
/// [b..., K, N] ([b..., N, K] with transposeRhs) or a rank-2 matrix shared by
/// every batch; the result is [b..., M, N].
template <typename T>
void matmul(const T *lhs, const T *rhs, T *result, Shape lhsShape,
            Shape rhsShape, bool transposeLhs, bool transposeRhs);

//===----------------------------------------------------------------------===//
// Reductions (Reduction.cpp)
//===----------------------------------------------------------------------===//

/// gc.reduce_sum, gc.reduce_mean, gc.reduce_max.
enum class ReduceOp { Sum, Mean, Max };

/// Reduces input over dims (non-empty, strictly increasing). keep_dims only
/// changes the result's shape, not its data, so it is not a parameter. Sum
/// and mean accumulate in T in the contract's blocked pairwise order. Max
/// propagates NaN; over an empty set it is -inf, and the mean of an empty
/// set is NaN.
template <typename T>
void reduce(ReduceOp op, const T *input, T *result, Shape inputShape,
            DimList dims);

//===----------------------------------------------------------------------===//
// Normalization (LayerNorm.cpp)
//===----------------------------------------------------------------------===//

/// gc.layer_norm over the last dimension of a [rows, cols] view of input:
/// result = (x - mean) * rstd * gamma + beta with rstd = 1 / sqrt(var +
/// epsilon), var the biased variance. Writes mean[rows] and rstd[rows].
template <typename T>
void layerNorm(const T *input, const T *gamma, const T *beta, T *result,
               AccumulationOf<T> *mean, AccumulationOf<T> *rstd, int64_t rows,
               int64_t cols, double epsilon);

/// gc.layer_norm_grad: from the upstream grad, the forward input, mean and
/// rstd, and gamma, computes gradInput [rows, cols], gradGamma [cols] =
/// sum over rows of grad * xhat and gradBeta [cols] = sum over rows of grad.
template <typename T>
void layerNormGrad(const T *grad, const T *input, const AccumulationOf<T> *mean,
                   const AccumulationOf<T> *rstd, const T *gamma, T *gradInput,
                   T *gradGamma, T *gradBeta, int64_t rows, int64_t cols);

//===----------------------------------------------------------------------===//
// Softmax (Softmax.cpp)
//===----------------------------------------------------------------------===//

/// gc.softmax along dimension dim: exp(x - max) / sum(exp(x - max)).
template <typename T>
void softmax(const T *input, T *result, Shape shape, int64_t dim);

/// gc.softmax_grad: output * (grad - sum(grad * output, dim)).
template <typename T>
void softmaxGrad(const T *grad, const T *output, T *result, Shape shape,
                 int64_t dim);

/// gc.attention (Attention.cpp): for every (batch, head) and query row,
/// scores = scale * query key^T + mask, p = softmax(scores), out = dropout(p)
/// value and lse = log(sum(exp(scores))). `mask` and `seed` may be null
/// (no mask; probability 0). Tasks are blocks of query rows; each computes
/// its block of scores with one GEMM, the softmax under the contract's row
/// sums and the output with a second GEMM.
template <typename T>
void attention(const T *query, const T *key, const T *value, const T *mask,
               const int64_t *seed, T *result, AccumulationOf<T> *lse,
               const ::gc::rt::AttentionProblem &problem);

/// gc.attention_grad: the gradients of query, key and value, recomputing
/// the probabilities from lse block by block (FlashAttention-2's backward
/// pass). Tasks are (batch, head) pairs; within one, the blocks of query
/// rows add into the key and value gradients in block order.
template <typename T>
void attentionGrad(const T *grad, const T *query, const T *key, const T *value,
                   const T *output, const AccumulationOf<T> *lse, const T *mask,
                   const int64_t *seed, T *queryGrad, T *keyGrad, T *valueGrad,
                   const ::gc::rt::AttentionProblem &problem);

//===----------------------------------------------------------------------===//
// Dropout (Dropout.cpp); the random contract is in Philox.h.
//===----------------------------------------------------------------------===//

/// gc.dropout: result[i] = input[i] * T(1 / (1 - probability)) when element
/// i is kept under (*seed, stream), else 0.
template <typename T>
void dropout(const T *input, const int64_t *seed, T *result, int64_t n,
             double probability, int64_t stream);

/// gc.dropout_grad: the mask and scale of the dropout with the same seed,
/// stream and probability, applied to grad.
template <typename T>
void dropoutGrad(const T *grad, const int64_t *seed, T *result, int64_t n,
                 double probability, int64_t stream);

//===----------------------------------------------------------------------===//
// Embedding (Embedding.cpp)
//===----------------------------------------------------------------------===//

/// gc.embedding: result[i, :] = table[ids[i], :] for the numIds ids (any
/// shape, flattened), table being [vocabSize, embeddingDim]. An id outside
/// [0, vocabSize) is an error naming it, its flat position and vocabSize;
/// the result is then left unwritten.
template <typename T, typename Id>
Status embedding(const T *table, const Id *ids, T *result, int64_t vocabSize,
                 int64_t embeddingDim, int64_t numIds);

/// gc.embedding_grad: result [vocabSize, embeddingDim] is zeroed, then row
/// ids[i] accumulates grad[i, :] for every position i in order, except the
/// positions whose id is paddingIdx (as nn.Embedding's padding_idx; a
/// negative paddingIdx means none). Errors as embedding (the result is then
/// left unwritten).
template <typename T, typename Id>
Status embeddingGrad(const T *grad, const Id *ids, T *result, int64_t vocabSize,
                     int64_t embeddingDim, int64_t numIds,
                     int64_t paddingIdx = -1);

//===----------------------------------------------------------------------===//
// Loss (CrossEntropy.cpp)
//===----------------------------------------------------------------------===//

/// gc.cross_entropy: *loss = the mean, over the rows whose label is not
/// ignoreIndex, of logsumexp(logits[n, :]) - logits[n, labels[n]]; 0 when
/// every row is ignored. logits is [rows, classes]. A label outside
/// [0, classes) that is not ignoreIndex is an error (loss left unwritten).
template <typename T, typename Label>
Status crossEntropy(const T *logits, const Label *labels, T *loss, int64_t rows,
                    int64_t classes, int64_t ignoreIndex);

/// gc.cross_entropy_grad: result[n, :] = *grad * (softmax(logits[n, :]) -
/// onehot(labels[n])) / count for the count rows not ignored, zero rows for
/// the ignored ones. Errors as crossEntropy (result left unwritten).
template <typename T, typename Label>
Status crossEntropyGrad(const T *grad, const T *logits, const Label *labels,
                        T *result, int64_t rows, int64_t classes,
                        int64_t ignoreIndex);

//===----------------------------------------------------------------------===//
// Optimizers (Optimizer.cpp)
//===----------------------------------------------------------------------===//

/// gc.sgd_update: result = param - lr * (grad + weightDecay * param). When
/// `skip` is not null and *skip is nonzero (a dynamic loss scaler found an
/// inf or NaN gradient), the update is skipped: result is a copy of param.
template <typename T>
void sgdUpdate(const T *param, const T *grad, const float *skip, T *result,
               int64_t n, double lr, double weightDecay);

/// gc.adamw_update, as torch.optim.AdamW with t = *step:
///   p' = p - lr * weightDecay * p
///   m' = beta1 * m + (1 - beta1) * g
///   v' = beta2 * v + (1 - beta2) * g^2
///   p'' = p' - lr * (m' / (1 - beta1^t)) / (sqrt(v' / (1 - beta2^t)) + eps)
/// Elements are computed in T in the order of PyTorch's single-tensor AdamW;
/// the per-step scalars in double, rounded once. A step below 1 is an error
/// (nothing is written). When `skip` is not null and *skip is nonzero (a
/// dynamic loss scaler found an inf or NaN gradient), the update is skipped:
/// the results are copies of param, m and v.
template <typename T>
Status adamwUpdate(const T *param, const T *grad, const T *m, const T *v,
                   const int64_t *step, const float *skip, T *newParam, T *newM,
                   T *newV, int64_t n, double lr, double beta1, double beta2,
                   double epsilon, double weightDecay);

//===----------------------------------------------------------------------===//
// Dynamic loss scaling (LossScaling.cpp)
//===----------------------------------------------------------------------===//

/// gc.any_nonfinite: *result = 1 when an element of input[n] is an infinity
/// or a NaN, else 0. Order-independent, so deterministic when threaded.
template <typename T> void anyNonFinite(const T *input, T *result, int64_t n);

/// gc.update_loss_scale, torch.cuda.amp.GradScaler's update: with a nonzero
/// *found (an inf or NaN gradient; the step was skipped) the scale is
/// multiplied by backoffFactor, the growth tracker reset and the optimizer
/// step kept; otherwise the step advances by one and the tracker counts the
/// good step, and after growthInterval of them in a row the scale is
/// multiplied by growthFactor (if that stays finite) and the tracker reset.
void updateLossScale(const float *scale, const int64_t *growthTracker,
                     const int64_t *step, const float *found, float *newScale,
                     int64_t *newGrowthTracker, int64_t *newStep,
                     double growthFactor, double backoffFactor,
                     int64_t growthInterval);

/// gc.all_reduce over `collectives`' group (NULL: a group of one): packs
/// the `count` tensors inputs[i] (counts[i] elements each) into `bucket`
/// (AccumulationOf<T>: float for f32 and 16-bit types, double for f64),
/// sums the bucket over the ranks with one call, and writes results[i], the
/// sum or (`mean`) the sum times 1/world size, rounded once to T. An error
/// of the communicator (a timeout, a vanished peer) is returned.
template <typename T>
Status allReduce(const gc_step_collectives_t *collectives, void *bucket,
                 const T *const *inputs, T *const *results,
                 const int64_t *counts, int64_t count, bool mean);

/// allReduce in two halves, so that the reduction overlaps the computation
/// between them: allReduceStart packs and starts the sum (setting *ticket),
/// allReduceWait waits for it and unpacks. `bucket` must stay untouched in
/// between.
template <typename T>
Status allReduceStart(const gc_step_collectives_t *collectives, void *bucket,
                      const T *const *inputs, const int64_t *counts,
                      int64_t count, int64_t *ticket);
template <typename T>
Status allReduceWait(const gc_step_collectives_t *collectives,
                     const void *bucket, T *const *results,
                     const int64_t *counts, int64_t count, bool mean,
                     int64_t ticket);

//===----------------------------------------------------------------------===//
// The 16-bit specializations (Widened.cpp)
//===----------------------------------------------------------------------===//

#define GC_RT_DECLARE_WIDENED(H)                                               \
  template <> void unary<H>(UnaryOp, const H *, H *, int64_t);                 \
  template <> void binary<H>(BinaryOp, const H *, const H *, H *, int64_t);    \
  template <> void gelu<H>(const H *, H *, int64_t, GeluApproximation);        \
  template <>                                                                  \
  void geluGrad<H>(const H *, const H *, H *, int64_t, GeluApproximation);     \
  template <> void reluGrad<H>(const H *, const H *, H *, int64_t);            \
  template <> void scale<H>(const H *, H *, int64_t, double);                  \
  template <>                                                                  \
  void matmul<H>(const H *, const H *, H *, Shape, Shape, bool, bool);         \
  template <> void reduce<H>(ReduceOp, const H *, H *, Shape, DimList);        \
  template <>                                                                  \
  void layerNorm<H>(const H *, const H *, const H *, H *, float *, float *,    \
                    int64_t, int64_t, double);                                 \
  template <>                                                                  \
  void layerNormGrad<H>(const H *, const H *, const float *, const float *,    \
                        const H *, H *, H *, H *, int64_t, int64_t);           \
  template <> void softmax<H>(const H *, H *, Shape, int64_t);                 \
  template <> void softmaxGrad<H>(const H *, const H *, H *, Shape, int64_t);  \
  template <>                                                                  \
  void attention<H>(const H *, const H *, const H *, const H *,                \
                    const int64_t *, H *, float *,                             \
                    const ::gc::rt::AttentionProblem &);                       \
  template <>                                                                  \
  void attentionGrad<H>(const H *, const H *, const H *, const H *, const H *, \
                        const float *, const H *, const int64_t *, H *, H *,   \
                        H *, const ::gc::rt::AttentionProblem &);              \
  template <>                                                                  \
  void dropout<H>(const H *, const int64_t *, H *, int64_t, double, int64_t);  \
  template <>                                                                  \
  void dropoutGrad<H>(const H *, const int64_t *, H *, int64_t, double,        \
                      int64_t);                                                \
  template <>                                                                  \
  void sgdUpdate<H>(const H *, const H *, const float *, H *, int64_t, double, \
                    double);                                                   \
  template <>                                                                  \
  Status adamwUpdate<H>(const H *, const H *, const H *, const H *,            \
                        const int64_t *, const float *, H *, H *, H *,         \
                        int64_t, double, double, double, double, double);
GC_RT_DECLARE_WIDENED(::gc::rt::BFloat16)
GC_RT_DECLARE_WIDENED(::gc::rt::Half)
#undef GC_RT_DECLARE_WIDENED

#define GC_RT_DECLARE_WIDENED_INDEXED(H, Id)                                   \
  template <>                                                                  \
  Status embedding<H, Id>(const H *, const Id *, H *, int64_t, int64_t,        \
                          int64_t);                                            \
  template <>                                                                  \
  Status embeddingGrad<H, Id>(const H *, const Id *, H *, int64_t, int64_t,    \
                              int64_t, int64_t);                               \
  template <>                                                                  \
  Status crossEntropy<H, Id>(const H *, const Id *, H *, int64_t, int64_t,     \
                             int64_t);                                         \
  template <>                                                                  \
  Status crossEntropyGrad<H, Id>(const H *, const H *, const Id *, H *,        \
                                 int64_t, int64_t, int64_t);
GC_RT_DECLARE_WIDENED_INDEXED(::gc::rt::BFloat16, int32_t)
GC_RT_DECLARE_WIDENED_INDEXED(::gc::rt::BFloat16, int64_t)
GC_RT_DECLARE_WIDENED_INDEXED(::gc::rt::Half, int32_t)
GC_RT_DECLARE_WIDENED_INDEXED(::gc::rt::Half, int64_t)
#undef GC_RT_DECLARE_WIDENED_INDEXED

} // namespace gc::rt::cpu

#endif // GC_RT_CPU_KERNELS_H
