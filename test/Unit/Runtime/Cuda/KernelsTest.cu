//===- KernelsTest.cu - CUDA runtime kernels vs. the CPU kernels ----------===//
//
// Runs every kernel of gc_rt/cuda/Kernels.h on random inputs with odd sizes
// (both float and double, int32 and int64 ids and labels; bf16 and f16 for
// the kernels that take them) and compares with
// the CPU kernel of the same name, the project's numerics oracle. One gtest
// per kernel family; each comparison prints "PASS|FAIL <name> <error>".
//
// Built twice (test/Unit/Runtime/Cuda/CMakeLists.txt): by the host compiler
// for the CUDA host emulator (GcRuntimeCudaEmulatedTests, part of every
// check-gc run), and by nvcc for a GPU (gc-cuda-kernels-check, run by
// test/Integration/Compiled/cuda-kernels.test where a device is present).
// The source is the same; so are the kernels.
//
// Tolerances:
//  - data movement, embedding and embedding_grad: bitwise equality (the
//    gradient adds in the CPU's order);
//  - matmul: normwise, max |got - want| / max |want| <= 1e-5 (float) or
//    1e-12 (double); 1e-2 with TF32 allowed. Float GEMMs accumulate in float
//    in a library-specific order, so a per-element bound would be noise;
//  - everything else: max over elements of |got - want| / max(|want|,
//    1e-2 * max |want|) <= 1e-4 (float) or 1e-12 (double). The floor keeps
//    results that cancel to almost zero from dominating.
//  - bf16 and f16 (matmul, reductions, attention, softmax, layer norm,
//    cross-entropy and their gradients, the optimizers): both backends
//    compute in
//    f32 and round each result once, so they differ by f32 summation order
//    and at most one rounding step of the 16-bit grid: 1e-2 (bf16, whose
//    spacing is 2^-8 to 2^-7 relative) and 2e-3 (f16, 2^-11 to 2^-10), with
//    the same floor; the f32 statistics (lse, mean, rstd) to f32's 1e-4.
// Error paths are checked too: the device error word gets the StepAbi code
// and the outputs that must stay unwritten keep a sentinel byte pattern.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/StepAbi.h"
#include "gc_rt/cpu/Kernels.h"
#include "gc_rt/cuda/Kernels.h"

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

namespace cpu = gc::rt::cpu;
namespace gpu = gc::rt::cuda;
using gc::rt::Status;

namespace {

//===----------------------------------------------------------------------===//
// Infrastructure
//===----------------------------------------------------------------------===//

void cudaCheck(cudaError_t error, const char *what, int line) {
  if (error == cudaSuccess)
    return;
  std::fprintf(stderr, "FATAL line %d: %s: %s\n", line, what,
               cudaGetErrorString(error));
  std::exit(2);
}
#define CUDA_CHECK(expr) cudaCheck((expr), #expr, __LINE__)

cudaStream_t gStream;
cublasHandle_t gBlas;
int32_t *gDeviceError;
int gFailures = 0;
int gChecks = 0;
std::mt19937_64 gRng(0x6763'6b65'726e'656cull);

/// Reports a kernel's Status; a failed Status fails the check.
bool statusOk(const Status &status, std::string name) {
  if (status.isOk())
    return true;
  std::replace(name.begin(), name.end(), ' ', '_');
  std::printf("FAIL %s status: %s\n", name.c_str(), status.message().c_str());
  ADD_FAILURE() << name << ": " << status.message();
  ++gFailures;
  ++gChecks;
  return false;
}

void sync() {
  CUDA_CHECK(cudaStreamSynchronize(gStream));
  CUDA_CHECK(cudaGetLastError());
}

/// Prints "PASS|FAIL <name> <error>", the name without spaces.
void report(std::string name, bool pass, double error) {
  std::replace(name.begin(), name.end(), ' ', '_');
  std::printf("%s %s %.3e\n", pass ? "PASS" : "FAIL", name.c_str(), error);
  ++gChecks;
  if (!pass) {
    ++gFailures;
    ADD_FAILURE() << name << ": error " << error;
  }
}

template <typename T> const char *typeName() {
  if constexpr (std::is_same_v<T, float>)
    return "f32";
  else if constexpr (std::is_same_v<T, gc::rt::BFloat16>)
    return "bf16";
  else if constexpr (std::is_same_v<T, gc::rt::Half>)
    return "f16";
  else if constexpr (std::is_same_v<T, double>)
    return "f64";
  else if constexpr (std::is_same_v<T, int32_t>)
    return "i32";
  else
    return "i64";
}

/// The backends' agreement (docs/numerics.md): f32 kernels sum in f32 in
/// a fixed blocked order on the CPU and in another fixed order on CUDA.
template <typename T> double tolerance() {
  if constexpr (std::is_same_v<T, gc::rt::BFloat16>)
    return 1e-2;
  else if constexpr (std::is_same_v<T, gc::rt::Half>)
    return 2e-3;
  else
    return std::is_same_v<T, float> ? 1e-4 : 1e-12;
}

/// An element as a double, and a double as the nearest element (16-bit
/// types through float).
template <typename T> double toDouble(T value) {
  if constexpr (gc::rt::kIsHalfType<T>)
    return gc::rt::widen(value);
  else
    return static_cast<double>(value);
}
template <typename T> T fromDouble(double value) {
  return gc::rt::toStorage<T>(value);
}

std::string shapeName(const std::vector<int64_t> &shape) {
  std::string name;
  for (size_t i = 0; i < shape.size(); ++i)
    name += (i ? "x" : "") + std::to_string(shape[i]);
  return name.empty() ? "scalar" : name;
}

int64_t product(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  return count;
}

/// A device array of T with host transfers (synchronous, on gStream).
template <typename T> class DeviceArray {
public:
  explicit DeviceArray(size_t count) : size(count) {
    CUDA_CHECK(cudaMalloc(&data, std::max<size_t>(count, 1) * sizeof(T)));
  }
  explicit DeviceArray(const std::vector<T> &host) : DeviceArray(host.size()) {
    upload(host);
  }
  DeviceArray(const DeviceArray &) = delete;
  DeviceArray &operator=(const DeviceArray &) = delete;
  ~DeviceArray() { cudaFree(data); }

  T *get() const { return data; }
  void upload(const std::vector<T> &host) {
    CUDA_CHECK(cudaMemcpyAsync(data, host.data(), size * sizeof(T),
                               cudaMemcpyHostToDevice, gStream));
    sync();
  }
  std::vector<T> download() const {
    std::vector<T> host(size);
    CUDA_CHECK(cudaMemcpyAsync(host.data(), data, size * sizeof(T),
                               cudaMemcpyDeviceToHost, gStream));
    sync();
    return host;
  }
  void fillBytes(uint8_t value) {
    CUDA_CHECK(cudaMemsetAsync(data, value, size * sizeof(T), gStream));
    sync();
  }

private:
  T *data = nullptr;
  size_t size;
};

template <typename T>
std::vector<T> randomValues(size_t count, double low = -1.0,
                            double high = 1.0) {
  std::uniform_real_distribution<double> dist(low, high);
  std::vector<T> values(count);
  for (T &v : values)
    v = fromDouble<T>(dist(gRng));
  return values;
}

std::vector<uint8_t> randomBytes(size_t count) {
  std::uniform_int_distribution<int> dist(0, 255);
  std::vector<uint8_t> bytes(count);
  for (uint8_t &b : bytes)
    b = static_cast<uint8_t>(dist(gRng));
  return bytes;
}

template <typename Id> std::vector<Id> randomIds(size_t count, int64_t bound) {
  std::uniform_int_distribution<int64_t> dist(0, bound - 1);
  std::vector<Id> ids(count);
  for (Id &id : ids)
    id = static_cast<Id>(dist(gRng));
  return ids;
}

/// max_i |got - want| / max(|want_i|, floorFraction * max_j |want_j|); NaN
/// must match NaN and infinities must match exactly. A floor fraction of 1
/// gives the normwise error max |got - want| / max |want|. `want` may be of
/// another type (an exact f64 reference).
template <typename T, typename U>
double relativeError(const std::vector<T> &got, const std::vector<U> &want,
                     double floorFraction) {
  if (got.size() != want.size())
    return INFINITY;
  double maxAbs = 0.0;
  for (U w : want)
    if (std::isfinite(toDouble(w)))
      maxAbs = std::max(maxAbs, std::fabs(toDouble(w)));
  const double floor =
      std::max(floorFraction * maxAbs, std::numeric_limits<double>::min());
  double worst = 0.0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double g = toDouble(got[i]);
    const double w = toDouble(want[i]);
    if (std::isnan(g) || std::isnan(w)) {
      if (!(std::isnan(g) && std::isnan(w)))
        return INFINITY;
      continue;
    }
    if (std::isinf(g) || std::isinf(w)) {
      if (g != w)
        return INFINITY;
      continue;
    }
    worst = std::max(worst, std::fabs(g - w) / std::max(std::fabs(w), floor));
  }
  return worst;
}

/// Elementwise check with the default floor (1e-2 of the largest value).
template <typename T>
void compare(const std::string &name, const std::vector<T> &got,
             const std::vector<T> &want) {
  const double error = relativeError(got, want, 1e-2);
  report(name, error <= tolerance<T>(), error);
}

/// Bitwise check; the printed error is the relative error for information.
template <typename T>
void compareExact(const std::string &name, const std::vector<T> &got,
                  const std::vector<T> &want) {
  // memcmp must not see the null data of empty vectors.
  const bool same = got.size() == want.size() &&
                    (got.empty() || std::memcmp(got.data(), want.data(),
                                                got.size() * sizeof(T)) == 0);
  double error = 0.0;
  if constexpr (std::is_floating_point_v<T>)
    error = relativeError(got, want, 1e-2);
  else
    error = same ? 0.0 : INFINITY;
  report(name, same, error);
}

void resetDeviceError() {
  CUDA_CHECK(cudaMemsetAsync(gDeviceError, 0, sizeof(int32_t), gStream));
  sync();
}

int32_t readDeviceError() {
  int32_t code = 0;
  CUDA_CHECK(cudaMemcpyAsync(&code, gDeviceError, sizeof(int32_t),
                             cudaMemcpyDeviceToHost, gStream));
  sync();
  return code;
}

/// All bytes of `values` equal `byte`.
template <typename T>
bool allBytes(const T *values, size_t count, uint8_t byte) {
  const auto *bytes = reinterpret_cast<const uint8_t *>(values);
  for (size_t i = 0; i < count * sizeof(T); ++i)
    if (bytes[i] != byte)
      return false;
  return true;
}

constexpr uint8_t kUnwritten = 0xA7;

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

void checkBroadcast(std::vector<int64_t> inputShape,
                    std::vector<int64_t> resultShape, std::vector<int64_t> dims,
                    size_t elementSize) {
  const std::string name = "broadcast<" + std::to_string(elementSize) + "B>[" +
                           shapeName(inputShape) + "->" +
                           shapeName(resultShape) + "]";
  const size_t inBytes = product(inputShape) * elementSize;
  const size_t outBytes = product(resultShape) * elementSize;
  std::vector<uint8_t> input = randomBytes(inBytes), want(outBytes);
  cpu::broadcast(input.data(), want.data(), inputShape, resultShape, dims,
                 elementSize);
  DeviceArray<uint8_t> dIn(input), dOut(outBytes);
  if (!statusOk(gpu::broadcast(dIn.get(), dOut.get(), inputShape, resultShape,
                               dims, elementSize, gStream),
                name))
    return;
  compareExact(name, dOut.download(), want);
}

void checkTranspose(std::vector<int64_t> inputShape, std::vector<int64_t> perm,
                    size_t elementSize) {
  const std::string name = "transpose<" + std::to_string(elementSize) + "B>[" +
                           shapeName(inputShape) + " perm " + shapeName(perm) +
                           "]";
  const size_t bytes = product(inputShape) * elementSize;
  std::vector<uint8_t> input = randomBytes(bytes), want(bytes);
  cpu::transpose(input.data(), want.data(), inputShape, perm, elementSize);
  DeviceArray<uint8_t> dIn(input), dOut(bytes);
  if (!statusOk(gpu::transpose(dIn.get(), dOut.get(), inputShape, perm,
                               elementSize, gStream),
                name))
    return;
  compareExact(name, dOut.download(), want);
}

void checkSlice(std::vector<int64_t> inputShape,
                std::vector<int64_t> resultShape, std::vector<int64_t> offsets,
                size_t elementSize) {
  const std::string name =
      "slice<" + std::to_string(elementSize) + "B>[" + shapeName(inputShape) +
      "->" + shapeName(resultShape) + " at " + shapeName(offsets) + "]";
  const size_t inBytes = product(inputShape) * elementSize;
  const size_t outBytes = product(resultShape) * elementSize;
  std::vector<uint8_t> input = randomBytes(inBytes), want(outBytes);
  cpu::slice(input.data(), want.data(), inputShape, resultShape, offsets,
             elementSize);
  DeviceArray<uint8_t> dIn(input), dOut(outBytes);
  if (!statusOk(gpu::slice(dIn.get(), dOut.get(), inputShape, resultShape,
                           offsets, elementSize, gStream),
                name))
    return;
  compareExact(name, dOut.download(), want);
}

void checkConcat(std::vector<int64_t> resultShape, int64_t dim,
                 std::vector<int64_t> sizes, size_t elementSize) {
  const std::string name =
      "concat<" + std::to_string(elementSize) + "B>[" + shapeName(resultShape) +
      " dim " + std::to_string(dim) + " sizes " + shapeName(sizes) + "]";
  std::vector<std::vector<uint8_t>> inputs;
  std::vector<const void *> hostPointers, devicePointers;
  std::vector<DeviceArray<uint8_t> *> deviceInputs;
  for (int64_t size : sizes) {
    std::vector<int64_t> shape = resultShape;
    shape[dim] = size;
    inputs.push_back(randomBytes(product(shape) * elementSize));
  }
  for (auto &input : inputs) {
    hostPointers.push_back(input.data());
    deviceInputs.push_back(new DeviceArray<uint8_t>(input));
    devicePointers.push_back(deviceInputs.back()->get());
  }
  const size_t outBytes = product(resultShape) * elementSize;
  std::vector<uint8_t> want(outBytes);
  cpu::concat(hostPointers.data(), want.data(), static_cast<int>(sizes.size()),
              sizes.data(), resultShape, dim, elementSize);
  DeviceArray<uint8_t> dOut(outBytes);
  if (statusOk(gpu::concat(devicePointers.data(), dOut.get(),
                           static_cast<int>(sizes.size()), sizes.data(),
                           resultShape, dim, elementSize, gStream),
               name))
    compareExact(name, dOut.download(), want);
  for (auto *input : deviceInputs)
    delete input;
}

void checkDataMovement() {
  for (size_t elementSize : {1, 2, 4, 8, 12, 16, 3}) {
    checkBroadcast({5, 1, 7}, {5, 3, 7, 2}, {0, 1, 2}, elementSize);
    checkBroadcast({7}, {3, 7}, {1}, elementSize);
    checkBroadcast({}, {4, 5}, {}, elementSize);
    checkBroadcast({3, 1}, {3, 1, 9}, {0, 1}, elementSize);
    checkTranspose({3, 5, 7, 2}, {2, 0, 3, 1}, elementSize);
    checkTranspose({13, 17}, {1, 0}, elementSize);
    checkTranspose({3, 1, 5}, {0, 1, 2}, elementSize);
    checkSlice({9, 11, 5}, {4, 5, 3}, {2, 3, 1}, elementSize);
    checkSlice({9, 11, 5}, {4, 11, 5}, {5, 0, 0}, elementSize);
    checkSlice({9, 11}, {0, 3}, {2, 1}, elementSize);
    checkConcat({3, 8, 7}, 1, {2, 5, 1}, elementSize);
    checkConcat({6, 5}, 0, {1, 0, 5}, elementSize);
    checkConcat({4, 3, 9}, 2, {4, 5}, elementSize);
  }
}

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

template <typename T>
void checkMatmul(std::vector<int64_t> lhsShape, std::vector<int64_t> rhsShape,
                 bool transposeLhs, bool transposeRhs, bool allowTf32 = false) {
  const int lr = static_cast<int>(lhsShape.size());
  const int rr = static_cast<int>(rhsShape.size());
  std::vector<int64_t> resultShape(lhsShape.begin(), lhsShape.end() - 2);
  resultShape.push_back(transposeLhs ? lhsShape[lr - 1] : lhsShape[lr - 2]);
  resultShape.push_back(transposeRhs ? rhsShape[rr - 2] : rhsShape[rr - 1]);
  const std::string name =
      std::string("matmul<") + typeName<T>() + ">[" + shapeName(lhsShape) +
      (transposeLhs ? "^T" : "") + " * " + shapeName(rhsShape) +
      (transposeRhs ? "^T" : "") + (allowTf32 ? " tf32" : "") + "]";
  std::vector<T> lhs = randomValues<T>(product(lhsShape));
  std::vector<T> rhs = randomValues<T>(product(rhsShape));
  std::vector<T> want(product(resultShape));
  cpu::matmul(lhs.data(), rhs.data(), want.data(), lhsShape, rhsShape,
              transposeLhs, transposeRhs);
  DeviceArray<T> dLhs(lhs), dRhs(rhs), dOut(want.size());
  dOut.fillBytes(kUnwritten);
  if (!statusOk(gpu::matmul(gBlas, gStream, dLhs.get(), dRhs.get(), dOut.get(),
                            lhsShape, rhsShape, transposeLhs, transposeRhs,
                            allowTf32),
                name))
    return;
  const double error = relativeError(dOut.download(), want, 1.0);
  report(name, error <= (allowTf32 ? 1e-2 : tolerance<T>()), error);
}

template <typename T> void checkMatmuls() {
  checkMatmul<T>({7, 13}, {13, 5}, false, false);
  checkMatmul<T>({13, 7}, {13, 5}, true, false);
  checkMatmul<T>({7, 13}, {5, 13}, false, true);
  checkMatmul<T>({13, 7}, {5, 13}, true, true);
  checkMatmul<T>({3, 7, 13}, {3, 13, 5}, false, false);
  checkMatmul<T>({3, 13, 7}, {3, 5, 13}, true, true);
  checkMatmul<T>({2, 3, 7, 13}, {13, 5}, false, false);
  checkMatmul<T>({2, 3, 7, 13}, {5, 13}, false, true);
  checkMatmul<T>({3, 13, 7}, {5, 13}, true, true);
  checkMatmul<T>({3, 13, 7}, {13, 5}, true, false);
  checkMatmul<T>({4, 0}, {0, 3}, false, false);
  checkMatmul<T>({2, 33, 257}, {257, 129}, false, false);
  if constexpr (std::is_same_v<T, float>)
    checkMatmul<T>({2, 65, 129}, {33, 129}, false, true, /*allowTf32=*/true);
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

template <typename T>
void checkReduce(cpu::ReduceOp op, std::vector<int64_t> shape,
                 std::vector<int64_t> dims, bool withNan = false) {
  const char *opName = op == cpu::ReduceOp::Sum    ? "reduce_sum"
                       : op == cpu::ReduceOp::Mean ? "reduce_mean"
                                                   : "reduce_max";
  const std::string name = std::string(opName) + "<" + typeName<T>() + ">[" +
                           shapeName(shape) + " dims " + shapeName(dims) +
                           (withNan ? " nan" : "") + "]";
  using A = cpu::AccumulationOf<T>;
  std::vector<T> input = randomValues<T>(product(shape));
  if (withNan && input.size() > 3)
    input[input.size() / 3] = fromDouble<T>(NAN);
  int64_t resultCount = 1;
  for (size_t i = 0; i < shape.size(); ++i)
    if (std::find(dims.begin(), dims.end(), static_cast<int64_t>(i)) ==
        dims.end())
      resultCount *= shape[i];
  std::vector<T> want(resultCount);
  cpu::reduce(op, input.data(), want.data(), shape, dims);
  DeviceArray<T> dIn(input), dOut(resultCount);
  // Sums of leading dimensions over many rows need their planned workspace
  // and refuse to run without it.
  const int64_t workspaceBytes =
      op == cpu::ReduceOp::Max
          ? 0
          : gpu::reduceWorkspaceBytes(shape.data(), int(shape.size()),
                                      dims.data(), int(dims.size()), sizeof(A));
  DeviceArray<A> dWorkspace(workspaceBytes / sizeof(A));
  if (workspaceBytes > 0) {
    Status missing = gpu::reduce(op, dIn.get(), dOut.get(), shape, dims,
                                 static_cast<A *>(nullptr), gStream);
    report(name + ".needs_workspace", !missing.isOk(), 0.0);
  }
  if (!statusOk(gpu::reduce(op, dIn.get(), dOut.get(), shape, dims,
                            workspaceBytes > 0 ? dWorkspace.get() : nullptr,
                            gStream),
                name))
    return;
  compare(name, dOut.download(), want);
}

template <typename T> void checkReductions() {
  for (auto op :
       {cpu::ReduceOp::Sum, cpu::ReduceOp::Mean, cpu::ReduceOp::Max}) {
    checkReduce<T>(op, {7, 1, 13, 5}, {1, 2});
    checkReduce<T>(op, {7, 1, 13, 5}, {0});
    checkReduce<T>(op, {7, 1, 13, 5}, {3});
    checkReduce<T>(op, {7, 1, 13, 5}, {0, 2});
    checkReduce<T>(op, {7, 1, 13, 5}, {0, 1, 2, 3});
    checkReduce<T>(op, {3, 517}, {1});
    checkReduce<T>(op, {601, 5}, {0});
    checkReduce<T>(op, {300, 2053}, {0});
    checkReduce<T>(op, {3, 5, 301}, {0, 2});
    // Bias gradients: the leading dimensions of [B, S, H], two stages.
    checkReduce<T>(op, {8, 64, 129}, {0, 1});
    checkReduce<T>(op, {2, 1, 300, 33}, {0, 1, 2});
    checkReduce<T>(op, {4, 0, 3}, {1});
    checkReduce<T>(op, {4, 0, 3}, {0});
  }
  checkReduce<T>(cpu::ReduceOp::Max, {7, 1, 13, 5}, {0, 2}, true);
  checkReduce<T>(cpu::ReduceOp::Max, {3, 517}, {1}, true);
  checkReduce<T>(cpu::ReduceOp::Sum, {3, 517}, {1}, true);
}

//===----------------------------------------------------------------------===//
// Layer norm
//===----------------------------------------------------------------------===//

template <typename T> void checkLayerNorm(int64_t rows, int64_t cols) {
  const std::string suffix = std::string("<") + typeName<T>() + ">[" +
                             std::to_string(rows) + "x" + std::to_string(cols) +
                             "]";
  using A = cpu::AccumulationOf<T>;
  const double epsilon = 1e-5;
  // An offset mean exercises the two-pass variance.
  std::vector<T> input = randomValues<T>(rows * cols, 2.0, 4.0);
  std::vector<T> gamma = randomValues<T>(cols, 0.5, 1.5);
  std::vector<T> beta = randomValues<T>(cols);
  std::vector<T> result(rows * cols);
  std::vector<A> mean(rows), rstd(rows);
  cpu::layerNorm(input.data(), gamma.data(), beta.data(), result.data(),
                 mean.data(), rstd.data(), rows, cols, epsilon);
  DeviceArray<T> dIn(input), dGamma(gamma), dBeta(beta), dOut(result.size());
  DeviceArray<A> dMean(rows), dRstd(rows);
  if (statusOk(gpu::layerNorm(dIn.get(), dGamma.get(), dBeta.get(), dOut.get(),
                              dMean.get(), dRstd.get(), rows, cols, epsilon,
                              gStream),
               "layer_norm" + suffix)) {
    compare("layer_norm" + suffix + ".result", dOut.download(), result);
    compare("layer_norm" + suffix + ".mean", dMean.download(), mean);
    compare("layer_norm" + suffix + ".rstd", dRstd.download(), rstd);
  }

  std::vector<T> grad = randomValues<T>(rows * cols);
  std::vector<T> gradInput(rows * cols), gradGamma(cols), gradBeta(cols);
  cpu::layerNormGrad(grad.data(), input.data(), mean.data(), rstd.data(),
                     gamma.data(), gradInput.data(), gradGamma.data(),
                     gradBeta.data(), rows, cols);
  DeviceArray<T> dGrad(grad), dGradIn(rows * cols), dGradGamma(cols),
      dGradBeta(cols);
  const int64_t workspaceBytes =
      gpu::layerNormGradWorkspaceBytes(rows, cols, sizeof(A));
  DeviceArray<A> dWorkspace(workspaceBytes / sizeof(A));
  dMean.upload(mean);
  dRstd.upload(rstd);
  if (statusOk(gpu::layerNormGrad(
                   dGrad.get(), dIn.get(), dMean.get(), dRstd.get(),
                   dGamma.get(), dGradIn.get(), dGradGamma.get(),
                   dGradBeta.get(), rows, cols,
                   workspaceBytes > 0 ? dWorkspace.get() : nullptr, gStream),
               "layer_norm_grad" + suffix)) {
    compare("layer_norm_grad" + suffix + ".input", dGradIn.download(),
            gradInput);
    compare("layer_norm_grad" + suffix + ".gamma", dGradGamma.download(),
            gradGamma);
    compare("layer_norm_grad" + suffix + ".beta", dGradBeta.download(),
            gradBeta);
  }
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

template <typename T>
void checkSoftmax(std::vector<int64_t> shape, int64_t dim, double scale) {
  const std::string suffix = std::string("<") + typeName<T>() + ">[" +
                             shapeName(shape) + " dim " + std::to_string(dim) +
                             "]";
  std::vector<T> input = randomValues<T>(product(shape), -scale, scale);
  std::vector<T> output(input.size());
  cpu::softmax(input.data(), output.data(), shape, dim);
  DeviceArray<T> dIn(input), dOut(input.size());
  if (statusOk(gpu::softmax(dIn.get(), dOut.get(), shape, dim, gStream),
               "softmax" + suffix))
    compare("softmax" + suffix, dOut.download(), output);

  std::vector<T> grad = randomValues<T>(input.size());
  std::vector<T> result(input.size());
  cpu::softmaxGrad(grad.data(), output.data(), result.data(), shape, dim);
  DeviceArray<T> dGrad(grad), dY(output), dResult(input.size());
  if (statusOk(gpu::softmaxGrad(dGrad.get(), dY.get(), dResult.get(), shape,
                                dim, gStream),
               "softmax_grad" + suffix))
    compare("softmax_grad" + suffix, dResult.download(), result);
}

template <typename T> void checkSoftmaxes() {
  checkSoftmax<T>({5, 9, 131}, 2, 3.0);
  checkSoftmax<T>({5, 9, 131}, 1, 3.0);
  checkSoftmax<T>({5, 9, 131}, 0, 3.0);
  checkSoftmax<T>({3, 1001}, 1, 50.0);
  checkSoftmax<T>({7}, 0, 1.0);
}

//===----------------------------------------------------------------------===//
// Fused attention
//===----------------------------------------------------------------------===//

/// Whether the CUDA backend runs `p` on its tensor-core kernels
/// (AttentionTensorCore.cu): 16-bit types, head dimensions up to 128.
template <typename T>
bool usesTensorCores(const ::gc::rt::AttentionProblem &p) {
  return gc::rt::kIsHalfType<T> && p.keys > 0 &&
         p.headDim <= gc::rt::kMaxTensorCoreAttentionDim &&
         p.valueDim <= gc::rt::kMaxTensorCoreAttentionDim;
}

/// A tensor-core result against the exact (f64) result of the same 16-bit
/// inputs. The tensor-core kernels round the probabilities and the score
/// gradients to the 16-bit type before their products, as FlashAttention-2
/// does, so they do not round like the CPU's widened kernel (which rounds
/// only the result): they must stay within 2 units of the 16-bit type's
/// rounding, normwise (the result's rounding and P's or dS's through one
/// product; measured at most 1.24 units), and the CPU 16-bit error is printed
/// beside it.
template <typename T>
void compareTensorCore(const std::string &name, const std::vector<T> &got,
                       const std::vector<T> &cpu16,
                       const std::vector<double> &exact) {
  const double unit = std::is_same_v<T, gc::rt::BFloat16> ? 0x1p-8 : 0x1p-11;
  const double error = relativeError(got, exact, 1.0);
  std::printf("  %s: tensor cores %.3e, CPU widened %.3e vs f64\n",
              name.c_str(), error, relativeError(cpu16, exact, 1.0));
  report(name + " (tensor cores)", error <= 2 * unit, error);
}

/// gc.attention and its gradient against the CPU kernels, for one problem:
/// `maskDims` all 0 means no mask.
template <typename T> void checkAttention(const ::gc::rt::AttentionProblem &p) {
  const std::string suffix =
      std::string("<") + typeName<T>() + ">[" +
      shapeName({p.batch, p.heads, p.queries, p.keys, p.headDim, p.valueDim}) +
      " mask " +
      shapeName({p.maskDims[0], p.maskDims[1], p.maskDims[2], p.maskDims[3]}) +
      " p " + std::to_string(p.probability) + "]";
  using A = cpu::AccumulationOf<T>;
  const int64_t pairs = p.batch * p.heads;
  const bool masked = p.maskDims[0] > 0;
  std::vector<T> q = randomValues<T>(pairs * p.queries * p.headDim, -2, 2);
  std::vector<T> k = randomValues<T>(pairs * p.keys * p.headDim, -2, 2);
  std::vector<T> v = randomValues<T>(pairs * p.keys * p.valueDim);
  std::vector<T> mask =
      randomValues<T>(masked ? product({p.maskDims[0], p.maskDims[1],
                                        p.maskDims[2], p.maskDims[3]})
                             : 1,
                      -3, 0);
  std::vector<T> dOut = randomValues<T>(pairs * p.queries * p.valueDim);
  const int64_t seed = 9;
  const int64_t *seedPointer = p.probability > 0 ? &seed : nullptr;
  std::vector<T> out(dOut.size());
  std::vector<A> lse(pairs * p.queries);
  std::vector<T> dq(q.size()), dk(k.size()), dv(v.size());
  cpu::attention(q.data(), k.data(), v.data(), masked ? mask.data() : nullptr,
                 seedPointer, out.data(), lse.data(), p);
  cpu::attentionGrad(dOut.data(), q.data(), k.data(), v.data(), out.data(),
                     lse.data(), masked ? mask.data() : nullptr, seedPointer,
                     dq.data(), dk.data(), dv.data(), p);

  // The exact results of the same inputs, for the tensor-core kernels.
  const bool tensorCores = usesTensorCores<T>(p);
  auto exact = [](const std::vector<T> &values) {
    std::vector<double> wide(values.size());
    for (size_t i = 0; i < values.size(); ++i)
      wide[i] = toDouble(values[i]);
    return wide;
  };
  std::vector<double> out64(out.size()), lse64(lse.size()), dq64(q.size()),
      dk64(k.size()), dv64(v.size());
  if (tensorCores) {
    const std::vector<double> q64 = exact(q), k64 = exact(k), v64 = exact(v),
                              mask64 = exact(mask), dOut64 = exact(dOut);
    const double *mask64Pointer = masked ? mask64.data() : nullptr;
    cpu::attention(q64.data(), k64.data(), v64.data(), mask64Pointer,
                   seedPointer, out64.data(), lse64.data(), p);
    cpu::attentionGrad(dOut64.data(), q64.data(), k64.data(), v64.data(),
                       out64.data(), lse64.data(), mask64Pointer, seedPointer,
                       dq64.data(), dk64.data(), dv64.data(), p);
  }
  auto check = [&](const std::string &name, const std::vector<T> &got,
                   const std::vector<T> &cpu16,
                   const std::vector<double> &exact64) {
    if (tensorCores)
      compareTensorCore(name, got, cpu16, exact64);
    else
      compare(name, got, cpu16);
  };

  DeviceArray<T> dQ(q), dK(k), dV(v), dMask(mask), dGrad(dOut);
  DeviceArray<int64_t> dSeed(std::vector<int64_t>{seed});
  DeviceArray<T> dO(out.size()), dDq(q.size()), dDk(k.size()), dDv(v.size());
  DeviceArray<A> dLse(lse.size()), workspace(lse.size());
  const T *maskPointer = masked ? dMask.get() : nullptr;
  const int64_t *deviceSeed = p.probability > 0 ? dSeed.get() : nullptr;
  auto runForward = [&] {
    return statusOk(gpu::attention(dQ.get(), dK.get(), dV.get(), maskPointer,
                                   deviceSeed, dO.get(), dLse.get(), p,
                                   gStream),
                    "attention" + suffix);
  };
  auto runBackward = [&] {
    return statusOk(
        gpu::attentionGrad(dGrad.get(), dQ.get(), dK.get(), dV.get(), dO.get(),
                           dLse.get(), maskPointer, deviceSeed, dDq.get(),
                           dDk.get(), dDv.get(), p, workspace.get(), gStream),
        "attention_grad" + suffix);
  };
  if (!runForward())
    return;
  const std::vector<T> gotOut = dO.download();
  check("attention" + suffix, gotOut, out, out64);
  compare("attention lse" + suffix, dLse.download(), lse);
  // The backward runs on the CPU's forward results, so that it is checked
  // on its own.
  dO.upload(out);
  dLse.upload(lse);
  if (!runBackward())
    return;
  const std::vector<T> gotDq = dDq.download(), gotDk = dDk.download(),
                       gotDv = dDv.download();
  check("attention_grad dq" + suffix, gotDq, dq, dq64);
  check("attention_grad dk" + suffix, gotDk, dk, dk64);
  check("attention_grad dv" + suffix, gotDv, dv, dv64);
  // Run to run, the same bits (fixed orders, no atomics).
  if (!runForward())
    return;
  compareExact("attention rerun" + suffix, dO.download(), gotOut);
  dO.upload(out);
  dLse.upload(lse);
  if (!runBackward())
    return;
  compareExact("attention_grad rerun dq" + suffix, dDq.download(), gotDq);
  compareExact("attention_grad rerun dk" + suffix, dDk.download(), gotDk);
  compareExact("attention_grad rerun dv" + suffix, dDv.download(), gotDv);
}

template <typename T> void checkAttentions() {
  // Rows that are no multiple of 32 (the warps' chunks) or of 64 (the CPU
  // blocks); head and value dimensions that differ, above 32 and up to 256;
  // padding, causal-like and full masks; with and without dropout.
  checkAttention<T>({2, 3, 70, 45, 16, 12, {2, 1, 1, 45}, 0.3, 0.1, 2});
  checkAttention<T>({1, 2, 33, 33, 40, 72, {1, 1, 33, 33}, 0.2, 0.0, 0});
  checkAttention<T>({2, 2, 5, 97, 8, 8, {2, 2, 5, 97}, 0.5, 0.25, 7});
  checkAttention<T>({1, 1, 3, 2, 256, 256, {0, 0, 0, 0}, 0.05, 0.0, 0});
  // Several tiles of queries and keys for the bf16/f16 tensor-core kernels
  // (64 query rows, 32 keys, 32 key rows per tile at width 64).
  checkAttention<T>({1, 2, 130, 77, 64, 64, {1, 1, 1, 77}, 0.125, 0.1, 3});
}

//===----------------------------------------------------------------------===//
// Embedding
//===----------------------------------------------------------------------===//

template <typename T, typename Id> void checkEmbedding() {
  const std::string suffix =
      std::string("<") + typeName<T>() + "," + typeName<Id>() + ">";
  const int64_t vocab = 97, dim = 67, numIds = 5 * 13;
  std::vector<T> table = randomValues<T>(vocab * dim);
  std::vector<Id> ids = randomIds<Id>(numIds, vocab);
  std::vector<T> want(numIds * dim);
  if (!cpu::embedding(table.data(), ids.data(), want.data(), vocab, dim, numIds)
           .isOk())
    std::abort();
  DeviceArray<T> dTable(table), dOut(want.size());
  DeviceArray<Id> dIds(ids);
  resetDeviceError();
  if (statusOk(gpu::embedding(dTable.get(), dIds.get(), dOut.get(), vocab, dim,
                              numIds, gDeviceError, gStream),
               "embedding" + suffix)) {
    compareExact("embedding" + suffix, dOut.download(), want);
    report("embedding" + suffix + ".no_error", readDeviceError() == 0, 0.0);
  }

  // Out-of-range ids: reported, their rows left unwritten, the others
  // written; with a null error word nothing is reported and nothing crashes.
  std::vector<Id> badIds = ids;
  badIds[7] = static_cast<Id>(vocab);
  badIds[20] = static_cast<Id>(-1);
  dIds.upload(badIds);
  for (bool withErrorWord : {true, false}) {
    const std::string name = "embedding" + suffix + ".bad_id" +
                             (withErrorWord ? "" : ".null_error_word");
    dOut.fillBytes(kUnwritten);
    resetDeviceError();
    if (!statusOk(gpu::embedding(
                      dTable.get(), dIds.get(), dOut.get(), vocab, dim, numIds,
                      withErrorWord ? gDeviceError : nullptr, gStream),
                  name))
      continue;
    std::vector<T> got = dOut.download();
    bool pass = readDeviceError() ==
                (withErrorWord ? GC_STEP_ERROR_INDEX_OUT_OF_RANGE : 0);
    for (int64_t i = 0; i < numIds; ++i) {
      const T *row = got.data() + i * dim;
      if (i == 7 || i == 20)
        pass = pass && allBytes(row, dim, kUnwritten);
      else
        pass = pass &&
               std::memcmp(row, want.data() + i * dim, dim * sizeof(T)) == 0;
    }
    report(name, pass, 0.0);
  }
}

template <typename T, typename Id>
void checkEmbeddingGrad(int64_t vocab, int64_t dim, int64_t numIds,
                        int64_t idBound, int64_t paddingIdx) {
  const std::string suffix =
      std::string("<") + typeName<T>() + "," + typeName<Id>() + ">[vocab " +
      std::to_string(vocab) + " dim " + std::to_string(dim) + " ids " +
      std::to_string(numIds) + " pad " + std::to_string(paddingIdx) + "]";
  std::vector<T> grad = randomValues<T>(numIds * dim);
  // Ids from a small range repeat many times, which tests the order of the
  // additions; a few from the whole range test the vocabulary slices.
  std::vector<Id> ids = randomIds<Id>(numIds, idBound);
  std::vector<Id> farIds = randomIds<Id>(numIds / 5, vocab);
  for (size_t i = 0; i < farIds.size(); ++i)
    ids[i * 5] = farIds[i];
  if (paddingIdx >= 0 && numIds > 3)
    ids[3] = static_cast<Id>(paddingIdx);
  std::vector<T> want(vocab * dim);
  if (!cpu::embeddingGrad(grad.data(), ids.data(), want.data(), vocab, dim,
                          numIds, paddingIdx)
           .isOk())
    std::abort();
  DeviceArray<T> dGrad(grad), dOut(want.size());
  DeviceArray<Id> dIds(ids);
  // A token-type-sized vocabulary sums in two stages through a workspace
  // (another order: compared within the tolerance); the others add in the
  // CPU's order (bitwise).
  const int64_t workspaceBytes =
      gpu::embeddingGradWorkspaceBytes(vocab, dim, numIds, sizeof(T));
  DeviceArray<uint8_t> dWorkspace(workspaceBytes);
  void *workspace = workspaceBytes > 0 ? dWorkspace.get() : nullptr;
  dOut.fillBytes(kUnwritten);
  resetDeviceError();
  if (statusOk(gpu::embeddingGrad(dGrad.get(), dIds.get(), dOut.get(), vocab,
                                  dim, numIds, paddingIdx, workspace,
                                  gDeviceError, gStream),
               "embedding_grad" + suffix)) {
    if (workspaceBytes > 0)
      compare("embedding_grad" + suffix, dOut.download(), want);
    else
      compareExact("embedding_grad" + suffix, dOut.download(), want);
    report("embedding_grad" + suffix + ".no_error", readDeviceError() == 0,
           0.0);
  }

  if (numIds == 0)
    return;
  // An out-of-range id: reported, and the whole result stays unwritten.
  ids[numIds / 2] = static_cast<Id>(vocab + 3);
  dIds.upload(ids);
  dOut.fillBytes(kUnwritten);
  resetDeviceError();
  if (statusOk(gpu::embeddingGrad(dGrad.get(), dIds.get(), dOut.get(), vocab,
                                  dim, numIds, paddingIdx, workspace,
                                  gDeviceError, gStream),
               "embedding_grad" + suffix + ".bad_id")) {
    std::vector<T> got = dOut.download();
    report("embedding_grad" + suffix + ".bad_id",
           readDeviceError() == GC_STEP_ERROR_INDEX_OUT_OF_RANGE &&
               allBytes(got.data(), got.size(), kUnwritten),
           0.0);
  }
}

template <typename T, typename Id> void checkEmbeddings() {
  checkEmbedding<T, Id>();
  checkEmbeddingGrad<T, Id>(211, 67, 300, 40, 3);
  checkEmbeddingGrad<T, Id>(211, 67, 300, 40, -1);
  checkEmbeddingGrad<T, Id>(5000, 33, 1001, 5000, 0);
  checkEmbeddingGrad<T, Id>(7, 129, 0, 7, -1);
  // Token types: two rows, many ids (two stages), with and without padding.
  checkEmbeddingGrad<T, Id>(2, 129, 1001, 2, -1);
  checkEmbeddingGrad<T, Id>(2, 64, 300, 2, 0);
}

//===----------------------------------------------------------------------===//
// Cross-entropy
//===----------------------------------------------------------------------===//

template <typename T, typename Label>
void checkCrossEntropy(int64_t rows, int64_t classes, double ignoredFraction) {
  const int64_t ignoreIndex = -100;
  const std::string suffix = std::string("<") + typeName<T>() + "," +
                             typeName<Label>() + ">[" + std::to_string(rows) +
                             "x" + std::to_string(classes) + " ignored " +
                             std::to_string(ignoredFraction) + "]";
  std::vector<T> logits = randomValues<T>(rows * classes, -4.0, 4.0);
  std::vector<Label> labels = randomIds<Label>(rows, classes);
  std::bernoulli_distribution ignore(ignoredFraction);
  for (Label &label : labels)
    if (ignore(gRng))
      label = static_cast<Label>(ignoreIndex);
  std::vector<T> grad = {fromDouble<T>(0.7)};

  std::vector<T> loss(1), result(rows * classes);
  if (!cpu::crossEntropy(logits.data(), labels.data(), loss.data(), rows,
                         classes, ignoreIndex)
           .isOk() ||
      !cpu::crossEntropyGrad(grad.data(), logits.data(), labels.data(),
                             result.data(), rows, classes, ignoreIndex)
           .isOk())
    std::abort();

  DeviceArray<T> dLogits(logits), dLoss(1), dGrad(grad),
      dResult(std::max<int64_t>(rows * classes, 1));
  DeviceArray<Label> dLabels(labels);
  // The planned workspaces of the two ops.
  DeviceArray<uint8_t> dLossWorkspace(gpu::crossEntropyWorkspaceBytes()),
      dGradWorkspace(gpu::crossEntropyGradWorkspaceBytes());
  resetDeviceError();
  if (statusOk(gpu::crossEntropy(dLogits.get(), dLabels.get(), dLoss.get(),
                                 rows, classes, ignoreIndex,
                                 dLossWorkspace.get(), gDeviceError, gStream),
               "cross_entropy" + suffix))
    compare("cross_entropy" + suffix, dLoss.download(), loss);
  if (statusOk(gpu::crossEntropyGrad(dGrad.get(), dLogits.get(), dLabels.get(),
                                     dResult.get(), rows, classes, ignoreIndex,
                                     dGradWorkspace.get(), gDeviceError,
                                     gStream),
               "cross_entropy_grad" + suffix)) {
    std::vector<T> got = dResult.download();
    got.resize(result.size());
    compare("cross_entropy_grad" + suffix, got, result);
  }
  report("cross_entropy" + suffix + ".no_error", readDeviceError() == 0, 0.0);

  if (rows < 2)
    return;
  // A label out of range: reported, and nothing is written.
  labels[rows - 2] = static_cast<Label>(classes);
  dLabels.upload(labels);
  dLoss.fillBytes(kUnwritten);
  dResult.fillBytes(kUnwritten);
  resetDeviceError();
  if (statusOk(gpu::crossEntropy(dLogits.get(), dLabels.get(), dLoss.get(),
                                 rows, classes, ignoreIndex,
                                 dLossWorkspace.get(), gDeviceError, gStream),
               "cross_entropy" + suffix + ".bad_label")) {
    const bool reported = readDeviceError() == GC_STEP_ERROR_LABEL_OUT_OF_RANGE;
    std::vector<T> got = dLoss.download();
    report("cross_entropy" + suffix + ".bad_label",
           reported && allBytes(got.data(), 1, kUnwritten), 0.0);
  }
  resetDeviceError();
  if (statusOk(gpu::crossEntropyGrad(dGrad.get(), dLogits.get(), dLabels.get(),
                                     dResult.get(), rows, classes, ignoreIndex,
                                     dGradWorkspace.get(), gDeviceError,
                                     gStream),
               "cross_entropy_grad" + suffix + ".bad_label")) {
    const bool reported = readDeviceError() == GC_STEP_ERROR_LABEL_OUT_OF_RANGE;
    std::vector<T> got = dResult.download();
    report("cross_entropy_grad" + suffix + ".bad_label",
           reported && allBytes(got.data(), got.size(), kUnwritten), 0.0);
  }
}

template <typename T, typename Label> void checkCrossEntropies() {
  checkCrossEntropy<T, Label>(53, 1001, 0.2);
  checkCrossEntropy<T, Label>(1031, 37, 0.5);
  checkCrossEntropy<T, Label>(17, 5, 1.0);
  checkCrossEntropy<T, Label>(0, 5, 0.0);
}

//===----------------------------------------------------------------------===//
// Optimizers
//===----------------------------------------------------------------------===//

template <typename T> void checkOptimizers(int64_t n) {
  const std::string suffix =
      std::string("<") + typeName<T>() + ">[" + std::to_string(n) + "]";
  std::vector<T> param = randomValues<T>(n), grad = randomValues<T>(n);
  std::vector<T> m = randomValues<T>(n, -0.1, 0.1);
  std::vector<T> v = randomValues<T>(n, 0.0, 0.01);

  {
    std::vector<T> want(n);
    cpu::sgdUpdate(param.data(), grad.data(), nullptr, want.data(), n, 0.01,
                   0.1);
    // In place: the result aliases the parameter.
    DeviceArray<T> dParam(param), dGrad(grad);
    if (statusOk(gpu::sgdUpdate(dParam.get(), dGrad.get(), nullptr,
                                dParam.get(), n, 0.01, 0.1, gStream),
                 "sgd_update" + suffix))
      compare("sgd_update" + suffix, dParam.download(), want);
    // Skipped by the loss scaler, out of place: the result is the parameter.
    DeviceArray<float> dSkip(std::vector<float>{1.0f});
    DeviceArray<T> dResult(n);
    const std::vector<T> before = dParam.download();
    if (statusOk(gpu::sgdUpdate(dParam.get(), dGrad.get(), dSkip.get(),
                                dResult.get(), n, 0.01, 0.1, gStream),
                 "sgd_update" + suffix + ".skipped"))
      compareExact("sgd_update" + suffix + ".skipped", dResult.download(),
                   before);
  }

  const double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8,
               weightDecay = 0.01;
  std::vector<T> wantP(n), wantM(n), wantV(n);
  const std::vector<int64_t> step = {3};
  if (!cpu::adamwUpdate(param.data(), grad.data(), m.data(), v.data(),
                        step.data(), nullptr, wantP.data(), wantM.data(),
                        wantV.data(), n, lr, beta1, beta2, epsilon, weightDecay)
           .isOk())
    std::abort();
  DeviceArray<T> dParam(param), dGrad(grad), dM(m), dV(v);
  DeviceArray<int64_t> dStep(step);
  resetDeviceError();
  if (statusOk(gpu::adamwUpdate(dParam.get(), dGrad.get(), dM.get(), dV.get(),
                                dStep.get(), nullptr, dParam.get(), dM.get(),
                                dV.get(), n, lr, beta1, beta2, epsilon,
                                weightDecay, gDeviceError, gStream),
               "adamw_update" + suffix)) {
    compare("adamw_update" + suffix + ".param", dParam.download(), wantP);
    compare("adamw_update" + suffix + ".m", dM.download(), wantM);
    compare("adamw_update" + suffix + ".v", dV.download(), wantV);
    report("adamw_update" + suffix + ".no_error", readDeviceError() == 0, 0.0);
  }

  // Step 0: reported, and nothing is written.
  dStep.upload({0});
  dParam.upload(param);
  resetDeviceError();
  if (statusOk(gpu::adamwUpdate(dParam.get(), dGrad.get(), dM.get(), dV.get(),
                                dStep.get(), nullptr, dParam.get(), dM.get(),
                                dV.get(), n, lr, beta1, beta2, epsilon,
                                weightDecay, gDeviceError, gStream),
               "adamw_update" + suffix + ".bad_step")) {
    const bool reported = readDeviceError() == GC_STEP_ERROR_BAD_OPTIMIZER_STEP;
    std::vector<T> got = dParam.download();
    report("adamw_update" + suffix + ".bad_step",
           reported &&
               std::memcmp(got.data(), param.data(), n * sizeof(T)) == 0,
           0.0);
  }

  // Skipped by the loss scaler, out of place: the results are the inputs,
  // and a bad step is not reported (nothing is computed).
  DeviceArray<float> dSkip(std::vector<float>{1.0f});
  DeviceArray<T> dNewP(n), dNewM(n), dNewV(n);
  resetDeviceError();
  if (statusOk(gpu::adamwUpdate(dParam.get(), dGrad.get(), dM.get(), dV.get(),
                                dStep.get(), dSkip.get(), dNewP.get(),
                                dNewM.get(), dNewV.get(), n, lr, beta1, beta2,
                                epsilon, weightDecay, gDeviceError, gStream),
               "adamw_update" + suffix + ".skipped")) {
    compareExact("adamw_update" + suffix + ".skipped.param", dNewP.download(),
                 dParam.download());
    compareExact("adamw_update" + suffix + ".skipped.m", dNewM.download(),
                 dM.download());
    report("adamw_update" + suffix + ".skipped.no_error",
           readDeviceError() == 0, 0.0);
  }
  // Skipped in place (the results are the operands), with a valid step:
  // nothing changes.
  dStep.upload({3});
  const std::vector<T> before = dParam.download(), beforeV = dV.download();
  if (statusOk(gpu::adamwUpdate(dParam.get(), dGrad.get(), dM.get(), dV.get(),
                                dStep.get(), dSkip.get(), dParam.get(),
                                dM.get(), dV.get(), n, lr, beta1, beta2,
                                epsilon, weightDecay, gDeviceError, gStream),
               "adamw_update" + suffix + ".skipped_in_place")) {
    compareExact("adamw_update" + suffix + ".skipped_in_place.param",
                 dParam.download(), before);
    compareExact("adamw_update" + suffix + ".skipped_in_place.v", dV.download(),
                 beforeV);
  }
}

//===----------------------------------------------------------------------===//
// Dynamic loss scaling
//===----------------------------------------------------------------------===//

template <typename T> void checkAnyNonFinite(int64_t n, double bad) {
  const std::string name = std::string("any_nonfinite<") + typeName<T>() +
                           ">[" + std::to_string(n) + " bad " +
                           std::to_string(bad) + "]";
  std::vector<T> input = randomValues<T>(n, -1e3, 1e3);
  if (bad != 0 && n > 0)
    input[n * 2 / 3] = fromDouble<T>(bad);
  std::vector<T> want(1);
  cpu::anyNonFinite(input.data(), want.data(), n);
  DeviceArray<T> dIn(input), dOut(1);
  if (statusOk(gpu::anyNonFinite(dIn.get(), dOut.get(), n, gStream), name))
    compareExact(name, dOut.download(), want);
}

void checkLossScaleUpdate(float scale, int64_t tracker, float found) {
  const std::string name = "update_loss_scale[" + std::to_string(scale) +
                           " tracker " + std::to_string(tracker) + " found " +
                           std::to_string(found) + "]";
  const int64_t step = 5, interval = 3;
  float wantScale;
  int64_t wantTracker, wantStep;
  cpu::updateLossScale(&scale, &tracker, &step, &found, &wantScale,
                       &wantTracker, &wantStep, 2.0, 0.5, interval);
  DeviceArray<float> dScale(std::vector<float>{scale}),
      dFound(std::vector<float>{found});
  DeviceArray<int64_t> dTracker(std::vector<int64_t>{tracker}),
      dStep(std::vector<int64_t>{step});
  // In place, as a step feeds its state back.
  if (!statusOk(gpu::updateLossScale(dScale.get(), dTracker.get(), dStep.get(),
                                     dFound.get(), dScale.get(), dTracker.get(),
                                     dStep.get(), 2.0, 0.5, interval, gStream),
                name))
    return;
  compareExact(name + ".scale", dScale.download(), {wantScale});
  compareExact(name + ".tracker", dTracker.download(), {wantTracker});
  compareExact(name + ".step", dStep.download(), {wantStep});
}

} // namespace

/// One stream, cuBLAS handle and device error word for all the tests.
class CudaEnvironment : public ::testing::Environment {
public:
  void SetUp() override {
    int deviceCount = 0;
    if (cudaGetDeviceCount(&deviceCount) != cudaSuccess || deviceCount == 0) {
      std::fprintf(stderr, "KernelsTest: no CUDA device\n");
      std::exit(2);
    }
    cudaDeviceProp properties;
    CUDA_CHECK(cudaGetDeviceProperties(&properties, 0));
    std::printf("device: %s (sm_%d%d)\n", properties.name, properties.major,
                properties.minor);
    CUDA_CHECK(cudaStreamCreateWithFlags(&gStream, cudaStreamNonBlocking));
    if (cublasCreate(&gBlas) != CUBLAS_STATUS_SUCCESS) {
      std::fprintf(stderr, "KernelsTest: cublasCreate failed\n");
      std::exit(2);
    }
    CUDA_CHECK(cudaMalloc(&gDeviceError, sizeof(int32_t)));
  }
  void TearDown() override {
    cudaFree(gDeviceError);
    cublasDestroy(gBlas);
    cudaStreamDestroy(gStream);
  }
};

[[maybe_unused]] ::testing::Environment *const gEnvironment =
    ::testing::AddGlobalTestEnvironment(new CudaEnvironment());

TEST(CudaKernelsTest, DataMovement) { checkDataMovement(); }

TEST(CudaKernelsTest, Matmul) {
  checkMatmuls<float>();
  checkMatmuls<double>();
  checkMatmuls<gc::rt::BFloat16>();
  checkMatmuls<gc::rt::Half>();
}

TEST(CudaKernelsTest, Reductions) {
  checkReductions<float>();
  checkReductions<double>();
  checkReductions<gc::rt::BFloat16>();
  checkReductions<gc::rt::Half>();
}

TEST(CudaKernelsTest, LayerNorm) {
  for (auto [rows, cols] :
       {std::pair<int64_t, int64_t>{37, 771}, {5, 1}, {1031, 64}, {3, 4099}}) {
    checkLayerNorm<float>(rows, cols);
    checkLayerNorm<double>(rows, cols);
    checkLayerNorm<gc::rt::BFloat16>(rows, cols);
    checkLayerNorm<gc::rt::Half>(rows, cols);
  }
}

TEST(CudaKernelsTest, Softmax) {
  checkSoftmaxes<float>();
  checkSoftmaxes<double>();
  checkSoftmaxes<gc::rt::BFloat16>();
  checkSoftmaxes<gc::rt::Half>();
}

TEST(CudaKernelsTest, Attention) {
  checkAttentions<float>();
  checkAttentions<double>();
  checkAttentions<gc::rt::BFloat16>();
  checkAttentions<gc::rt::Half>();
}

TEST(CudaKernelsTest, Embedding) {
  checkEmbeddings<float, int32_t>();
  checkEmbeddings<float, int64_t>();
  checkEmbeddings<double, int32_t>();
  checkEmbeddings<double, int64_t>();
}

TEST(CudaKernelsTest, CrossEntropy) {
  checkCrossEntropies<float, int32_t>();
  checkCrossEntropies<float, int64_t>();
  checkCrossEntropies<double, int32_t>();
  checkCrossEntropies<double, int64_t>();
  checkCrossEntropies<gc::rt::BFloat16, int64_t>();
  checkCrossEntropies<gc::rt::Half, int32_t>();
}

TEST(CudaKernelsTest, LossScaling) {
  for (double bad : {0.0, double(INFINITY), double(-INFINITY), double(NAN)}) {
    checkAnyNonFinite<float>(70001, bad);
    checkAnyNonFinite<gc::rt::Half>(1001, bad);
  }
  checkAnyNonFinite<double>(0, 0.0);
  // A found overflow backs off; good steps grow the tracker, and the third
  // in a row doubles the scale; a scale whose double overflows stays.
  checkLossScaleUpdate(65536.0f, 1, 1.0f);
  checkLossScaleUpdate(65536.0f, 0, 0.0f);
  checkLossScaleUpdate(65536.0f, 2, 0.0f);
  checkLossScaleUpdate(3e38f, 2, 0.0f);
  checkLossScaleUpdate(65536.0f, 0, NAN);
}

TEST(CudaKernelsTest, Optimizers) {
  checkOptimizers<float>(1001);
  checkOptimizers<double>(1001);
  checkOptimizers<float>(70001);
  checkOptimizers<gc::rt::BFloat16>(1001);
  checkOptimizers<gc::rt::Half>(1001);
}
