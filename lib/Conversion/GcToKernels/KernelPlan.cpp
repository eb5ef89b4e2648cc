//===- KernelPlan.cpp - What gc-lower-to-kernels decided ------------------===//
//
// The `gc.storage` entries (#gc.storage) as C++ values and the pointwise-op
// predicate shared by the lowering and the emitters.
//
//===----------------------------------------------------------------------===//

#include "gc/Conversion/KernelPlan.h"

#include "gc/Dialect/GcOps.h"

using namespace mlir;
using namespace mlir::gc;

StorageAttr Storage::toAttr(MLIRContext *context) const {
  return StorageAttr::get(context, kind, index);
}

FailureOr<Storage> mlir::gc::getStorage(Value value) {
  if (auto arg = dyn_cast<BlockArgument>(value))
    return Storage{Storage::Kind::Argument, arg.getArgNumber()};
  auto result = cast<OpResult>(value);
  Operation *op = result.getOwner();
  auto entries = op->getAttrOfType<ArrayAttr>(GcDialect::getStorageAttrName());
  if (!entries || entries.size() != op->getNumResults())
    return op->emitOpError()
           << "has no '" << GcDialect::getStorageAttrName()
           << "' for each result; run gc-lower-to-kernels first";
  auto entry = dyn_cast<StorageAttr>(entries[result.getResultNumber()]);
  if (!entry)
    return op->emitOpError()
           << "has a malformed '" << GcDialect::getStorageAttrName()
           << "' entry " << entries[result.getResultNumber()];
  return Storage{entry.getKind(), entry.getIndex()};
}

std::optional<int64_t> mlir::gc::getFusion(Operation *op) {
  if (auto kernel =
          op->getAttrOfType<IntegerAttr>(GcDialect::getFusionAttrName()))
    return kernel.getInt();
  return std::nullopt;
}
