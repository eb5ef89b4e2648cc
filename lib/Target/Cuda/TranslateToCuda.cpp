//===- TranslateToCuda.cpp - gc step to CUDA ------------------------------===//
//
// Registers `gc-translate --gc-to-cuda` (step.cu) and `--gc-to-cuda-header`
// (step.h): generated __global__ kernels for the fused pointwise runs, the
// runtime's CUDA kernels for the rest and cuBLAS for matmuls, all on the
// step's stream. Matmuls are exact FP32 unless --gc-allow-tf32 is given.
//
//===----------------------------------------------------------------------===//

#include "gc/Target/StepTranslation.h"

#include "llvm/Support/CommandLine.h"

void mlir::gc::registerCudaStepTranslations() {
  static llvm::cl::opt<bool> allowTf32(
      "gc-allow-tf32",
      llvm::cl::desc("--gc-to-cuda: let cuBLAS use TF32 tensor cores for "
                     "f32 matmuls (default: exact FP32)"),
      llvm::cl::init(false));
  registerStepTranslationsFor("gc-to-cuda", [] {
    StepEmitOptions options;
    options.target = StepTarget::Cuda;
    options.allowTf32 = allowTf32;
    return options;
  });
}
