//===- GcDialect.cpp - The gc dialect -------------------------------------===//
//
// Registers the dialect's operations and attributes, materializes folded
// constants and verifies the `gc.block` tag that any operation may carry.
//
//===----------------------------------------------------------------------===//

#include "Gc/IR/GcDialect.h"
#include "Gc/IR/GcOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::gc;

#include "Gc/IR/GcDialect.cpp.inc"

void GcDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Gc/IR/GcOps.cpp.inc"
      >();
}

Operation *GcDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}

/// Checks the attributes gc-plan-memory writes.
static LogicalResult verifyArenaAttribute(Operation *op,
                                          NamedAttribute attribute) {
  StringRef name = attribute.getName().getValue();
  if (name == GcDialect::getOffsetsAttrName()) {
    auto offsets = dyn_cast<DenseI64ArrayAttr>(attribute.getValue());
    if (!offsets ||
        offsets.size() != static_cast<int64_t>(op->getNumResults()) ||
        llvm::any_of(offsets.asArrayRef(), [](int64_t o) { return o < 0; }))
      return op->emitError()
             << "expected '" << name << "' to hold one non-negative offset "
             << "per result (" << op->getNumResults() << "), but found "
             << attribute.getValue();
    return success();
  }
  if (name == GcDialect::getArenaStrategyAttrName()) {
    if (!isa<StringAttr>(attribute.getValue()))
      return op->emitError()
             << "expected '" << name << "' to be a string, but found "
             << attribute.getValue();
    return success();
  }
  auto value = dyn_cast<IntegerAttr>(attribute.getValue());
  if (!value || value.getInt() < 0)
    return op->emitError() << "expected '" << name
                           << "' to be a non-negative integer, but found "
                           << attribute.getValue();
  return success();
}

LogicalResult GcDialect::verifyOperationAttribute(Operation *op,
                                                  NamedAttribute attribute) {
  if (llvm::is_contained(
          {getOffsetsAttrName(), getArenaBytesAttrName(),
           getArenaLowerBoundAttrName(), getArenaStrategyAttrName(),
           getPlannedArenaBytesAttrName(), getWorkspaceOffsetAttrName()},
          attribute.getName().getValue()))
    return verifyArenaAttribute(op, attribute);
  if (attribute.getName() == getStorageAttrName()) {
    auto entries = dyn_cast<ArrayAttr>(attribute.getValue());
    if (!entries || entries.size() != op->getNumResults() ||
        !llvm::all_of(entries, llvm::IsaPred<StringAttr>))
      return op->emitError()
             << "expected '" << getStorageAttrName() << "' to be an array of "
             << op->getNumResults() << " strings, one per result, but found "
             << attribute.getValue();
    return success();
  }
  if (attribute.getName() == getRecomputeAttrName()) {
    if (!isa<UnitAttr>(attribute.getValue()))
      return op->emitError()
             << "expected '" << getRecomputeAttrName()
             << "' to be a unit attribute, but found " << attribute.getValue();
    return success();
  }
  StringRef name = attribute.getName().getValue();
  if (name != getBlockTagAttrName() && name != getFusionAttrName())
    return op->emitError() << "unknown gc dialect attribute '" << name
                           << "'; expected '" << getBlockTagAttrName() << "', '"
                           << getRecomputeAttrName()
                           << "', an arena attribute of gc-plan-memory or a "
                           << "kernel attribute of gc-lower-to-kernels";
  auto tag = dyn_cast<IntegerAttr>(attribute.getValue());
  if (!tag || !tag.getType().isSignlessInteger(64))
    return op->emitError() << "expected '" << name
                           << "' to be an i64 integer, but found "
                           << attribute.getValue();
  if (tag.getInt() < 0)
    return op->emitError() << "expected '" << name
                           << "' to be non-negative, but found "
                           << tag.getInt();
  return success();
}

/// Checks a `gc.*` attribute on a function argument (`allowParam`) or
/// result.
static LogicalResult verifyValueAttribute(Operation *op, StringRef what,
                                          unsigned index,
                                          NamedAttribute attribute,
                                          bool allowParam) {
  StringRef name = attribute.getName().getValue();
  if (name == GcDialect::getNameAttrName()) {
    auto text = dyn_cast<StringAttr>(attribute.getValue());
    if (!text || text.getValue().empty())
      return op->emitError()
             << "expected '" << name << "' of " << what << " #" << index
             << " to be a non-empty string, but found " << attribute.getValue();
    return success();
  }
  if (allowParam && name == GcDialect::getParamAttrName()) {
    if (!isa<UnitAttr>(attribute.getValue()))
      return op->emitError()
             << "expected '" << name << "' of " << what << " #" << index
             << " to be a unit attribute, but found " << attribute.getValue();
    return success();
  }
  return op->emitError() << "unknown gc attribute '" << name << "' on " << what
                         << " #" << index << "; expected '"
                         << GcDialect::getNameAttrName() << "'"
                         << (allowParam ? " or 'gc.param'" : "");
}

LogicalResult GcDialect::verifyRegionArgAttribute(Operation *op, unsigned,
                                                  unsigned argIndex,
                                                  NamedAttribute attribute) {
  return verifyValueAttribute(op, "argument", argIndex, attribute,
                              /*allowParam=*/true);
}

LogicalResult GcDialect::verifyRegionResultAttribute(Operation *op, unsigned,
                                                     unsigned resultIndex,
                                                     NamedAttribute attribute) {
  return verifyValueAttribute(op, "result", resultIndex, attribute,
                              /*allowParam=*/false);
}

std::optional<int64_t> mlir::gc::getBlockTag(Operation *op) {
  if (auto tag =
          op->getAttrOfType<IntegerAttr>(GcDialect::getBlockTagAttrName()))
    return tag.getInt();
  return std::nullopt;
}

void mlir::gc::setBlockTag(Operation *op, int64_t index) {
  op->setAttr(GcDialect::getBlockTagAttrName(),
              IntegerAttr::get(IntegerType::get(op->getContext(), 64), index));
}
