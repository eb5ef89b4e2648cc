//===- gc-opt.cpp - gc's optimizer driver ---------------------------------===//
//
// Like mlir-opt, for modules in the gc dialect: parses, verifies, runs a pass
// pipeline and prints. All gc dialects and passes are registered.
//
//===----------------------------------------------------------------------===//

#include "gc/InitAllDialects.h"
#include "gc/InitAllPasses.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::gc::registerAllDialects(registry);
  mlir::gc::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "gc optimizer driver\n", registry));
}
