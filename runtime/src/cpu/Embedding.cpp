//===- Embedding.cpp - Embedding gather and its scatter-add gradient ------===//
//
// gc.embedding copies one table row per id; gc.embedding_grad zeroes a
// table-shaped gradient and adds each upstream row into the row its id
// names, in position order (repeated ids add up, deterministically). Ids
// are validated before anything is written, so an out-of-range id leaves
// the result untouched and reports the first offending id.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"
#include "gc_rt/cpu/Parallel.h"

#include <algorithm>
#include <cstring>
#include <string>

using namespace gc::rt;
using namespace gc::rt::cpu;

namespace {

template <typename Id>
Status checkIds(const char *opName, const Id *ids, int64_t numIds,
                int64_t vocabSize) {
  for (int64_t i = 0; i < numIds; ++i) {
    const auto id = static_cast<int64_t>(ids[i]);
    if (id >= 0 && id < vocabSize)
      continue;
    return Status::error(std::string(opName) + ": id " + std::to_string(id) +
                         " at flat position " + std::to_string(i) +
                         " is outside the table's [0, " +
                         std::to_string(vocabSize) + ")");
  }
  return Status::ok();
}

} // namespace

template <typename T, typename Id>
Status gc::rt::cpu::embedding(const T *table, const Id *ids, T *result,
                              int64_t vocabSize, int64_t embeddingDim,
                              int64_t numIds) {
  Status status = checkIds("embedding", ids, numIds, vocabSize);
  if (!status.isOk())
    return status;
  const size_t rowBytes = static_cast<size_t>(embeddingDim) * sizeof(T);
  for (int64_t i = 0; i < numIds; ++i)
    std::memcpy(result + i * embeddingDim,
                table + static_cast<int64_t>(ids[i]) * embeddingDim, rowBytes);
  return Status::ok();
}

template <typename T, typename Id>
Status gc::rt::cpu::embeddingGrad(const T *grad, const Id *ids, T *result,
                                  int64_t vocabSize, int64_t embeddingDim,
                                  int64_t numIds, int64_t paddingIdx) {
  Status status = checkIds("embedding_grad", ids, numIds, vocabSize);
  if (!status.isOk())
    return status;
  // Tasks own blocks of columns; within a task every position is added in
  // order, so the sums do not depend on the thread count.
  const int64_t blockWidth = 64;
  parallelForRange(embeddingDim, blockWidth, [&](int64_t first, int64_t last) {
    for (int64_t row = 0; row < vocabSize; ++row)
      std::fill(result + row * embeddingDim + first,
                result + row * embeddingDim + last, T(0));
    for (int64_t i = 0; i < numIds; ++i) {
      if (static_cast<int64_t>(ids[i]) == paddingIdx)
        continue;
      const T *from = grad + i * embeddingDim;
      T *to = result + static_cast<int64_t>(ids[i]) * embeddingDim;
      for (int64_t j = first; j < last; ++j)
        to[j] += from[j];
    }
  });
  return Status::ok();
}

#define GC_RT_INSTANTIATE(T, Id)                                               \
  template Status gc::rt::cpu::embedding<T, Id>(const T *, const Id *, T *,    \
                                                int64_t, int64_t, int64_t);    \
  template Status gc::rt::cpu::embeddingGrad<T, Id>(                           \
      const T *, const Id *, T *, int64_t, int64_t, int64_t, int64_t);
GC_RT_INSTANTIATE(float, int32_t)
GC_RT_INSTANTIATE(float, int64_t)
GC_RT_INSTANTIATE(double, int32_t)
GC_RT_INSTANTIATE(double, int64_t)
#undef GC_RT_INSTANTIATE
