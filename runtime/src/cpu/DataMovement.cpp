//===- DataMovement.cpp - broadcast, transpose, slice, concat -------------===//
//
// The data-movement ops of the gc dialect, on elements of any size. Broadcast,
// transpose and slice are all the same operation: the result is written in
// row-major order while the operand is read through one stride per result
// dimension (0 for a repeated dimension, a permuted stride for a transpose,
// the operand's own strides from an offset for a slice). One strided-gather
// routine serves the three; it first simplifies the iteration space (drops
// unit dimensions, merges dimensions that the operand also walks
// contiguously) so that contiguous runs become single memcpy calls.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"

#include <cassert>
#include <cstring>

using namespace gc::rt::cpu;

namespace {

/// A result-ordered walk over an operand: result dimension i has
/// sizes[i] elements, and stepping along it moves the operand pointer by
/// strides[i] bytes.
struct StridedWalk {
  int rank = 0;
  int64_t sizes[kMaxRank];
  int64_t strides[kMaxRank];
};

/// The row-major strides, in elements, of a tensor of the given shape.
void rowMajorStrides(Shape shape, int64_t *strides) {
  int64_t stride = 1;
  for (int i = shape.rank - 1; i >= 0; --i) {
    strides[i] = stride;
    stride *= shape[i];
  }
}

/// Drops size-1 dimensions and merges dimension i into i + 1 when walking
/// them one after the other is a single walk (strides[i] == strides[i + 1] *
/// sizes[i + 1]); this also merges runs of repeated (stride-0) dimensions.
StridedWalk simplify(const StridedWalk &walk) {
  StridedWalk simple;
  for (int i = 0; i < walk.rank; ++i) {
    if (walk.sizes[i] == 1)
      continue;
    simple.sizes[simple.rank] = walk.sizes[i];
    simple.strides[simple.rank] = walk.strides[i];
    ++simple.rank;
  }
  if (simple.rank == 0)
    return simple;
  StridedWalk merged;
  merged.rank = 1;
  merged.sizes[0] = simple.sizes[0];
  merged.strides[0] = simple.strides[0];
  for (int i = 1; i < simple.rank; ++i) {
    int last = merged.rank - 1;
    if (merged.strides[last] == simple.strides[i] * simple.sizes[i]) {
      merged.sizes[last] *= simple.sizes[i];
      merged.strides[last] = simple.strides[i];
      continue;
    }
    merged.sizes[merged.rank] = simple.sizes[i];
    merged.strides[merged.rank] = simple.strides[i];
    ++merged.rank;
  }
  return merged;
}

/// Copies `count` elements of Size bytes read `stride` bytes apart.
template <size_t Size>
void gatherRow(const char *src, char *dst, int64_t count, int64_t stride) {
  for (int64_t i = 0; i < count; ++i)
    std::memcpy(dst + i * Size, src + i * stride, Size);
}

void gatherRowAnySize(const char *src, char *dst, int64_t count, int64_t stride,
                      size_t size) {
  for (int64_t i = 0; i < count; ++i)
    std::memcpy(dst + i * size, src + i * stride, size);
}

/// Writes the elements visited by `walk` from `src`, in row-major order of
/// the walk, contiguously to `dst`.
void gatherStrided(const char *src, char *dst, const StridedWalk &fullWalk,
                   size_t elementSize) {
  for (int i = 0; i < fullWalk.rank; ++i)
    if (fullWalk.sizes[i] == 0)
      return;
  StridedWalk walk = simplify(fullWalk);
  if (walk.rank == 0) {
    std::memcpy(dst, src, elementSize);
    return;
  }

  const int inner = walk.rank - 1;
  const int64_t rowLength = walk.sizes[inner];
  const int64_t rowStride = walk.strides[inner];
  const size_t rowBytes = static_cast<size_t>(rowLength) * elementSize;
  auto copyRow = [&](const char *from, char *to) {
    if (rowStride == static_cast<int64_t>(elementSize)) {
      std::memcpy(to, from, rowBytes);
      return;
    }
    switch (elementSize) {
    case 1:
      return gatherRow<1>(from, to, rowLength, rowStride);
    case 2:
      return gatherRow<2>(from, to, rowLength, rowStride);
    case 4:
      return gatherRow<4>(from, to, rowLength, rowStride);
    case 8:
      return gatherRow<8>(from, to, rowLength, rowStride);
    default:
      return gatherRowAnySize(from, to, rowLength, rowStride, elementSize);
    }
  };

  // Odometer over the outer dimensions, moving the source offset
  // incrementally.
  int64_t index[kMaxRank] = {};
  const char *from = src;
  for (;;) {
    copyRow(from, dst);
    dst += rowBytes;
    int d = inner - 1;
    for (; d >= 0; --d) {
      if (++index[d] < walk.sizes[d]) {
        from += walk.strides[d];
        break;
      }
      from -= (walk.sizes[d] - 1) * walk.strides[d];
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}

} // namespace

void gc::rt::cpu::broadcast(const void *input, void *result, Shape inputShape,
                            Shape resultShape, DimList dims,
                            size_t elementSize) {
  assert(inputShape.rank == dims.rank && resultShape.rank <= kMaxRank);
  int64_t inputStrides[kMaxRank];
  rowMajorStrides(inputShape, inputStrides);
  StridedWalk walk;
  walk.rank = resultShape.rank;
  for (int i = 0; i < resultShape.rank; ++i) {
    walk.sizes[i] = resultShape[i];
    walk.strides[i] = 0;
  }
  for (int i = 0; i < inputShape.rank; ++i) {
    int target = static_cast<int>(dims[i]);
    assert(target >= 0 && target < resultShape.rank);
    assert(inputShape[i] == 1 || inputShape[i] == resultShape[target]);
    if (inputShape[i] != 1)
      walk.strides[target] =
          inputStrides[i] * static_cast<int64_t>(elementSize);
  }
  gatherStrided(static_cast<const char *>(input), static_cast<char *>(result),
                walk, elementSize);
}

void gc::rt::cpu::transpose(const void *input, void *result, Shape inputShape,
                            DimList perm, size_t elementSize) {
  assert(inputShape.rank == perm.rank && inputShape.rank <= kMaxRank);
  int64_t inputStrides[kMaxRank];
  rowMajorStrides(inputShape, inputStrides);
  StridedWalk walk;
  walk.rank = inputShape.rank;
  for (int i = 0; i < inputShape.rank; ++i) {
    int source = static_cast<int>(perm[i]);
    assert(source >= 0 && source < inputShape.rank);
    walk.sizes[i] = inputShape[source];
    walk.strides[i] = inputStrides[source] * static_cast<int64_t>(elementSize);
  }
  gatherStrided(static_cast<const char *>(input), static_cast<char *>(result),
                walk, elementSize);
}

void gc::rt::cpu::slice(const void *input, void *result, Shape inputShape,
                        Shape resultShape, DimList offsets,
                        size_t elementSize) {
  assert(inputShape.rank == resultShape.rank &&
         inputShape.rank == offsets.rank && inputShape.rank <= kMaxRank);
  int64_t inputStrides[kMaxRank];
  rowMajorStrides(inputShape, inputStrides);
  StridedWalk walk;
  walk.rank = inputShape.rank;
  int64_t start = 0;
  for (int i = 0; i < inputShape.rank; ++i) {
    assert(offsets[i] >= 0 && offsets[i] + resultShape[i] <= inputShape[i]);
    start += offsets[i] * inputStrides[i];
    walk.sizes[i] = resultShape[i];
    walk.strides[i] = inputStrides[i] * static_cast<int64_t>(elementSize);
  }
  gatherStrided(static_cast<const char *>(input) +
                    start * static_cast<int64_t>(elementSize),
                static_cast<char *>(result), walk, elementSize);
}

void gc::rt::cpu::concat(const void *const *inputs, void *result, int numInputs,
                         const int64_t *inputDimSizes, Shape resultShape,
                         int64_t dim, size_t elementSize) {
  assert(dim >= 0 && dim < resultShape.rank);
  // Viewed as [outer, resultShape[dim] * inner], the result is, row by row,
  // the rows of the inputs viewed as [outer, inputDimSizes[k] * inner] one
  // after the other.
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < dim; ++i)
    outer *= resultShape[i];
  for (int i = static_cast<int>(dim) + 1; i < resultShape.rank; ++i)
    inner *= resultShape[i];
  const size_t innerBytes = static_cast<size_t>(inner) * elementSize;
  int64_t total = 0;
  for (int k = 0; k < numInputs; ++k)
    total += inputDimSizes[k];
  assert(total == resultShape[dim] && "concat sizes must add up");
  (void)total;

  char *to = static_cast<char *>(result);
  for (int64_t o = 0; o < outer; ++o) {
    for (int k = 0; k < numInputs; ++k) {
      size_t chunk = static_cast<size_t>(inputDimSizes[k]) * innerBytes;
      // An empty input may have no data at all (memcpy wants a pointer).
      if (chunk != 0)
        std::memcpy(to, static_cast<const char *>(inputs[k]) + o * chunk,
                    chunk);
      to += chunk;
    }
  }
}
