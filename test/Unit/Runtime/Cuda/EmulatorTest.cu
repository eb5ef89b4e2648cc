//===- EmulatorTest.cu - The CUDA host emulator's own semantics -----------===//
//
// What the kernel and step tests rely on: every thread of the grid runs once
// with its coordinates; __syncthreads orders the block's shared-memory
// writes before the reads after it; the warp shuffles and votes read the
// right lanes, also when only some warps of a block use them; a barrier
// some threads never reach fails the launch (a hang on a GPU) and makes the
// device fail from then on, as a kernel fault does; impossible launch
// shapes, copies outside an allocation and exhausted memory are the errors
// the CUDA runtime returns. Compiled for the emulator only: a deadlock test
// would hang a GPU. The warp matrix functions (gc_cuda_emu/Wmma.h) multiply
// tiles exactly as written, with any mix of layouts, and need every lane.
//
//===----------------------------------------------------------------------===//

#include "gc_cuda_emu/Wmma.h"
#include "gc_rt/cuda/Launch.h"

#include <cuda_runtime.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

namespace {

__global__ void writeCoordinates(int *out) {
  const int block =
      blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
  const int thread =
      threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  const int perBlock = blockDim.x * blockDim.y * blockDim.z;
  out[block * perBlock + thread] += 1 + block * 1000 + thread;
}

/// Reverses 256 values through shared memory: wrong without the barrier.
__global__ void reverseThroughShared(const int *in, int *out) {
  __shared__ int staged[256];
  staged[threadIdx.x] = in[blockIdx.x * 256 + threadIdx.x];
  __syncthreads();
  out[blockIdx.x * 256 + threadIdx.x] = staged[255 - threadIdx.x];
}

__global__ void shuffles(int *out) {
  const int lane = threadIdx.x % 32;
  const int value = 100 * (threadIdx.x / 32) + lane;
  int *row = out + threadIdx.x * 6;
  row[0] = __shfl_xor_sync(0xffffffffu, value, 1);
  row[1] = __shfl_down_sync(0xffffffffu, value, 4);
  row[2] = __shfl_up_sync(0xffffffffu, value, 2);
  row[3] = __shfl_sync(0xffffffffu, value, 7);
  row[4] = static_cast<int>(__ballot_sync(0xffffffffu, lane % 3 == 0));
  row[5] = __any_sync(0xffffffffu, lane == 31) +
           2 * __all_sync(0xffffffffu, lane < 31);
}

/// Only warp 1 shuffles, as a block reduction's last step does.
__global__ void oneWarpShuffles(double *out) {
  double value = threadIdx.x;
  if (threadIdx.x / 32 == 1)
    for (int offset = 16; offset > 0; offset /= 2)
      value += __shfl_xor_sync(0xffffffffu, value, offset);
  __syncthreads();
  out[threadIdx.x] = value;
}

/// Lane 0 of each warp waits at the block barrier while its warp's other
/// lanes wait for it at a shuffle: neither can complete. (Threads that exit
/// without reaching a barrier do not block it, as on the hardware.)
__global__ void barrierAgainstShuffle(int *out) {
  int value = threadIdx.x;
  if (threadIdx.x % 32 == 0)
    __syncthreads();
  else
    value = __shfl_xor_sync(0xffffffffu, value, 1);
  out[threadIdx.x] = value;
}

namespace wmma = nvcuda::wmma;

/// d = a b + c for one 16x16x16 tile per warp (a row-major, b column-major
/// when `transposedB`, c and d row-major); warp w takes tile w. d is
/// written over c, as the kernels do.
template <typename Input>
__global__ void multiplyTiles(const Input *a, const Input *b, float *cd,
                              bool transposedB) {
  const int warp = threadIdx.x / 32;
  const Input *aTile = a + warp * 256;
  const Input *bTile = b + warp * 256;
  float *cdTile = cd + warp * 256;
  wmma::fragment<wmma::matrix_a, 16, 16, 16, Input, wmma::row_major> left;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
  wmma::load_matrix_sync(left, aTile, 16);
  wmma::load_matrix_sync(acc, cdTile, 16, wmma::mem_row_major);
  if (transposedB) {
    wmma::fragment<wmma::matrix_b, 16, 16, 16, Input, wmma::col_major> right;
    wmma::load_matrix_sync(right, bTile, 16);
    wmma::mma_sync(acc, left, right, acc);
  } else {
    wmma::fragment<wmma::matrix_b, 16, 16, 16, Input, wmma::row_major> right;
    wmma::load_matrix_sync(right, bTile, 16);
    wmma::mma_sync(acc, left, right, acc);
  }
  // Every lane holds 8 of the tile's 256 elements: scale them in place.
  for (int e = 0; e < acc.num_elements; ++e)
    acc.x[e] = acc.x[e] * 2.0f;
  wmma::store_matrix_sync(cdTile, acc, 16, wmma::mem_row_major);
}

/// Lane 5 skips the multiplication, which hangs a GPU.
__global__ void divergentMultiply(const __half *a, float *cd) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> left;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> right;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
  wmma::fill_fragment(acc, 0.0f);
  if (threadIdx.x == 5)
    return;
  wmma::load_matrix_sync(left, a, 16);
  wmma::load_matrix_sync(right, a, 16);
  wmma::mma_sync(acc, left, right, acc);
  wmma::store_matrix_sync(cd, acc, 16, wmma::mem_row_major);
}

template <typename T> std::vector<T> download(const T *device, size_t count) {
  std::vector<T> host(count);
  EXPECT_EQ(cudaMemcpy(host.data(), device, count * sizeof(T),
                       cudaMemcpyDeviceToHost),
            cudaSuccess);
  return host;
}

TEST(CudaEmulatorTest, EveryThreadRunsOnceWithItsCoordinates) {
  const dim3 grid(3, 2, 2), block(8, 4, 2);
  const size_t count = 12 * 64;
  int *out = nullptr;
  ASSERT_EQ(cudaMalloc(&out, count * sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaMemset(out, 0, count * sizeof(int)), cudaSuccess);
  GC_CUDA_LAUNCH(writeCoordinates, grid, block, 0, nullptr)(out);
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  std::vector<int> host = download(out, count);
  for (size_t i = 0; i < count; ++i)
    EXPECT_EQ(host[i], 1 + int(i / 64) * 1000 + int(i % 64)) << i;
  cudaFree(out);
}

TEST(CudaEmulatorTest, SyncthreadsOrdersSharedMemory) {
  std::vector<int> input(512);
  for (int i = 0; i < 512; ++i)
    input[i] = i * 7;
  int *in = nullptr, *out = nullptr;
  ASSERT_EQ(cudaMalloc(&in, 512 * sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&out, 512 * sizeof(int)), cudaSuccess);
  ASSERT_EQ(
      cudaMemcpy(in, input.data(), 512 * sizeof(int), cudaMemcpyHostToDevice),
      cudaSuccess);
  GC_CUDA_LAUNCH(reverseThroughShared, 2, 256, 0, nullptr)(in, out);
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  std::vector<int> host = download(out, 512);
  for (int i = 0; i < 512; ++i)
    EXPECT_EQ(host[i], input[(i / 256) * 256 + 255 - i % 256]) << i;
  cudaFree(in);
  cudaFree(out);
}

TEST(CudaEmulatorTest, WarpShufflesAndVotesReadTheRightLanes) {
  int *out = nullptr;
  ASSERT_EQ(cudaMalloc(&out, 64 * 6 * sizeof(int)), cudaSuccess);
  GC_CUDA_LAUNCH(shuffles, 1, 64, 0, nullptr)(out);
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  std::vector<int> host = download(out, 64 * 6);
  unsigned ballot = 0;
  for (int lane = 0; lane < 32; lane += 3)
    ballot |= 1u << lane;
  for (int t = 0; t < 64; ++t) {
    const int lane = t % 32, base = 100 * (t / 32);
    const int *row = &host[t * 6];
    EXPECT_EQ(row[0], base + (lane ^ 1)) << t;
    EXPECT_EQ(row[1], base + (lane + 4 < 32 ? lane + 4 : lane)) << t;
    EXPECT_EQ(row[2], base + (lane >= 2 ? lane - 2 : lane)) << t;
    EXPECT_EQ(row[3], base + 7) << t;
    EXPECT_EQ(static_cast<unsigned>(row[4]), ballot) << t;
    EXPECT_EQ(row[5], 1) << t; // any: lane 31 is there; all: it is not < 31
  }
  cudaFree(out);
}

TEST(CudaEmulatorTest, OneWarpShufflesWhileTheOthersWait) {
  double *out = nullptr;
  ASSERT_EQ(cudaMalloc(&out, 128 * sizeof(double)), cudaSuccess);
  GC_CUDA_LAUNCH(oneWarpShuffles, 1, 128, 0, nullptr)(out);
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  std::vector<double> host = download(out, 128);
  for (int t = 0; t < 128; ++t)
    EXPECT_EQ(host[t], t / 32 == 1 ? (32 + 63) * 32 / 2.0 : double(t)) << t;
  cudaFree(out);
}

TEST(CudaEmulatorTest, ImpossibleLaunchShapesAreConfigurationErrors) {
  int *out = nullptr;
  ASSERT_EQ(cudaMalloc(&out, 4096 * sizeof(int)), cudaSuccess);
  GC_CUDA_LAUNCH(writeCoordinates, 1, 2048, 0, nullptr)(out);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidConfiguration);
  GC_CUDA_LAUNCH(writeCoordinates, 0, 32, 0, nullptr)(out);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidConfiguration);
  // Reading the error clears it.
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  cudaFree(out);
}

TEST(CudaEmulatorTest, CopiesMustStayInsideAnAllocation) {
  char *device = nullptr;
  ASSERT_EQ(cudaMalloc(&device, 100), cudaSuccess);
  std::vector<char> host(200);
  EXPECT_EQ(cudaMemcpy(device, host.data(), 100, cudaMemcpyHostToDevice),
            cudaSuccess);
  EXPECT_EQ(cudaMemcpy(device + 1, host.data(), 100, cudaMemcpyHostToDevice),
            cudaErrorInvalidValue);
  EXPECT_EQ(
      cudaMemcpy(host.data(), host.data() + 100, 10, cudaMemcpyDeviceToHost),
      cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemset(device + 50, 0, 51), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(host.data()), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
}

TEST(CudaEmulatorTest, AllocationsBeyondTheDeviceMemoryFail) {
  size_t freeBytes = 0, totalBytes = 0;
  ASSERT_EQ(cudaMemGetInfo(&freeBytes, &totalBytes), cudaSuccess);
  void *memory = nullptr;
  EXPECT_EQ(cudaMalloc(&memory, totalBytes + 1), cudaErrorMemoryAllocation);
  EXPECT_EQ(memory, nullptr);
  EXPECT_EQ(cudaGetLastError(), cudaErrorMemoryAllocation);
}

template <typename Input> void checkTileProducts(bool transposedB) {
  const int warps = 2, count = warps * 256;
  std::vector<Input> a(count), b(count);
  std::vector<float> c(count);
  // Values whose products and sums are exact in f32, so that any order of
  // accumulation gives the same bits.
  for (int i = 0; i < count; ++i) {
    a[i] = Input(static_cast<float>((i * 7) % 11 - 5) / 4.0f);
    b[i] = Input(static_cast<float>((i * 5) % 13 - 6) / 8.0f);
    c[i] = static_cast<float>(i % 9 - 4);
  }
  Input *deviceA = nullptr, *deviceB = nullptr;
  float *deviceCd = nullptr;
  ASSERT_EQ(cudaMalloc(&deviceA, count * sizeof(Input)), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&deviceB, count * sizeof(Input)), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&deviceCd, count * sizeof(float)), cudaSuccess);
  cudaMemcpy(deviceA, a.data(), count * sizeof(Input), cudaMemcpyHostToDevice);
  cudaMemcpy(deviceB, b.data(), count * sizeof(Input), cudaMemcpyHostToDevice);
  cudaMemcpy(deviceCd, c.data(), count * sizeof(float), cudaMemcpyHostToDevice);
  GC_CUDA_LAUNCH(multiplyTiles<Input>, 1, 32 * warps, 0,
                 nullptr)(deviceA, deviceB, deviceCd, transposedB);
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  std::vector<float> d = download(deviceCd, count);
  for (int w = 0; w < warps; ++w)
    for (int row = 0; row < 16; ++row)
      for (int col = 0; col < 16; ++col) {
        float want = c[w * 256 + row * 16 + col];
        for (int k = 0; k < 16; ++k) {
          const int bIndex = transposedB ? col * 16 + k : k * 16 + col;
          want += static_cast<float>(a[w * 256 + row * 16 + k]) *
                  static_cast<float>(b[w * 256 + bIndex]);
        }
        EXPECT_EQ(d[w * 256 + row * 16 + col], 2.0f * want)
            << "warp " << w << " (" << row << ", " << col << ")";
      }
  cudaFree(deviceA);
  cudaFree(deviceB);
  cudaFree(deviceCd);
}

TEST(CudaEmulatorTest, WarpMatrixProductsOfHalfTiles) {
  checkTileProducts<__half>(false);
  checkTileProducts<__half>(true);
}

TEST(CudaEmulatorTest, WarpMatrixProductsOfBFloat16Tiles) {
  checkTileProducts<__nv_bfloat16>(false);
  checkTileProducts<__nv_bfloat16>(true);
}

/// Launches a kernel where one lane skips a warp matrix product; exits 0
/// when the launch fails as a deadlock.
void divergentMultiplyAndExit() {
  __half *a = nullptr;
  float *cd = nullptr;
  if (cudaMalloc(&a, 256 * sizeof(__half)) != cudaSuccess ||
      cudaMalloc(&cd, 256 * sizeof(float)) != cudaSuccess)
    std::exit(2);
  GC_CUDA_LAUNCH(divergentMultiply, 1, 32, 0, nullptr)(a, cd);
  std::exit(cudaGetLastError() == cudaErrorLaunchFailure ? 0 : 1);
}

TEST(CudaEmulatorTest, WarpMatrixFunctionsNeedTheWholeWarp) {
  EXPECT_EXIT(divergentMultiplyAndExit(), ::testing::ExitedWithCode(0),
              "kernel divergentMultiply.*lane 5, which has exited");
}

/// Launches a kernel that deadlocks and checks that the launch and the
/// device fail; exits 0 when they do.
void deadlockAndExit() {
  int *out = nullptr;
  if (cudaMalloc(&out, 64 * sizeof(int)) != cudaSuccess)
    std::exit(2);
  GC_CUDA_LAUNCH(barrierAgainstShuffle, 1, 64, 0, nullptr)(out);
  const bool launchFailed = cudaGetLastError() == cudaErrorLaunchFailure;
  const bool deviceFails = cudaDeviceSynchronize() == cudaErrorLaunchFailure;
  void *more = nullptr;
  const bool mallocFails = cudaMalloc(&more, 16) == cudaErrorLaunchFailure;
  std::exit(launchFailed && deviceFails && mallocFails ? 0 : 1);
}

// In a child process: the failure is sticky for the rest of the process.
TEST(CudaEmulatorTest, DeadlockFailsTheLaunchAndTheDevice) {
  EXPECT_EXIT(deadlockAndExit(), ::testing::ExitedWithCode(0),
              "deadlock: kernel barrierAgainstShuffle, block \\(0,0,0\\), "
              "thread \\(0,0,0\\) waits at __syncthreads");
}

} // namespace
