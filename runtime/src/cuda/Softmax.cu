//===- Softmax.cu - softmax and its gradient along one dimension on CUDA --===//
//
// Softmax along any dimension, the tensor viewed as [outer, n, inner] with n
// the softmax dimension: each (outer, inner) pair is one vector of n
// elements, `inner` apart. The forward pass is the CPU's stable form
// exp(x - max) / sum(exp(x - max)) in double (the maximum taken with fmax,
// so NaN inputs are skipped by the max and poison the sum, as on the CPU);
// the gradient is y * (dy - sum(dy * y)).
//
// Two layouts:
//  - inner == 1 (softmax over the last dimension, attention's case): the
//    vectors are contiguous rows, and one block per row computes the max
//    and the sum with deterministic block reductions in double.
//  - inner > 1: one thread per vector walks its n elements in order (the
//    CPU's order, so the sums match it bitwise); neighbouring threads own
//    neighbouring inner indices, so each step's reads coalesce.
//
//===----------------------------------------------------------------------===//

#include "Support.h"

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
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T *x = input + r * n;
    T *y = result + r * n;
    // The CPU starts from x[0]; fmax makes the start irrelevant unless the
    // whole row is NaN, where both give NaN.
    double max = static_cast<double>(x[0]);
    for (int64_t k = threadIdx.x; k < n; k += blockDim.x)
      max = fmax(max, static_cast<double>(x[k]));
    max = blockAllReduce(max, FmaxOp(), static_cast<double>(x[0]));
    double sum = 0.0;
    for (int64_t k = threadIdx.x; k < n; k += blockDim.x)
      sum += exp(static_cast<double>(x[k]) - max);
    sum = blockAllReduce(sum, SumOp(), 0.0);
    for (int64_t k = threadIdx.x; k < n; k += blockDim.x)
      y[k] = static_cast<T>(exp(static_cast<double>(x[k]) - max) / sum);
  }
}

template <typename T>
__global__ void softmaxStridedKernel(const T *__restrict__ input,
                                     T *__restrict__ result, SoftmaxView view) {
  const int64_t vectors = view.outer * view.inner, stride = view.inner;
  for (int64_t v = globalThreadIndex(); v < vectors; v += globalThreadCount()) {
    const int64_t o = v / view.inner, i = v - o * view.inner;
    const int64_t base = o * view.n * view.inner + i;
    const T *x = input + base;
    T *y = result + base;
    double max = static_cast<double>(x[0]);
    for (int64_t k = 1; k < view.n; ++k)
      max = fmax(max, static_cast<double>(x[k * stride]));
    double sum = 0.0;
    for (int64_t k = 0; k < view.n; ++k)
      sum += exp(static_cast<double>(x[k * stride]) - max);
    for (int64_t k = 0; k < view.n; ++k)
      y[k * stride] =
          static_cast<T>(exp(static_cast<double>(x[k * stride]) - max) / sum);
  }
}

template <typename T>
__global__ void
softmaxGradRowsKernel(const T *__restrict__ grad, const T *__restrict__ output,
                      T *__restrict__ result, int64_t rows, int64_t n) {
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T *dy = grad + r * n;
    const T *y = output + r * n;
    T *dx = result + r * n;
    double dot = 0.0;
    for (int64_t k = threadIdx.x; k < n; k += blockDim.x)
      dot += static_cast<double>(dy[k]) * static_cast<double>(y[k]);
    dot = blockAllReduce(dot, SumOp(), 0.0);
    for (int64_t k = threadIdx.x; k < n; k += blockDim.x)
      dx[k] = static_cast<T>(static_cast<double>(y[k]) *
                             (static_cast<double>(dy[k]) - dot));
  }
}

template <typename T>
__global__ void softmaxGradStridedKernel(const T *__restrict__ grad,
                                         const T *__restrict__ output,
                                         T *__restrict__ result,
                                         SoftmaxView view) {
  const int64_t vectors = view.outer * view.inner, stride = view.inner;
  for (int64_t v = globalThreadIndex(); v < vectors; v += globalThreadCount()) {
    const int64_t o = v / view.inner, i = v - o * view.inner;
    const int64_t base = o * view.n * view.inner + i;
    const T *dy = grad + base;
    const T *y = output + base;
    T *dx = result + base;
    double dot = 0.0;
    for (int64_t k = 0; k < view.n; ++k)
      dot += static_cast<double>(dy[k * stride]) *
             static_cast<double>(y[k * stride]);
    for (int64_t k = 0; k < view.n; ++k)
      dx[k * stride] =
          static_cast<T>(static_cast<double>(y[k * stride]) *
                         (static_cast<double>(dy[k * stride]) - dot));
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
    softmaxRowsKernel<T><<<gridForRows(view.outer), kBlockSize, 0, stream>>>(
        input, result, view.outer, view.n);
  else
    softmaxStridedKernel<T>
        <<<gridFor(view.outer * view.inner), kBlockSize, 0, stream>>>(
            input, result, view);
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
    softmaxGradRowsKernel<T>
        <<<gridForRows(view.outer), kBlockSize, 0, stream>>>(
            grad, output, result, view.outer, view.n);
  else
    softmaxGradStridedKernel<T>
        <<<gridFor(view.outer * view.inner), kBlockSize, 0, stream>>>(
            grad, output, result, view);
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
#undef GC_RT_INSTANTIATE
