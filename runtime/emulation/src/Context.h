//===- Context.h - Switching between fiber stacks ---------------*- C++ -*-===//
//
// Private to runtime/emulation/src. The scheduler runs a CUDA block's
// threads as fibers and switches between them at every barrier, millions of
// times per test; glibc's swapcontext makes a system call per switch (it
// saves the signal mask), so on x86-64 the switch is a few instructions of
// assembly that save what the System V ABI makes callee-saved (rbx, rbp,
// r12-r15, the MXCSR and x87 control words) and swap the stack pointer.
// Other architectures use ucontext.
//
//===----------------------------------------------------------------------===//

#ifndef GC_CUDA_EMU_SRC_CONTEXT_H
#define GC_CUDA_EMU_SRC_CONTEXT_H

#include <cstddef>

#if !defined(__x86_64__)
#include <ucontext.h>
#endif

namespace gc_cuda_emu {

struct FiberContext {
#if defined(__x86_64__)
  void *stackPointer = nullptr;
#else
  ucontext_t context;
#endif
};

/// Prepares `context` to start `entry` (which must never return) on the
/// stack [stack, stack + bytes) at its first switchContext.
void initializeContext(FiberContext &context, char *stack, size_t bytes,
                       void (*entry)());

/// Saves the running context into `from` and resumes `to`.
void switchContext(FiberContext &from, FiberContext &to);

} // namespace gc_cuda_emu

#endif // GC_CUDA_EMU_SRC_CONTEXT_H
