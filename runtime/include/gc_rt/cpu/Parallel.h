//===- Parallel.h - The CPU kernels' deterministic thread pool --*- C++ -*-===//
//
// Every parallel CPU kernel, and every fused kernel of a compiled step, runs
// its work as a fixed list of tasks: the list depends only on the shapes,
// never on the number of threads, and each task writes its own outputs (a
// parallel reduction writes one partial per task and combines the partials
// in a fixed order afterwards). Which thread runs which task is therefore
// free, and a step gives bitwise the same results with 1 thread or 64
// (docs/numerics.md).
//
// parallelFor hands the tasks to a pool of worker threads plus the calling
// thread; workers take the next task index from a shared counter. A call
// made from inside a task, or while another thread is using the pool, runs
// its tasks serially on the calling thread (same results, no deadlock).
//
// The thread count is process-wide: setNumThreads, or the GC_NUM_THREADS
// environment variable read when the pool first starts, or by default every
// core the process may run on. OpenBLAS is switched to one thread when the
// pool starts: gc splits GEMMs into tasks itself, so BLAS threads would only
// oversubscribe the cores.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_CPU_PARALLEL_H
#define GC_RT_CPU_PARALLEL_H

#include <cstdint>
#include <type_traits>
#include <utility>

/// Marks an elementwise loop (a runtime kernel's or a generated fused
/// kernel's) for vectorization without run-time overlap checks. A result may
/// share memory with an operand only as the very same element (the kernels'
/// aliasing contract in Kernels.h; gc-lower-to-kernels' rule for fused
/// kernels, docs/code-generation.md), which a vectorized loop handles, and
/// the checks would send every in-place call to the scalar loop.
#if defined(__clang__)
#define GC_RT_VECTORIZE_LOOP _Pragma("clang loop vectorize(assume_safety)")
#else
#define GC_RT_VECTORIZE_LOOP
#endif

namespace gc::rt::cpu {

/// Sets how many threads (the caller included) run parallel kernels; 0 or
/// less restores the default (GC_NUM_THREADS, else every available core).
void setNumThreads(int numThreads);

/// The number of threads parallel kernels use.
int getNumThreads();

/// The default thread count: GC_NUM_THREADS when set to a positive number,
/// else the number of cores this process may run on.
int getDefaultNumThreads();

/// Runs task(context, t) once for every t in [0, numTasks), spread over the
/// pool; returns when all have finished.
using TaskFunction = void (*)(void *context, int64_t task);
void parallelFor(int64_t numTasks, void *context, TaskFunction task);

/// parallelFor with a callable `body(int64_t task)`.
template <typename Body> void parallelFor(int64_t numTasks, Body &&body) {
  using BodyType = std::remove_reference_t<Body>;
  parallelFor(numTasks, const_cast<void *>(static_cast<const void *>(&body)),
              [](void *context, int64_t task) {
                (*static_cast<BodyType *>(context))(task);
              });
}

/// Items (elements, or row elements) per task of the elementwise and
/// row-wise kernels: large enough that dispatch is negligible, small enough
/// to balance a few cores on BERT-sized tensors.
constexpr int64_t kItemsPerTask = 16384;

/// Rows of `rowLength` items per task: about kItemsPerTask items, at least
/// one row.
inline int64_t rowsPerTask(int64_t rowLength) {
  int64_t rows = kItemsPerTask / (rowLength > 0 ? rowLength : 1);
  return rows < 1 ? 1 : rows;
}

/// The number of tasks of `grain` items that cover `count` items: a
/// function of the shape only, as the determinism contract requires.
inline int64_t numTasksFor(int64_t count, int64_t grain) {
  return count <= 0 ? 0 : (count + grain - 1) / grain;
}

/// Runs body(begin, end) over [0, count) cut into tasks of `grain` items
/// (the last one shorter).
template <typename Body>
void parallelForRange(int64_t count, int64_t grain, Body &&body) {
  parallelFor(numTasksFor(count, grain), [&](int64_t task) {
    int64_t begin = task * grain;
    int64_t end = begin + grain < count ? begin + grain : count;
    body(begin, end);
  });
}

} // namespace gc::rt::cpu

#endif // GC_RT_CPU_PARALLEL_H
