//===- gc-translate.cpp - Translations of gc steps to source --------------===//
//
// `mlir-translate` for gc: --gc-to-cpp / --gc-to-cuda turn a step lowered by
// gc-lower-to-kernels into step.cpp / step.cu, the -header variants into
// step.h.
//
//===----------------------------------------------------------------------===//

#include "gc/Target/StepTranslation.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::gc::registerCppStepTranslations();
  mlir::gc::registerCudaStepTranslations();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "gc translation driver"));
}
