//===- Parallel.cpp - The CPU kernels' deterministic thread pool ----------===//
//
// A fixed set of worker threads that run the tasks of one parallelFor at a
// time. The caller publishes a Job (on its own stack) and takes tasks from
// it like any worker; tasks are claimed with an atomic counter. Workers that
// find nothing to do spin for a short while (consecutive kernels of a step
// follow each other within microseconds) and then sleep on a condition
// variable. The caller returns once every task has finished and every worker
// has left the job, so the job never outlives its stack frame.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Parallel.h"

#include <sched.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

// OpenBLAS's thread control, when the BLAS is OpenBLAS (weak: another BLAS
// simply lacks it).
extern "C" void openblas_set_num_threads(int) __attribute__((weak));

using namespace gc::rt::cpu;

namespace {

/// Busy-wait iterations before a waiting thread yields or sleeps.
constexpr int kSpinIterations = 4000;

inline void pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/// One parallelFor: its tasks and the counters the threads share.
struct Job {
  TaskFunction function;
  void *context;
  int64_t numTasks;
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> finished{0};
  std::atomic<int> activeWorkers{0};
};

/// Set while a thread runs tasks: a nested parallelFor runs serially.
thread_local bool insideTask = false;

void runTasks(Job &job) {
  insideTask = true;
  int64_t done = 0;
  for (int64_t task = job.next.fetch_add(1, std::memory_order_relaxed);
       task < job.numTasks;
       task = job.next.fetch_add(1, std::memory_order_relaxed)) {
    job.function(job.context, task);
    ++done;
  }
  if (done)
    job.finished.fetch_add(done, std::memory_order_release);
  insideTask = false;
}

class ThreadPool {
public:
  static ThreadPool &get() {
    static ThreadPool pool;
    return pool;
  }

  ~ThreadPool() { stopWorkers(); }

  int numThreads() {
    std::lock_guard<std::mutex> lock(configMutex);
    ensureStarted();
    return threads;
  }

  void setNumThreads(int count) {
    std::lock_guard<std::mutex> callerLock(callerMutex);
    std::lock_guard<std::mutex> lock(configMutex);
    if (count <= 0)
      count = getDefaultNumThreads();
    if (started && count == threads)
      return;
    stopWorkers();
    startWorkers(count);
  }

  void run(int64_t numTasks, void *context, TaskFunction function) {
    if (numTasks <= 0)
      return;
    {
      std::lock_guard<std::mutex> lock(configMutex);
      ensureStarted();
    }
    std::unique_lock<std::mutex> callerLock(callerMutex, std::defer_lock);
    if (numTasks == 1 || insideTask || !callerLock.try_lock() || threads == 1) {
      for (int64_t task = 0; task < numTasks; ++task)
        function(context, task);
      return;
    }
    Job job;
    job.function = function;
    job.context = context;
    job.numTasks = numTasks;
    {
      std::lock_guard<std::mutex> lock(mutex);
      current = &job;
      generation.fetch_add(1, std::memory_order_release);
    }
    wake.notify_all();
    runTasks(job);
    waitUntil([&] {
      return job.finished.load(std::memory_order_acquire) == numTasks;
    });
    {
      std::lock_guard<std::mutex> lock(mutex);
      current = nullptr;
    }
    waitUntil(
        [&] { return job.activeWorkers.load(std::memory_order_acquire) == 0; });
  }

private:
  template <typename Predicate> static void waitUntil(Predicate ready) {
    for (int i = 0; !ready(); ++i) {
      if (i < kSpinIterations)
        pause();
      else
        std::this_thread::yield();
    }
  }

  void ensureStarted() {
    if (!started)
      startWorkers(getDefaultNumThreads());
  }

  void startWorkers(int count) {
    // gc cuts GEMMs into tasks itself; BLAS threads would oversubscribe.
    if (openblas_set_num_threads)
      openblas_set_num_threads(1);
    threads = count < 1 ? 1 : count;
    stopping = false;
    // Workers start from the current generation: a job or a stop published
    // before a new thread first runs is still seen as new.
    const uint64_t start = generation.load(std::memory_order_acquire);
    for (int i = 1; i < threads; ++i)
      workers.emplace_back([this, start] { workerLoop(start); });
    started = true;
  }

  void stopWorkers() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping = true;
      generation.fetch_add(1, std::memory_order_release);
    }
    wake.notify_all();
    for (std::thread &worker : workers)
      worker.join();
    workers.clear();
    started = false;
  }

  void workerLoop(uint64_t seen) {
    for (;;) {
      for (int i = 0; i < kSpinIterations &&
                      generation.load(std::memory_order_acquire) == seen;
           ++i)
        pause();
      Job *job = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait(lock, [&] {
          return stopping || generation.load(std::memory_order_relaxed) != seen;
        });
        if (stopping)
          return;
        seen = generation.load(std::memory_order_relaxed);
        job = current;
        if (job)
          job->activeWorkers.fetch_add(1, std::memory_order_relaxed);
      }
      if (!job)
        continue;
      runTasks(*job);
      job->activeWorkers.fetch_sub(1, std::memory_order_release);
    }
  }

  std::mutex configMutex; // Guards starting and resizing.
  std::mutex callerMutex; // Held by the one caller whose job is running.
  std::mutex mutex;       // Guards current, stopping and sleeping workers.
  std::condition_variable wake;
  std::atomic<uint64_t> generation{0};
  Job *current = nullptr;
  bool stopping = false;
  bool started = false;
  int threads = 1;
  std::vector<std::thread> workers;
};

} // namespace

int gc::rt::cpu::getDefaultNumThreads() {
  if (const char *value = std::getenv("GC_NUM_THREADS")) {
    char *end = nullptr;
    long count = std::strtol(value, &end, 10);
    if (end != value && *end == '\0' && count > 0 && count <= 4096)
      return static_cast<int>(count);
    static std::once_flag warned;
    std::call_once(warned, [value] {
      std::fprintf(stderr,
                   "gc runtime: warning: GC_NUM_THREADS='%s' is not a thread "
                   "count in [1, 4096]; using every available core\n",
                   value);
    });
  }
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return CPU_COUNT(&set);
  unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

void gc::rt::cpu::setNumThreads(int numThreads) {
  ThreadPool::get().setNumThreads(numThreads);
}

int gc::rt::cpu::getNumThreads() { return ThreadPool::get().numThreads(); }

void gc::rt::cpu::parallelFor(int64_t numTasks, void *context,
                              TaskFunction task) {
  ThreadPool::get().run(numTasks, context, task);
}
