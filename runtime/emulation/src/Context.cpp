//===- Context.cpp - Switching between fiber stacks -----------------------===//
//
// See Context.h. On x86-64 a fiber's saved state is its stack pointer; the
// stack holds, from that pointer up: the MXCSR and x87 control words (8
// bytes), r15, r14, r13, r12, rbx, rbp and the address to return to. A new
// fiber's stack is laid out the same way, returning into its entry function
// with the stack aligned as after a call.
//
//===----------------------------------------------------------------------===//

#include "Context.h"

#include <cstdint>
#include <cstring>

#if defined(__x86_64__)

extern "C" void gcCudaEmuSwitchStack(void **saveStackPointer,
                                     void *loadStackPointer);

asm(R"(
  .text
  .p2align 4
  .globl gcCudaEmuSwitchStack
  .hidden gcCudaEmuSwitchStack
  .type gcCudaEmuSwitchStack, @function
gcCudaEmuSwitchStack:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size gcCudaEmuSwitchStack, .-gcCudaEmuSwitchStack
  .section .note.GNU-stack,"",@progbits
  .text
)");

namespace gc_cuda_emu {

void initializeContext(FiberContext &context, char *stack, size_t bytes,
                       void (*entry)()) {
  // The top, 16-byte aligned; below it a zero return address for the entry
  // function's frame, so that the entry starts with rsp = 8 mod 16.
  auto top = reinterpret_cast<uintptr_t>(stack + bytes) & ~uintptr_t(15);
  auto *slots = reinterpret_cast<uint64_t *>(top);
  *--slots = 0;
  *--slots = reinterpret_cast<uint64_t>(entry);
  for (int i = 0; i < 6; ++i) // rbp, rbx, r12-r15
    *--slots = 0;
  uint32_t controlWords[2];
  asm volatile("stmxcsr %0" : "=m"(controlWords[0]));
  asm volatile("fnstcw %0" : "=m"(controlWords[1]));
  *--slots = 0;
  std::memcpy(slots, controlWords, sizeof controlWords);
  context.stackPointer = slots;
}

void switchContext(FiberContext &from, FiberContext &to) {
  gcCudaEmuSwitchStack(&from.stackPointer, to.stackPointer);
}

} // namespace gc_cuda_emu

#else

namespace gc_cuda_emu {

void initializeContext(FiberContext &context, char *stack, size_t bytes,
                       void (*entry)()) {
  getcontext(&context.context);
  context.context.uc_stack.ss_sp = stack;
  context.context.uc_stack.ss_size = bytes;
  context.context.uc_link = nullptr;
  makecontext(&context.context, entry, 0);
}

void switchContext(FiberContext &from, FiberContext &to) {
  swapcontext(&from.context, &to.context);
}

} // namespace gc_cuda_emu

#endif
