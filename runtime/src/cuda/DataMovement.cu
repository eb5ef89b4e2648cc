//===- DataMovement.cu - broadcast, transpose, slice, concat on CUDA ------===//
//
// The data-movement ops on elements of any size. As on the CPU, broadcast,
// transpose and slice are one strided gather: the result is written in
// row-major order while the operand is read through one stride per result
// dimension (0 for a repeated dimension, a permuted stride for a transpose,
// the operand's own strides from an offset for a slice).
//
// The host prepares the walk before launching: an element is split into the
// widest word (16, 8, 4, 2 or 1 bytes) that divides its size and the
// alignment of both pointers, adding an innermost contiguous dimension when
// an element spans several words; then size-1 dimensions are dropped and
// dimensions that the operand also walks contiguously are merged, as the CPU
// does. A walk that ends up contiguous becomes a cudaMemcpyAsync; otherwise
// a grid-stride kernel gives each thread result words, whose operand offset
// it computes by peeling the word index into coordinates, innermost first,
// in 32-bit arithmetic when every index and offset of the walk fits (a
// 64-bit division costs several times a 32-bit one on a GPU).
//
// concat copies each input as a box of [outer, chunk] bytes into a result
// whose rows are `pitch` bytes apart, again in the widest word that the
// sizes, offsets and pointers allow.
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include <cassert>
#include <climits>

using namespace gc::rt;
using namespace gc::rt::cuda;
using namespace gc::rt::cuda::detail;

namespace {

/// One more dimension than a tensor can have: the words of an element.
constexpr int kMaxWalkRank = kMaxRank + 1;

/// A result-ordered walk over an operand, in words: result dimension i has
/// sizes[i] words and stepping along it moves strides[i] words in the
/// operand. Passed to the kernel by value.
struct StridedWalk {
  int rank = 0;
  int64_t sizes[kMaxWalkRank];
  int64_t strides[kMaxWalkRank];
};

/// Drops size-1 dimensions and merges dimension i into i + 1 when walking
/// them one after the other is a single walk (strides[i] == strides[i + 1] *
/// sizes[i + 1]); the same simplification as the CPU's.
StridedWalk simplify(const StridedWalk &walk) {
  StridedWalk merged;
  for (int i = 0; i < walk.rank; ++i) {
    if (walk.sizes[i] == 1)
      continue;
    int last = merged.rank - 1;
    if (last >= 0 && merged.strides[last] == walk.strides[i] * walk.sizes[i]) {
      merged.sizes[last] *= walk.sizes[i];
      merged.strides[last] = walk.strides[i];
      continue;
    }
    merged.sizes[merged.rank] = walk.sizes[i];
    merged.strides[merged.rank] = walk.strides[i];
    ++merged.rank;
  }
  return merged;
}

/// The widest power-of-two word, at most 16 bytes, that divides every
/// value.
size_t widestWord(std::initializer_list<uintptr_t> values) {
  size_t word = 16;
  for (uintptr_t value : values)
    while (value % word != 0)
      word /= 2;
  return word;
}

/// Writes the words visited by `walk` from `src`, in row-major order of the
/// walk, contiguously to `dst`.
template <typename Word, typename Index>
__global__ void gatherKernel(const Word *__restrict__ src,
                             Word *__restrict__ dst, StridedWalk walk,
                             int64_t total) {
  for (int64_t i = globalThreadIndex(); i < total; i += globalThreadCount()) {
    Index rest = static_cast<Index>(i), offset = 0;
    for (int d = walk.rank - 1; d >= 0; --d) {
      const auto size = static_cast<Index>(walk.sizes[d]);
      const Index q = rest / size;
      offset += (rest - q * size) * static_cast<Index>(walk.strides[d]);
      rest = q;
    }
    dst[i] = src[offset];
  }
}

/// Whether every word index of the result and every operand offset of
/// `walk` fits in 32 bits.
bool fitsIn32Bits(const StridedWalk &walk, int64_t total) {
  int64_t lastOffset = 0;
  for (int d = 0; d < walk.rank; ++d)
    lastOffset += (walk.sizes[d] - 1) * walk.strides[d];
  return total <= INT32_MAX && lastOffset <= INT32_MAX;
}

/// Copies rows of rowWords words from a contiguous `src` to `dst`, where
/// consecutive rows are pitchWords apart.
template <typename Word>
__global__ void copyRowsKernel(const Word *__restrict__ src,
                               Word *__restrict__ dst, int64_t rows,
                               int64_t rowWords, int64_t pitchWords) {
  const int64_t total = rows * rowWords;
  for (int64_t i = globalThreadIndex(); i < total; i += globalThreadCount()) {
    const int64_t row = i / rowWords, column = i - row * rowWords;
    dst[row * pitchWords + column] = src[i];
  }
}

template <typename Word>
Status launchGather(const char *kernel, const void *src, void *dst,
                    const StridedWalk &walk, int64_t total,
                    cudaStream_t stream) {
  if (fitsIn32Bits(walk, total))
    GC_CUDA_LAUNCH((gatherKernel<Word, uint32_t>), gridFor(total), kBlockSize,
                   0, stream)(static_cast<const Word *>(src),
                              static_cast<Word *>(dst), walk, total);
  else
    GC_CUDA_LAUNCH((gatherKernel<Word, int64_t>), gridFor(total), kBlockSize, 0,
                   stream)(static_cast<const Word *>(src),
                           static_cast<Word *>(dst), walk, total);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  return Status::ok();
}

/// Gathers the elements visited by `elementWalk` (strides in elements) from
/// `src` into the contiguous `dst`.
Status gatherStrided(const char *kernel, const void *src, void *dst,
                     const StridedWalk &elementWalk, size_t elementSize,
                     cudaStream_t stream) {
  for (int i = 0; i < elementWalk.rank; ++i)
    if (elementWalk.sizes[i] == 0)
      return Status::ok();
  if (elementSize == 0)
    return Status::ok();

  const size_t word = widestWord({elementSize, reinterpret_cast<uintptr_t>(src),
                                  reinterpret_cast<uintptr_t>(dst)});
  const int64_t wordsPerElement = static_cast<int64_t>(elementSize / word);
  StridedWalk wordWalk = elementWalk;
  for (int i = 0; i < wordWalk.rank; ++i)
    wordWalk.strides[i] *= wordsPerElement;
  wordWalk.sizes[wordWalk.rank] = wordsPerElement;
  wordWalk.strides[wordWalk.rank] = 1;
  ++wordWalk.rank;
  StridedWalk walk = simplify(wordWalk);

  int64_t total = 1;
  for (int i = 0; i < walk.rank; ++i)
    total *= walk.sizes[i];
  if (walk.rank == 0 || (walk.rank == 1 && walk.strides[0] == 1)) {
    GC_RT_CUDA_RETURN_IF_ERROR(
        kernel, cudaMemcpyAsync(dst, src, static_cast<size_t>(total) * word,
                                cudaMemcpyDeviceToDevice, stream));
    return Status::ok();
  }
  switch (word) {
  case 16:
    return launchGather<uint4>(kernel, src, dst, walk, total, stream);
  case 8:
    return launchGather<uint64_t>(kernel, src, dst, walk, total, stream);
  case 4:
    return launchGather<uint32_t>(kernel, src, dst, walk, total, stream);
  case 2:
    return launchGather<uint16_t>(kernel, src, dst, walk, total, stream);
  default:
    return launchGather<uint8_t>(kernel, src, dst, walk, total, stream);
  }
}

/// The row-major strides, in elements, of a tensor of the given shape.
void rowMajorStrides(Shape shape, int64_t *strides) {
  int64_t stride = 1;
  for (int i = shape.rank - 1; i >= 0; --i) {
    strides[i] = stride;
    stride *= shape[i];
  }
}

template <typename Word>
Status launchCopyRows(const char *kernel, const void *src, void *dst,
                      int64_t rows, int64_t rowWords, int64_t pitchWords,
                      cudaStream_t stream) {
  GC_CUDA_LAUNCH(copyRowsKernel<Word>, gridFor(rows * rowWords), kBlockSize, 0,
                 stream)(static_cast<const Word *>(src),
                         static_cast<Word *>(dst), rows, rowWords, pitchWords);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  return Status::ok();
}

/// Copies `rows` rows of rowBytes bytes from contiguous `src` to `dst`, the
/// rows of `dst` being pitchBytes apart.
Status copyRows(const char *kernel, const void *src, void *dst, int64_t rows,
                int64_t rowBytes, int64_t pitchBytes, cudaStream_t stream) {
  if (rows == 0 || rowBytes == 0)
    return Status::ok();
  if (rows == 1 || rowBytes == pitchBytes) {
    GC_RT_CUDA_RETURN_IF_ERROR(
        kernel, cudaMemcpyAsync(dst, src, static_cast<size_t>(rows * rowBytes),
                                cudaMemcpyDeviceToDevice, stream));
    return Status::ok();
  }
  const size_t word = widestWord(
      {static_cast<uintptr_t>(rowBytes), static_cast<uintptr_t>(pitchBytes),
       reinterpret_cast<uintptr_t>(src), reinterpret_cast<uintptr_t>(dst)});
  const int64_t rowWords = rowBytes / static_cast<int64_t>(word);
  const int64_t pitchWords = pitchBytes / static_cast<int64_t>(word);
  switch (word) {
  case 16:
    return launchCopyRows<uint4>(kernel, src, dst, rows, rowWords, pitchWords,
                                 stream);
  case 8:
    return launchCopyRows<uint64_t>(kernel, src, dst, rows, rowWords,
                                    pitchWords, stream);
  case 4:
    return launchCopyRows<uint32_t>(kernel, src, dst, rows, rowWords,
                                    pitchWords, stream);
  case 2:
    return launchCopyRows<uint16_t>(kernel, src, dst, rows, rowWords,
                                    pitchWords, stream);
  default:
    return launchCopyRows<uint8_t>(kernel, src, dst, rows, rowWords, pitchWords,
                                   stream);
  }
}

} // namespace

Status gc::rt::cuda::broadcast(const void *input, void *result,
                               Shape inputShape, Shape resultShape,
                               DimList dims, size_t elementSize,
                               cudaStream_t stream) {
  const char *kernel = "broadcast";
  if (resultShape.rank > kMaxRank || inputShape.rank > resultShape.rank ||
      inputShape.rank != dims.rank)
    return invalidArgument(kernel, "rank above kMaxRank or dims mismatch");
  int64_t inputStrides[kMaxRank];
  rowMajorStrides(inputShape, inputStrides);
  StridedWalk walk;
  walk.rank = resultShape.rank;
  for (int i = 0; i < resultShape.rank; ++i) {
    walk.sizes[i] = resultShape[i];
    walk.strides[i] = 0;
  }
  for (int i = 0; i < inputShape.rank; ++i) {
    const int target = static_cast<int>(dims[i]);
    assert(target >= 0 && target < resultShape.rank);
    assert(inputShape[i] == 1 || inputShape[i] == resultShape[target]);
    if (inputShape[i] != 1)
      walk.strides[target] = inputStrides[i];
  }
  return gatherStrided(kernel, input, result, walk, elementSize, stream);
}

Status gc::rt::cuda::transpose(const void *input, void *result,
                               Shape inputShape, DimList perm,
                               size_t elementSize, cudaStream_t stream) {
  const char *kernel = "transpose";
  if (inputShape.rank > kMaxRank || inputShape.rank != perm.rank)
    return invalidArgument(kernel, "rank above kMaxRank or perm mismatch");
  int64_t inputStrides[kMaxRank];
  rowMajorStrides(inputShape, inputStrides);
  StridedWalk walk;
  walk.rank = inputShape.rank;
  for (int i = 0; i < inputShape.rank; ++i) {
    const int source = static_cast<int>(perm[i]);
    assert(source >= 0 && source < inputShape.rank);
    walk.sizes[i] = inputShape[source];
    walk.strides[i] = inputStrides[source];
  }
  return gatherStrided(kernel, input, result, walk, elementSize, stream);
}

Status gc::rt::cuda::slice(const void *input, void *result, Shape inputShape,
                           Shape resultShape, DimList offsets,
                           size_t elementSize, cudaStream_t stream) {
  const char *kernel = "slice";
  if (inputShape.rank > kMaxRank || inputShape.rank != resultShape.rank ||
      inputShape.rank != offsets.rank)
    return invalidArgument(kernel, "rank above kMaxRank or ranks mismatch");
  int64_t inputStrides[kMaxRank];
  rowMajorStrides(inputShape, inputStrides);
  StridedWalk walk;
  walk.rank = inputShape.rank;
  int64_t start = 0;
  for (int i = 0; i < inputShape.rank; ++i) {
    assert(offsets[i] >= 0 && offsets[i] + resultShape[i] <= inputShape[i]);
    start += offsets[i] * inputStrides[i];
    walk.sizes[i] = resultShape[i];
    walk.strides[i] = inputStrides[i];
  }
  for (int i = 0; i < walk.rank; ++i)
    if (walk.sizes[i] == 0)
      return Status::ok();
  return gatherStrided(kernel,
                       static_cast<const char *>(input) +
                           start * static_cast<int64_t>(elementSize),
                       result, walk, elementSize, stream);
}

Status gc::rt::cuda::concat(const void *const *inputs, void *result,
                            int numInputs, const int64_t *inputDimSizes,
                            Shape resultShape, int64_t dim, size_t elementSize,
                            cudaStream_t stream) {
  const char *kernel = "concat";
  if (dim < 0 || dim >= resultShape.rank)
    return invalidArgument(kernel, "dimension out of range");
  // Viewed as [outer, resultShape[dim] * inner], the result is, row by row,
  // the rows of the inputs viewed as [outer, inputDimSizes[k] * inner] one
  // after the other.
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < dim; ++i)
    outer *= resultShape[i];
  for (int i = static_cast<int>(dim) + 1; i < resultShape.rank; ++i)
    inner *= resultShape[i];
  const int64_t innerBytes = inner * static_cast<int64_t>(elementSize);
  const int64_t pitchBytes = resultShape[dim] * innerBytes;
  int64_t columnBytes = 0;
  for (int k = 0; k < numInputs; ++k) {
    const int64_t chunkBytes = inputDimSizes[k] * innerBytes;
    GC_RT_RETURN_IF_ERROR(copyRows(kernel, inputs[k],
                                   static_cast<char *>(result) + columnBytes,
                                   outer, chunkBytes, pitchBytes, stream));
    columnBytes += chunkBytes;
  }
  assert(columnBytes == pitchBytes && "concat sizes must add up");
  return Status::ok();
}
