//===- Support.cu - Error reporting and session helpers -------------------===//
//
// The Status builders behind the GC_RT_*_RETURN_IF_ERROR macros, and the two
// helpers the runtime session uses to measure an arena's high-water mark:
// fillBytes paints the arena with a sentinel byte before a step, and
// findHighestChangedByte finds the highest byte the step wrote. The search
// reads the buffer in 16-byte words where the pointer allows it; each thread
// keeps the highest changed index it saw, a warp combines its lanes' answers
// and one lane per warp publishes it with a 64-bit atomicMax (the maximum is
// independent of the order of the atomics).
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include <string>

using namespace gc::rt;
using namespace gc::rt::cuda;
using namespace gc::rt::cuda::detail;

Status detail::cudaFailure(const char *kernel, const char *what,
                           cudaError_t error) {
  return Status::error(std::string(kernel) + ": " + what +
                       " failed: " + cudaGetErrorName(error) + " (" +
                       cudaGetErrorString(error) + ")");
}

Status detail::cublasFailure(const char *kernel, const char *what,
                             cublasStatus_t status) {
  return Status::error(std::string(kernel) + ": " + what +
                       " failed: " + cublasGetStatusName(status) + " (" +
                       cublasGetStatusString(status) + ")");
}

Status detail::invalidArgument(const char *kernel, const char *message) {
  return Status::error(std::string(kernel) + ": " + message);
}

namespace {

/// The index of the highest byte of `word` (little-endian, 4 bytes) that
/// differs from the byte replicated in `pattern`, or -1.
__device__ int highestChangedByteOfWord(uint32_t word, uint32_t pattern) {
  uint32_t diff = word ^ pattern;
  if (diff == 0)
    return -1;
  return (31 - __clz(diff)) / 8;
}

/// Each thread scans units of 16 bytes: a vector load where the unit is
/// whole and `aligned`, bytewise otherwise (the tail, or a misaligned
/// buffer).
__global__ void findHighestChangedByteKernel(const uint8_t *data, int64_t bytes,
                                             uint8_t sentinel, bool aligned,
                                             long long *deviceResult) {
  const uint32_t pattern = 0x01010101u * sentinel;
  const int64_t units = (bytes + 15) / 16;
  long long highest = -1;
  for (int64_t u = globalThreadIndex(); u < units; u += globalThreadCount()) {
    const int64_t begin = u * 16;
    if (aligned && begin + 16 <= bytes) {
      uint4 word = reinterpret_cast<const uint4 *>(data)[u];
      const uint32_t parts[4] = {word.x, word.y, word.z, word.w};
      for (int k = 3; k >= 0; --k) {
        int byte = highestChangedByteOfWord(parts[k], pattern);
        if (byte >= 0) {
          highest = max(highest, static_cast<long long>(begin + 4 * k + byte));
          break;
        }
      }
      continue;
    }
    const int64_t end = min(begin + 16, bytes);
    for (int64_t i = end - 1; i >= begin; --i) {
      if (data[i] != sentinel) {
        highest = max(highest, static_cast<long long>(i));
        break;
      }
    }
  }
  highest = warpAllReduce(
      highest, [](long long a, long long b) { return a > b ? a : b; });
  if (threadIdx.x % 32 == 0 && highest >= 0)
    atomicMax(deviceResult, highest);
}

} // namespace

Status gc::rt::cuda::fillBytes(void *data, size_t bytes, uint8_t value,
                               cudaStream_t stream) {
  if (bytes == 0)
    return Status::ok();
  GC_RT_CUDA_RETURN_IF_ERROR("fill_bytes",
                             cudaMemsetAsync(data, value, bytes, stream));
  return Status::ok();
}

Status gc::rt::cuda::findHighestChangedByte(const void *data, size_t bytes,
                                            uint8_t sentinel,
                                            int64_t *deviceResult,
                                            cudaStream_t stream) {
  static_assert(sizeof(int64_t) == sizeof(long long));
  const char *kernel = "find_highest_changed_byte";
  // All bits set is -1 in two's complement.
  GC_RT_CUDA_RETURN_IF_ERROR(
      kernel, cudaMemsetAsync(deviceResult, 0xff, sizeof(int64_t), stream));
  if (bytes == 0)
    return Status::ok();
  const int64_t count = static_cast<int64_t>(bytes);
  const bool aligned = reinterpret_cast<uintptr_t>(data) % 16 == 0;
  GC_CUDA_LAUNCH(findHighestChangedByteKernel, gridFor((count + 15) / 16),
                 kBlockSize, 0,
                 stream)(static_cast<const uint8_t *>(data), count, sentinel,
                         aligned, reinterpret_cast<long long *>(deviceResult));
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  return Status::ok();
}
