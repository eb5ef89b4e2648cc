//===- TranslateToCpp.cpp - gc step to C++ --------------------------------===//
//
// Registers `gc-translate --gc-to-cpp` (step.cpp) and `--gc-to-cpp-header`
// (step.h): the CPU twin of the CUDA emission, calling the runtime's CPU
// kernels and OpenBLAS. The emitter itself is lib/Target/StepEmitter.cpp,
// shared with CUDA.
//
//===----------------------------------------------------------------------===//

#include "gc/Target/StepTranslation.h"

void mlir::gc::registerCppStepTranslations() {
  registerStepTranslationsFor("gc-to-cpp", [] {
    StepEmitOptions options;
    options.target = StepTarget::Cpu;
    return options;
  });
}
