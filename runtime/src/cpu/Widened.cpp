//===- Widened.cpp - The 16-bit (bf16, f16) CPU kernels -------------------===//
//
// Every float kernel of Kernels.h for BFloat16 and Half storage: the
// operands are widened to float, the float kernel runs, and each result is
// rounded once to the 16-bit type. This is the contract of a 16-bit op in
// docs/numerics.md (compute in f32 in the f32 kernel's order, round the
// result once, as PyTorch's CPU kernels do with their float "opmath"), so a
// bf16 op gives bitwise round(f32 op(widened operands)) for every thread
// count. The price is a float copy of the operands and results per call;
// these kernels allocate it.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/HalfFloat.h"
#include "gc_rt/cpu/Kernels.h"
#include "gc_rt/cpu/Parallel.h"

#include <vector>

using namespace gc::rt::cpu;
using gc::rt::BFloat16;
using gc::rt::Half;

namespace {

/// A float copy of n 16-bit elements; empty (data() null) for a null
/// pointer, so optional operands (an absent mask) stay absent.
template <typename H> class Wide {
public:
  Wide(const H *data, int64_t n) : absent(data == nullptr) {
    if (absent)
      return;
    values.resize(static_cast<size_t>(n));
    float *out = values.data();
    parallelForRange(n, kItemsPerTask, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i)
        out[i] = gc::rt::widen(data[i]);
    });
  }
  const float *get() const { return absent ? nullptr : values.data(); }

private:
  bool absent;
  std::vector<float> values;
};

/// A float result buffer of n elements, rounded into `target` by store().
template <typename H> class WideResult {
public:
  WideResult(H *target, int64_t n)
      : target(target), values(static_cast<size_t>(n)) {}
  float *get() { return values.data(); }
  void store() {
    const float *in = values.data();
    H *out = target;
    parallelForRange(static_cast<int64_t>(values.size()), kItemsPerTask,
                     [&](int64_t begin, int64_t end) {
                       for (int64_t i = begin; i < end; ++i)
                         out[i] = gc::rt::narrow<H>(in[i]);
                     });
  }

private:
  H *target;
  std::vector<float> values;
};

int64_t product(Shape shape, int from, int to) {
  int64_t count = 1;
  for (int d = from; d < to; ++d)
    count *= shape[d];
  return count;
}

} // namespace

namespace gc::rt::cpu {

#define GC_RT_WIDENED(H)                                                       \
  template <>                                                                  \
  void unary<H>(UnaryOp op, const H *input, H *result, int64_t n) {            \
    Wide<H> x(input, n);                                                       \
    WideResult<H> out(result, n);                                              \
    unary<float>(op, x.get(), out.get(), n);                                   \
    out.store();                                                               \
  }                                                                            \
  template <>                                                                  \
  void binary<H>(BinaryOp op, const H *lhs, const H *rhs, H *result,           \
                 int64_t n) {                                                  \
    Wide<H> a(lhs, n), b(rhs, n);                                              \
    WideResult<H> out(result, n);                                              \
    binary<float>(op, a.get(), b.get(), out.get(), n);                         \
    out.store();                                                               \
  }                                                                            \
  template <>                                                                  \
  void gelu<H>(const H *input, H *result, int64_t n,                           \
               GeluApproximation approximation) {                              \
    Wide<H> x(input, n);                                                       \
    WideResult<H> out(result, n);                                              \
    gelu<float>(x.get(), out.get(), n, approximation);                         \
    out.store();                                                               \
  }                                                                            \
  template <>                                                                  \
  void geluGrad<H>(const H *grad, const H *input, H *result, int64_t n,        \
                   GeluApproximation approximation) {                          \
    Wide<H> g(grad, n), x(input, n);                                           \
    WideResult<H> out(result, n);                                              \
    geluGrad<float>(g.get(), x.get(), out.get(), n, approximation);            \
    out.store();                                                               \
  }                                                                            \
  template <>                                                                  \
  void reluGrad<H>(const H *grad, const H *input, H *result, int64_t n) {      \
    Wide<H> g(grad, n), x(input, n);                                           \
    WideResult<H> out(result, n);                                              \
    reluGrad<float>(g.get(), x.get(), out.get(), n);                           \
    out.store();                                                               \
  }                                                                            \
  template <>                                                                  \
  void scale<H>(const H *input, H *result, int64_t n, double factor) {         \
    Wide<H> x(input, n);                                                       \
    WideResult<H> out(result, n);                                              \
    scale<float>(x.get(), out.get(), n, factor);                               \
    out.store();                                                               \
  }                                                                            \
  template <>                                                                  \
  void matmul<H>(const H *lhs, const H *rhs, H *result, Shape lhsShape,        \
                 Shape rhsShape, bool transposeLhs, bool transposeRhs) {       \
    int lr = lhsShape.rank, rr = rhsShape.rank;                                \
    int64_t m = transposeLhs ? lhsShape[lr - 1] : lhsShape[lr - 2];            \
    int64_t n = transposeRhs ? rhsShape[rr - 2] : rhsShape[rr - 1];            \
    Wide<H> a(lhs, lhsShape.numElements()), b(rhs, rhsShape.numElements());    \
    WideResult<H> out(result, product(lhsShape, 0, lr - 2) * m * n);           \
    matmul<float>(a.get(), b.get(), out.get(), lhsShape, rhsShape,             \
                  transposeLhs, transposeRhs);                                 \
    out.store();                                                               \
  }                                                                            \
  template <>                                                                  \
  void reduce<H>(ReduceOp op, const H *input, H *result, Shape inputShape,     \
                 DimList dims) {                                               \
    int64_t kept = 1;                                                          \
    for (int d = 0, i = 0; d < inputShape.rank; ++d) {                         \
      if (i < dims.rank && dims[i] == d)                                       \
        ++i;                                                                   \
      else                                                                     \
        kept *= inputShape[d];                                                 \
    }                                                                          \
    Wide<H> x(input, inputShape.numElements());                                \
    WideResult<H> out(result, kept);                                           \
    reduce<float>(op, x.get(), out.get(), inputShape, dims);                   \
    out.store();                                                               \
  }                                                                            \
  template <>                                                                  \
  void layerNorm<H>(const H *input, const H *gamma, const H *beta, H *result,  \
                    float *mean, float *rstd, int64_t rows, int64_t cols,      \
                    double epsilon) {                                          \
    Wide<H> x(input, rows * cols), g(gamma, cols), b(beta, cols);              \
    WideResult<H> out(result, rows * cols);                                    \
    layerNorm<float>(x.get(), g.get(), b.get(), out.get(), mean, rstd, rows,   \
                     cols, epsilon);                                           \
    out.store();                                                               \
  }                                                                            \
  template <>                                                                  \
  void layerNormGrad<H>(const H *grad, const H *input, const float *mean,      \
                        const float *rstd, const H *gamma, H *gradInput,       \
                        H *gradGamma, H *gradBeta, int64_t rows,               \
                        int64_t cols) {                                        \
    Wide<H> dy(grad, rows * cols), x(input, rows * cols), g(gamma, cols);      \
    WideResult<H> dx(gradInput, rows * cols), dg(gradGamma, cols),             \
        db(gradBeta, cols);                                                    \
    layerNormGrad<float>(dy.get(), x.get(), mean, rstd, g.get(), dx.get(),     \
                         dg.get(), db.get(), rows, cols);                      \
    dx.store();                                                                \
    dg.store();                                                                \
    db.store();                                                                \
  }                                                                            \
  template <>                                                                  \
  void softmax<H>(const H *input, H *result, Shape shape, int64_t dim) {       \
    int64_t n = shape.numElements();                                           \
    Wide<H> x(input, n);                                                       \
    WideResult<H> out(result, n);                                              \
    softmax<float>(x.get(), out.get(), shape, dim);                            \
    out.store();                                                               \
  }                                                                            \
  template <>                                                                  \
  void softmaxGrad<H>(const H *grad, const H *output, H *result, Shape shape,  \
                      int64_t dim) {                                           \
    int64_t n = shape.numElements();                                           \
    Wide<H> g(grad, n), y(output, n);                                          \
    WideResult<H> out(result, n);                                              \
    softmaxGrad<float>(g.get(), y.get(), out.get(), shape, dim);               \
    out.store();                                                               \
  }                                                                            \
  template <>                                                                  \
  void attention<H>(const H *query, const H *key, const H *value,              \
                    const H *mask, const int64_t *seed, H *result, float *lse, \
                    const ::gc::rt::AttentionProblem &p) {                     \
    int64_t rows = p.batch * p.heads * p.queries;                              \
    int64_t keyRows = p.batch * p.heads * p.keys;                              \
    Wide<H> q(query, rows * p.headDim), k(key, keyRows * p.headDim),           \
        v(value, keyRows * p.valueDim),                                        \
        m(mask, product(Shape(p.maskDims), 0, 4));                             \
    WideResult<H> out(result, rows * p.valueDim);                              \
    attention<float>(q.get(), k.get(), v.get(), m.get(), seed, out.get(), lse, \
                     p);                                                       \
    out.store();                                                               \
  }                                                                            \
  template <>                                                                  \
  void attentionGrad<H>(const H *grad, const H *query, const H *key,           \
                        const H *value, const H *output, const float *lse,     \
                        const H *mask, const int64_t *seed, H *queryGrad,      \
                        H *keyGrad, H *valueGrad,                              \
                        const ::gc::rt::AttentionProblem &p) {                 \
    int64_t rows = p.batch * p.heads * p.queries;                              \
    int64_t keyRows = p.batch * p.heads * p.keys;                              \
    Wide<H> dy(grad, rows * p.valueDim), q(query, rows * p.headDim),           \
        k(key, keyRows * p.headDim), v(value, keyRows * p.valueDim),           \
        y(output, rows * p.valueDim),                                          \
        m(mask, product(Shape(p.maskDims), 0, 4));                             \
    WideResult<H> dq(queryGrad, rows * p.headDim),                             \
        dk(keyGrad, keyRows * p.headDim), dv(valueGrad, keyRows * p.valueDim); \
    attentionGrad<float>(dy.get(), q.get(), k.get(), v.get(), y.get(), lse,    \
                         m.get(), seed, dq.get(), dk.get(), dv.get(), p);      \
    dq.store();                                                                \
    dk.store();                                                                \
    dv.store();                                                                \
  }                                                                            \
  template <>                                                                  \
  void dropout<H>(const H *input, const int64_t *seed, H *result, int64_t n,   \
                  double probability, int64_t stream) {                        \
    Wide<H> x(input, n);                                                       \
    WideResult<H> out(result, n);                                              \
    dropout<float>(x.get(), seed, out.get(), n, probability, stream);          \
    out.store();                                                               \
  }                                                                            \
  template <>                                                                  \
  void dropoutGrad<H>(const H *grad, const int64_t *seed, H *result,           \
                      int64_t n, double probability, int64_t stream) {         \
    Wide<H> g(grad, n);                                                        \
    WideResult<H> out(result, n);                                              \
    dropoutGrad<float>(g.get(), seed, out.get(), n, probability, stream);      \
    out.store();                                                               \
  }                                                                            \
  template <>                                                                  \
  void sgdUpdate<H>(const H *param, const H *grad, const float *skip,          \
                    H *result, int64_t n, double lr, double weightDecay) {     \
    Wide<H> p(param, n), g(grad, n);                                           \
    WideResult<H> out(result, n);                                              \
    sgdUpdate<float>(p.get(), g.get(), skip, out.get(), n, lr, weightDecay);   \
    out.store();                                                               \
  }                                                                            \
  template <>                                                                  \
  Status adamwUpdate<H>(const H *param, const H *grad, const H *m, const H *v, \
                        const int64_t *step, const float *skip, H *newParam,   \
                        H *newM, H *newV, int64_t n, double lr, double beta1,  \
                        double beta2, double epsilon, double weightDecay) {    \
    Wide<H> p(param, n), g(grad, n), m1(m, n), v1(v, n);                       \
    WideResult<H> p2(newParam, n), m2(newM, n), v2(newV, n);                   \
    Status status = adamwUpdate<float>(                                        \
        p.get(), g.get(), m1.get(), v1.get(), step, skip, p2.get(), m2.get(),  \
        v2.get(), n, lr, beta1, beta2, epsilon, weightDecay);                  \
    if (status.isOk()) {                                                       \
      p2.store();                                                              \
      m2.store();                                                              \
      v2.store();                                                              \
    }                                                                          \
    return status;                                                             \
  }
GC_RT_WIDENED(BFloat16)
GC_RT_WIDENED(Half)
#undef GC_RT_WIDENED

#define GC_RT_WIDENED_INDEXED(H, Id)                                           \
  template <>                                                                  \
  Status embedding<H, Id>(const H *table, const Id *ids, H *result,            \
                          int64_t vocabSize, int64_t embeddingDim,             \
                          int64_t numIds) {                                    \
    Wide<H> t(table, vocabSize * embeddingDim);                                \
    WideResult<H> out(result, numIds * embeddingDim);                          \
    Status status = embedding<float, Id>(t.get(), ids, out.get(), vocabSize,   \
                                         embeddingDim, numIds);                \
    if (status.isOk())                                                         \
      out.store();                                                             \
    return status;                                                             \
  }                                                                            \
  template <>                                                                  \
  Status embeddingGrad<H, Id>(const H *grad, const Id *ids, H *result,         \
                              int64_t vocabSize, int64_t embeddingDim,         \
                              int64_t numIds, int64_t paddingIdx) {            \
    Wide<H> g(grad, numIds * embeddingDim);                                    \
    WideResult<H> out(result, vocabSize * embeddingDim);                       \
    Status status = embeddingGrad<float, Id>(                                  \
        g.get(), ids, out.get(), vocabSize, embeddingDim, numIds, paddingIdx); \
    if (status.isOk())                                                         \
      out.store();                                                             \
    return status;                                                             \
  }                                                                            \
  template <>                                                                  \
  Status crossEntropy<H, Id>(const H *logits, const Id *labels, H *loss,       \
                             int64_t rows, int64_t classes,                    \
                             int64_t ignoreIndex) {                            \
    Wide<H> x(logits, rows * classes);                                         \
    WideResult<H> out(loss, 1);                                                \
    Status status = crossEntropy<float, Id>(x.get(), labels, out.get(), rows,  \
                                            classes, ignoreIndex);             \
    if (status.isOk())                                                         \
      out.store();                                                             \
    return status;                                                             \
  }                                                                            \
  template <>                                                                  \
  Status crossEntropyGrad<H, Id>(const H *grad, const H *logits,               \
                                 const Id *labels, H *result, int64_t rows,    \
                                 int64_t classes, int64_t ignoreIndex) {       \
    Wide<H> g(grad, 1), x(logits, rows * classes);                             \
    WideResult<H> out(result, rows * classes);                                 \
    Status status = crossEntropyGrad<float, Id>(                               \
        g.get(), x.get(), labels, out.get(), rows, classes, ignoreIndex);      \
    if (status.isOk())                                                         \
      out.store();                                                             \
    return status;                                                             \
  }
GC_RT_WIDENED_INDEXED(BFloat16, int32_t)
GC_RT_WIDENED_INDEXED(BFloat16, int64_t)
GC_RT_WIDENED_INDEXED(Half, int32_t)
GC_RT_WIDENED_INDEXED(Half, int64_t)
#undef GC_RT_WIDENED_INDEXED

} // namespace gc::rt::cpu
