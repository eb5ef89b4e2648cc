//===- Scheduler.cpp - Blocks and threads of an emulated kernel launch ----===//
//
// Runs a kernel launch on the calling OS thread: the grid's blocks one after
// another, and the threads of a block as cooperatively scheduled fibers that
// switch only where CUDA threads synchronize (__syncthreads, __syncwarp, warp
// shuffles and votes). Any order in which a GPU may interleave the threads
// of a block between two barriers is a valid execution, so running each
// thread to its next barrier is faithful for race-free kernels.
//
// Fibers are workers, not threads: a worker runs thread after thread of the
// block until one of them waits at a barrier; the waiting thread keeps the
// worker (its stack holds the thread's frames) and a fresh worker starts the
// next thread. A kernel without barriers therefore runs its whole block on
// one fiber with no switch at all; a kernel with barriers parks one worker
// per thread. Once every thread has started, waiting groups are released
// when complete: a warp when every lane of the operation's mask waits at the
// same warp operation, the block when every thread waits at __syncthreads
// or has exited. A block where nothing can be released is a deadlock on a
// GPU (a hang); here it fails the launch with a message naming a waiting
// thread, and the block's fibers are discarded.
//
// Fibers run on mmap'ed stacks with a guard page (switching in Context.h);
// under AddressSanitizer every switch is announced to it.
//
//===----------------------------------------------------------------------===//

#include "Context.h"
#include "Internal.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define GC_CUDA_EMU_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GC_CUDA_EMU_ASAN 1
#endif
#endif
#ifdef GC_CUDA_EMU_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

namespace gc_cuda_emu {

thread_local ThreadCoordinates current;

namespace {

/// Sanitizers need larger frames.
#ifdef GC_CUDA_EMU_ASAN
constexpr size_t kStackBytes = 1 << 20;
#else
constexpr size_t kStackBytes = 256 << 10;
#endif

enum class Waiting { Nothing, Block, Warp };

struct EmulatedThread {
  uint3 index;
  Waiting waiting = Waiting::Nothing;
  bool done = false;
  /// The warp operation's lane mask and the word the thread published.
  unsigned warpMask = 0;
  uint64_t word = 0;
  struct Fiber *fiber = nullptr;
};

struct Fiber {
  FiberContext context;
  char *stack = nullptr;
  /// The thread being run, or -1 between threads.
  int thread = -1;
  /// False once the worker has no thread left to start.
  bool busy = false;
#ifdef GC_CUDA_EMU_ASAN
  void *fakeStack = nullptr;
#endif
};

/// One OS thread's launches: the block in flight and the fiber pool.
class Scheduler {
public:
  ~Scheduler();
  cudaError_t run(const char *kernelName, dim3 grid, dim3 block,
                  void (*body)(void *), void *bodyContext);

  void syncBlock();
  void syncWarp(unsigned mask, uint64_t value, uint64_t lanes[32]);
  unsigned laneId() const { return linearIndex(runningThread()) % 32; }

private:
  static void workerEntry();
  void workerLoop();

  Fiber *takeIdleFiber();
  void resetFiber(Fiber &fiber);
  /// Runs `fiber` until it parks or runs out of threads.
  void resume(Fiber &fiber);
  /// Suspends the running thread until the scheduler resumes it.
  void park();
  void enter(int thread);

  int runningThread() const { return running->thread; }
  unsigned linearIndex(int thread) const { return unsigned(thread); }
  int threadCount() const { return int(threads.size()); }

  /// Releases one complete waiting group; false when none is complete,
  /// with `failure` set when the block cannot go on.
  bool releaseOneGroup();
  std::string describe(int thread) const;

  std::vector<std::unique_ptr<Fiber>> fibers;
  std::vector<Fiber *> idle;
  std::vector<EmulatedThread> threads;
  /// The published words of each warp's last released operation.
  std::vector<std::array<uint64_t, 32>> released;
  int nextThread = 0, doneThreads = 0;
  void (*body)(void *) = nullptr;
  void *bodyContext = nullptr;
  Fiber *running = nullptr;
  FiberContext schedulerContext;
  std::string failure;
  const char *kernelName = "";
#ifdef GC_CUDA_EMU_ASAN
  const void *schedulerStackBottom = nullptr;
  size_t schedulerStackSize = 0;
  void *schedulerFakeStack = nullptr;
#endif
};

thread_local Scheduler scheduler;

Scheduler::~Scheduler() {
  for (auto &fiber : fibers)
    munmap(fiber->stack, kStackBytes + sysconf(_SC_PAGESIZE));
}

void Scheduler::resetFiber(Fiber &fiber) {
  if (!fiber.stack) {
    const size_t page = sysconf(_SC_PAGESIZE);
    void *memory = mmap(nullptr, kStackBytes + page, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (memory == MAP_FAILED) {
      std::fprintf(stderr, "gc CUDA emulator: cannot map a fiber stack\n");
      std::abort();
    }
    // The lowest page traps a stack overflow instead of corrupting memory.
    mprotect(memory, page, PROT_NONE);
    fiber.stack = static_cast<char *>(memory);
  }
  const size_t page = sysconf(_SC_PAGESIZE);
  initializeContext(fiber.context, fiber.stack + page, kStackBytes,
                    &Scheduler::workerEntry);
  fiber.thread = -1;
  fiber.busy = false;
}

Fiber *Scheduler::takeIdleFiber() {
  if (!idle.empty()) {
    Fiber *fiber = idle.back();
    idle.pop_back();
    return fiber;
  }
  fibers.push_back(std::make_unique<Fiber>());
  resetFiber(*fibers.back());
  return fibers.back().get();
}

void Scheduler::workerEntry() {
#ifdef GC_CUDA_EMU_ASAN
  __sanitizer_finish_switch_fiber(nullptr, &scheduler.schedulerStackBottom,
                                  &scheduler.schedulerStackSize);
#endif
  scheduler.workerLoop();
}

void Scheduler::enter(int thread) {
  running->thread = thread;
  current.thread = threads[thread].index;
}

void Scheduler::workerLoop() {
  for (;;) {
    while (nextThread < threadCount()) {
      const int thread = nextThread++;
      threads[thread].fiber = running;
      enter(thread);
      body(bodyContext);
      threads[thread].done = true;
      ++doneThreads;
    }
    running->busy = false;
    running->thread = -1;
    park();
  }
}

void Scheduler::resume(Fiber &fiber) {
  running = &fiber;
  fiber.busy = true;
  if (fiber.thread >= 0)
    current.thread = threads[fiber.thread].index;
#ifdef GC_CUDA_EMU_ASAN
  __sanitizer_start_switch_fiber(
      &schedulerFakeStack, fiber.stack + sysconf(_SC_PAGESIZE), kStackBytes);
#endif
  switchContext(schedulerContext, fiber.context);
#ifdef GC_CUDA_EMU_ASAN
  __sanitizer_finish_switch_fiber(schedulerFakeStack, nullptr, nullptr);
#endif
  running = nullptr;
  if (!fiber.busy)
    idle.push_back(&fiber);
}

void Scheduler::park() {
  Fiber *self = running;
#ifdef GC_CUDA_EMU_ASAN
  __sanitizer_start_switch_fiber(&self->fakeStack, schedulerStackBottom,
                                 schedulerStackSize);
#endif
  switchContext(self->context, schedulerContext);
#ifdef GC_CUDA_EMU_ASAN
  __sanitizer_finish_switch_fiber(self->fakeStack, &schedulerStackBottom,
                                  &schedulerStackSize);
#endif
}

void Scheduler::syncBlock() {
  if (!running) {
    std::fprintf(stderr, "gc CUDA emulator: __syncthreads outside a kernel\n");
    std::abort();
  }
  threads[runningThread()].waiting = Waiting::Block;
  park();
}

void Scheduler::syncWarp(unsigned mask, uint64_t value, uint64_t lanes[32]) {
  if (!running) {
    std::fprintf(stderr, "gc CUDA emulator: a warp operation outside a "
                         "kernel\n");
    std::abort();
  }
  const int thread = runningThread();
  EmulatedThread &self = threads[thread];
  self.waiting = Waiting::Warp;
  self.warpMask = mask;
  self.word = value;
  park();
  const auto &words = released[linearIndex(thread) / 32];
  std::copy(words.begin(), words.end(), lanes);
}

std::string Scheduler::describe(int thread) const {
  const uint3 t = threads[thread].index;
  const uint3 b = current.block;
  return std::string("kernel ") + kernelName + ", block (" +
         std::to_string(b.x) + "," + std::to_string(b.y) + "," +
         std::to_string(b.z) + "), thread (" + std::to_string(t.x) + "," +
         std::to_string(t.y) + "," + std::to_string(t.z) + ")";
}

bool Scheduler::releaseOneGroup() {
  const int count = threadCount();
  // Warps whose every masked lane waits at a warp operation.
  for (int warpBase = 0; warpBase < count; warpBase += 32) {
    const int warpEnd = std::min(count, warpBase + 32);
    int first = -1;
    for (int t = warpBase; t < warpEnd; ++t)
      if (threads[t].waiting == Waiting::Warp) {
        first = t;
        break;
      }
    if (first < 0)
      continue;
    const unsigned mask = threads[first].warpMask;
    bool complete = true;
    for (int t = warpBase; t < warpEnd && complete; ++t) {
      if (!(mask >> (t - warpBase) & 1u))
        continue;
      const EmulatedThread &lane = threads[t];
      if (lane.done) {
        failure = describe(first) +
                  " waits at a warp operation whose mask "
                  "names lane " +
                  std::to_string(t - warpBase) + ", which has exited";
        return false;
      }
      if (lane.waiting == Waiting::Warp && lane.warpMask != mask) {
        failure = describe(t) + " and " + describe(first) +
                  " wait at warp operations with different masks";
        return false;
      }
      complete = lane.waiting == Waiting::Warp;
    }
    if (!(mask >> (first - warpBase) & 1u)) {
      failure = describe(first) + " calls a warp operation whose mask does "
                                  "not name its own lane";
      return false;
    }
    if (!complete)
      continue;
    auto &words = released[warpBase / 32];
    words.fill(0);
    std::vector<int> lanes;
    for (int t = warpBase; t < warpEnd; ++t)
      if (mask >> (t - warpBase) & 1u) {
        words[t - warpBase] = threads[t].word;
        threads[t].waiting = Waiting::Nothing;
        lanes.push_back(t);
      }
    for (int t : lanes)
      resume(*threads[t].fiber);
    return true;
  }
  // The block barrier: every thread waits there or has exited.
  int waitingAtBlock = 0;
  for (const EmulatedThread &thread : threads) {
    if (thread.waiting == Waiting::Block)
      ++waitingAtBlock;
    else if (!thread.done)
      waitingAtBlock = -count;
  }
  if (waitingAtBlock <= 0) {
    for (int t = 0; t < count; ++t)
      if (threads[t].waiting != Waiting::Nothing) {
        failure = "deadlock: " + describe(t) + " waits at " +
                  (threads[t].waiting == Waiting::Block ? "__syncthreads"
                                                        : "a warp operation") +
                  " that the other threads of its " +
                  (threads[t].waiting == Waiting::Block ? "block" : "warp") +
                  " never reach";
        break;
      }
    return false;
  }
  std::vector<int> waiting;
  for (int t = 0; t < count; ++t)
    if (threads[t].waiting == Waiting::Block) {
      threads[t].waiting = Waiting::Nothing;
      waiting.push_back(t);
    }
  for (int t : waiting)
    resume(*threads[t].fiber);
  return true;
}

cudaError_t Scheduler::run(const char *name, dim3 grid, dim3 block,
                           void (*kernelBody)(void *), void *context) {
  if (running) {
    std::fprintf(stderr, "gc CUDA emulator: a kernel launched from device "
                         "code (dynamic parallelism is not emulated)\n");
    std::abort();
  }
  kernelName = name;
  body = kernelBody;
  bodyContext = context;
  const ThreadCoordinates saved = current;
  current.gridSize = grid;
  current.blockSize = block;
  const int count = int(block.x * block.y * block.z);
  threads.assign(count, EmulatedThread());
  for (int t = 0; t < count; ++t)
    threads[t].index =
        uint3{unsigned(t) % block.x, unsigned(t) / block.x % block.y,
              unsigned(t) / (block.x * block.y)};
  released.assign((count + 31) / 32, {});
  failure.clear();
  for (unsigned z = 0; z < grid.z && failure.empty(); ++z)
    for (unsigned y = 0; y < grid.y && failure.empty(); ++y)
      for (unsigned x = 0; x < grid.x && failure.empty(); ++x) {
        current.block = uint3{x, y, z};
        for (EmulatedThread &thread : threads) {
          thread.waiting = Waiting::Nothing;
          thread.done = false;
          thread.fiber = nullptr;
        }
        nextThread = 0;
        doneThreads = 0;
        while (doneThreads < count) {
          if (nextThread < count) {
            resume(*takeIdleFiber());
            continue;
          }
          if (!releaseOneGroup())
            break;
        }
        if (doneThreads < count && failure.empty())
          failure = describe(0) + ": the block stopped with threads left";
      }
  if (!failure.empty()) {
    // The parked threads' frames are abandoned with their stacks.
    idle.clear();
    for (auto &fiber : fibers) {
      resetFiber(*fiber);
      idle.push_back(fiber.get());
    }
  }
  current = saved;
  if (!failure.empty()) {
    recordFailure(failure);
    return cudaErrorLaunchFailure;
  }
  return cudaSuccess;
}

} // namespace

void syncBlock() { scheduler.syncBlock(); }

void syncWarp(unsigned mask, uint64_t value, uint64_t lanes[32]) {
  scheduler.syncWarp(mask, value, lanes);
}

unsigned laneId() { return scheduler.laneId(); }

cudaError_t runGrid(const char *kernelName, dim3 grid, dim3 block,
                    void (*body)(void *), void *bodyContext) {
  return scheduler.run(kernelName, grid, block, body, bodyContext);
}

} // namespace gc_cuda_emu
