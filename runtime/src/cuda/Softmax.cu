//===- Softmax.cu - softmax and its gradient along one dimension on CUDA --===//
//
// Softmax along any dimension, the tensor viewed as [outer, n, inner] with n
// the softmax dimension: each (outer, inner) pair is one vector of n
// elements, `inner` apart. Under the numerics contract an f32 vector
// computes in f32 with gc's exp (gc_rt/Math.h, the CPU's): the stable form
// exp(x - max) / sum(exp(x - max)), the maximum propagating NaN as the
// CPU's does; the gradient is y * (dy - sum(dy * y)). bf16 and f16
// vectors compute in float and round each result once.
//
// Two layouts:
//  - inner == 1 (softmax over the last dimension, attention's case): the
//    vectors are contiguous rows, one warp per row (8 rows per block); each
//    lane takes the elements lane, lane + 32, ... and a butterfly combines
//    the lanes, so the order of the additions depends on n only;
//  - inner > 1: one thread per vector walks its n elements in order;
//    neighbouring threads own neighbouring inner indices, so each step's
//    reads coalesce.
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include "gc_rt/Scalar.h"

#include <cmath>

using namespace gc::rt;
using namespace gc::rt::cuda;
using namespace gc::rt::cuda::detail;

namespace {

/// The [outer, n, inner] view of a shape around dimension `dim`.
struct SoftmaxView {
  int64_t outer = 1, n = 1, inner = 1;
};

SoftmaxView viewAround(Shape shape, int64_t dim) {
  SoftmaxView view;
  for (int i = 0; i < shape.rank; ++i) {
    if (i < dim)
      view.outer *= shape[i];
    else if (i == dim)
      view.n = shape[i];
    else
      view.inner *= shape[i];
  }
  return view;
}

template <typename T>
__global__ void softmaxRowsKernel(const T *__restrict__ input,
                                  T *__restrict__ result, int64_t rows,
                                  int64_t n) {
  using A = AccumulationOf<T>;
  const int lane = laneIndex();
  for (int64_t r = warpRowIndex(); r < rows; r += warpRowCount()) {
    const T *x = input + r * n;
    T *y = result + r * n;
    A max = widen(x[0]);
    for (int64_t k = lane; k < n; k += 32)
      max = MaxWithNanOp()(max, widen(x[k]));
    max = warpAllReduce(max, MaxWithNanOp());
    A sum = 0;
    for (int64_t k = lane; k < n; k += 32)
      sum += gc::rt::scalar::exp(widen(x[k]) - max);
    sum = warpSum(sum);
    for (int64_t k = lane; k < n; k += 32)
      y[k] = toStorage<T>(gc::rt::scalar::exp(widen(x[k]) - max) / sum);
  }
}

template <typename T>
__global__ void softmaxStridedKernel(const T *__restrict__ input,
                                     T *__restrict__ result, SoftmaxView view) {
  using A = AccumulationOf<T>;
  const int64_t vectors = view.outer * view.inner, stride = view.inner;
  for (int64_t v = globalThreadIndex(); v < vectors; v += globalThreadCount()) {
    const int64_t o = v / view.inner, i = v - o * view.inner;
    const int64_t base = o * view.n * view.inner + i;
    const T *x = input + base;
    T *y = result + base;
    A max = widen(x[0]);
    for (int64_t k = 1; k < view.n; ++k)
      max = MaxWithNanOp()(max, widen(x[k * stride]));
    A sum = 0;
    for (int64_t k = 0; k < view.n; ++k)
      sum += gc::rt::scalar::exp(widen(x[k * stride]) - max);
    for (int64_t k = 0; k < view.n; ++k)
      y[k * stride] =
          toStorage<T>(gc::rt::scalar::exp(widen(x[k * stride]) - max) / sum);
  }
}

template <typename T>
__global__ void
softmaxGradRowsKernel(const T *__restrict__ grad, const T *__restrict__ output,
                      T *__restrict__ result, int64_t rows, int64_t n) {
  using A = AccumulationOf<T>;
  const int lane = laneIndex();
  for (int64_t r = warpRowIndex(); r < rows; r += warpRowCount()) {
    const T *dy = grad + r * n;
    const T *y = output + r * n;
    T *dx = result + r * n;
    A dot = 0;
    for (int64_t k = lane; k < n; k += 32)
      dot += widen(dy[k]) * widen(y[k]);
    dot = warpSum(dot);
    for (int64_t k = lane; k < n; k += 32)
      dx[k] = toStorage<T>(widen(y[k]) * (widen(dy[k]) - dot));
  }
}

template <typename T>
__global__ void softmaxGradStridedKernel(const T *__restrict__ grad,
                                         const T *__restrict__ output,
                                         T *__restrict__ result,
                                         SoftmaxView view) {
  using A = AccumulationOf<T>;
  const int64_t vectors = view.outer * view.inner, stride = view.inner;
  for (int64_t v = globalThreadIndex(); v < vectors; v += globalThreadCount()) {
    const int64_t o = v / view.inner, i = v - o * view.inner;
    const int64_t base = o * view.n * view.inner + i;
    const T *dy = grad + base;
    const T *y = output + base;
    T *dx = result + base;
    A dot = 0;
    for (int64_t k = 0; k < view.n; ++k)
      dot += widen(dy[k * stride]) * widen(y[k * stride]);
    for (int64_t k = 0; k < view.n; ++k)
      dx[k * stride] =
          toStorage<T>(widen(y[k * stride]) * (widen(dy[k * stride]) - dot));
  }
}

} // namespace

template <typename T>
Status gc::rt::cuda::softmax(const T *input, T *result, Shape shape,
                             int64_t dim, cudaStream_t stream) {
  const char *kernel = "softmax";
  if (dim < 0 || dim >= shape.rank)
    return invalidArgument(kernel, "dimension out of range");
  const SoftmaxView view = viewAround(shape, dim);
  if (view.n == 0 || view.outer == 0 || view.inner == 0)
    return Status::ok();
  if (view.inner == 1)
    GC_CUDA_LAUNCH(softmaxRowsKernel<T>, gridForWarpRows(view.outer),
                   kBlockSize, 0, stream)(input, result, view.outer, view.n);
  else
    GC_CUDA_LAUNCH(softmaxStridedKernel<T>, gridFor(view.outer * view.inner),
                   kBlockSize, 0, stream)(input, result, view);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  return Status::ok();
}

template <typename T>
Status gc::rt::cuda::softmaxGrad(const T *grad, const T *output, T *result,
                                 Shape shape, int64_t dim,
                                 cudaStream_t stream) {
  const char *kernel = "softmax_grad";
  if (dim < 0 || dim >= shape.rank)
    return invalidArgument(kernel, "dimension out of range");
  const SoftmaxView view = viewAround(shape, dim);
  if (view.n == 0 || view.outer == 0 || view.inner == 0)
    return Status::ok();
  if (view.inner == 1)
    GC_CUDA_LAUNCH(softmaxGradRowsKernel<T>, gridForWarpRows(view.outer),
                   kBlockSize, 0,
                   stream)(grad, output, result, view.outer, view.n);
  else
    GC_CUDA_LAUNCH(softmaxGradStridedKernel<T>,
                   gridFor(view.outer * view.inner), kBlockSize, 0,
                   stream)(grad, output, result, view);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  return Status::ok();
}

#define GC_RT_INSTANTIATE(T)                                                   \
  template Status gc::rt::cuda::softmax<T>(const T *, T *, Shape, int64_t,     \
                                           cudaStream_t);                      \
  template Status gc::rt::cuda::softmaxGrad<T>(const T *, const T *, T *,      \
                                               Shape, int64_t, cudaStream_t);
GC_RT_INSTANTIATE(float)
GC_RT_INSTANTIATE(double)
GC_RT_INSTANTIATE(BFloat16)
GC_RT_INSTANTIATE(Half)
#undef GC_RT_INSTANTIATE
