//===- Workspace.h - Scratch memory of the CUDA kernels ---------*- C++ -*-===//
//
// Scratch memory that gc's CUDA kernels need: the cross-entropy loss's
// per-block partials and label count, and the partial sums of column sums.
// Sums over many rows of a [rows, cols] view (bias gradients, layer norm's
// dgamma and dbeta) run in two stages on CUDA: stage 1 gives each block
// kColumnChunkRows rows of 32 columns and writes one partial sum per
// (column, chunk) into a workspace; stage 2 adds each column's chunks with
// one warp. Both the split and the order of the additions are functions of
// the shape only, and no float atomics are used, so the sums are the same
// on every run and for every grid. A single stage cannot do this with
// enough blocks: one thread per column leaves most of a GPU idle for the
// 1024 columns of a BERT-large bias.
//
// The workspace is part of the step's arena: gc-plan-memory asks these
// functions (header-only, no CUDA types, shared with the compiler) for each
// op's bytes and plans a buffer that lives during the op alone. Their
// `elementBytes` is the size of the type the kernel sums in: the element's
// own, or 4 (float) for bf16 and f16 elements.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_CUDA_WORKSPACE_H
#define GC_RT_CUDA_WORKSPACE_H

#include <cstdint>

namespace gc::rt::cuda {

/// Rows per chunk of stage 1; a view of at most this many rows is summed in
/// one stage (one thread per column) and needs no workspace.
constexpr int64_t kColumnChunkRows = 128;

/// Chunks of a two-stage column sum over `rows` rows.
constexpr int64_t columnChunks(int64_t rows) {
  return (rows + kColumnChunkRows - 1) / kColumnChunkRows;
}

/// Whether `sums` column sums over a [rows, cols] view of `elementBytes`
/// elements run in two stages, and their workspace in bytes (0: one stage;
/// -1: more than 2^63 bytes).
constexpr int64_t columnSumWorkspaceBytes(int64_t rows, int64_t cols,
                                          int64_t elementBytes, int64_t sums) {
  if (rows <= kColumnChunkRows || cols <= 0)
    return 0;
  int64_t bytes = columnChunks(rows);
  for (int64_t factor : {cols, elementBytes, sums})
    if (__builtin_mul_overflow(bytes, factor, &bytes))
      return -1;
  return bytes;
}

/// The [rows, cols] view of a reduction of `shape` over the sorted `dims`
/// when it sums leading dimensions into the trailing ones (dimensions of
/// size 1 do not count): rows is the product of the reduced dimensions,
/// cols of the kept ones. {0, 0} when the reduction has another form.
struct ColumnView {
  int64_t rows = 0, cols = 0;
};
inline ColumnView columnViewOf(const int64_t *shape, int rank,
                               const int64_t *dims, int numDims) {
  ColumnView view{1, 1};
  bool keptSeen = false;
  for (int i = 0, d = 0; i < rank; ++i) {
    const bool reduced = d < numDims && dims[d] == i;
    if (reduced)
      ++d;
    if (shape[i] == 1)
      continue;
    if (reduced && keptSeen)
      return {};
    if (__builtin_mul_overflow(reduced ? view.rows : view.cols, shape[i],
                               reduced ? &view.rows : &view.cols))
      return {};
    keptSeen |= !reduced;
  }
  if (!keptSeen)
    return {};
  return view;
}

/// Workspace bytes of reduce (sum or mean; a maximum never needs one) of
/// `shape` over `dims`.
inline int64_t reduceWorkspaceBytes(const int64_t *shape, int rank,
                                    const int64_t *dims, int numDims,
                                    int64_t elementBytes) {
  const ColumnView view = columnViewOf(shape, rank, dims, numDims);
  return columnSumWorkspaceBytes(view.rows, view.cols, elementBytes, 1);
}

/// Workspace bytes of layerNormGrad over [rows, cols] (dgamma and dbeta).
constexpr int64_t layerNormGradWorkspaceBytes(int64_t rows, int64_t cols,
                                              int64_t elementBytes) {
  return columnSumWorkspaceBytes(rows, cols, elementBytes, 2);
}

/// attentionGrad's per-row D = grad . output, one element per query row of
/// every (batch, head).
constexpr int64_t attentionGradWorkspaceBytes(int64_t rows,
                                              int64_t elementBytes) {
  int64_t bytes = 0;
  return __builtin_mul_overflow(rows, elementBytes, &bytes) ? -1 : bytes;
}

/// embeddingGrad of a vocabulary of at most this many rows (BERT's token
/// types) over more than kColumnChunkRows ids is `vocab` column sums over
/// the ids, in two stages, after a check of the ids that writes a flag into
/// the workspace's first kEmbeddingGradFlagBytes.
constexpr int64_t kColumnSumVocabulary = 2;
constexpr int64_t kEmbeddingGradFlagBytes = 256;
constexpr int64_t embeddingGradWorkspaceBytes(int64_t vocab, int64_t dim,
                                              int64_t numIds,
                                              int64_t elementBytes) {
  if (vocab < 1 || vocab > kColumnSumVocabulary)
    return 0;
  int64_t bytes = columnSumWorkspaceBytes(numIds, dim, elementBytes, vocab);
  if (bytes <= 0)
    return bytes;
  return __builtin_add_overflow(bytes, kEmbeddingGradFlagBytes, &bytes) ? -1
                                                                        : bytes;
}

/// crossEntropy's per-block partials of the loss (sum, row count, an
/// invalid-label flag: at most 32 bytes each), one per block of its grid.
constexpr int64_t kCrossEntropyPartials = 1024;
constexpr int64_t kCrossEntropyPartialBytes = 32;
constexpr int64_t crossEntropyWorkspaceBytes() {
  return kCrossEntropyPartials * kCrossEntropyPartialBytes;
}

/// crossEntropyGrad's count of the rows whose label is not ignored and its
/// invalid-label flag.
constexpr int64_t kCrossEntropyGradWorkspaceBytes = 16;
constexpr int64_t crossEntropyGradWorkspaceBytes() {
  return kCrossEntropyGradWorkspaceBytes;
}

} // namespace gc::rt::cuda

#endif // GC_RT_CUDA_WORKSPACE_H
