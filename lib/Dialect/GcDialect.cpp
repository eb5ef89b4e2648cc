//===- GcDialect.cpp - The gc dialect -------------------------------------===//
//
// Registers the dialect's operations and attributes, materializes folded
// constants and verifies the `gc.block` tag that any operation may carry.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcDialect.h"
#include "gc/Dialect/GcOps.h"

#include <cmath>

#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::gc;

#include "gc/Dialect/GcDialect.cpp.inc"

void GcDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "gc/Dialect/GcOps.cpp.inc"
      >();
  registerAttributes();
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
  if (llvm::is_contained({getOffsetsAttrName(), getArenaBytesAttrName(),
                          getArenaLowerBoundAttrName(),
                          getArenaStrategyAttrName(),
                          getPlannedArenaBytesAttrName(),
                          getWorkspaceOffsetAttrName(), getWorldSizeAttrName()},
                         attribute.getName().getValue()))
    return verifyArenaAttribute(op, attribute);
  if (attribute.getName() == getStorageAttrName()) {
    auto entries = dyn_cast<ArrayAttr>(attribute.getValue());
    if (!entries || entries.size() != op->getNumResults() ||
        !llvm::all_of(entries, llvm::IsaPred<StorageAttr>))
      return op->emitError()
             << "expected '" << getStorageAttrName() << "' to be an array of "
             << op->getNumResults()
             << " #gc.storage attributes, one per result, but found "
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

/// The type of argument (`isArgument`) or result `index` of the function
/// `op`, if it is one.
static Type getValueType(Operation *op, bool isArgument, unsigned index) {
  auto function = dyn_cast<FunctionOpInterface>(op);
  if (!function)
    return {};
  ArrayRef<Type> types =
      isArgument ? function.getArgumentTypes() : function.getResultTypes();
  return index < types.size() ? types[index] : Type();
}

/// Whether `type` is a tensor of one i64 element (a seed, a step counter).
static bool isI64Scalar(Type type) {
  auto tensor = dyn_cast_or_null<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() && tensor.getNumElements() == 1 &&
         tensor.getElementType().isSignlessInteger(64);
}

static bool hasFloatElements(Type type) {
  auto tensor = dyn_cast_or_null<RankedTensorType>(type);
  return tensor && isa<FloatType>(tensor.getElementType());
}

/// Checks `gc.role` on argument (`isArgument`) or result `index` of `op`
/// against the value's type and, for a state or gradient, its parameter.
static LogicalResult verifyRole(Operation *op, StringRef what, unsigned index,
                                Attribute value, bool isArgument) {
  auto role = dyn_cast<RoleAttr>(value);
  auto error = [&]() {
    return op->emitError() << "'" << GcDialect::getRoleAttrName() << "' of "
                           << what << " #" << index << ": ";
  };
  if (!role)
    return error() << "expected a #gc.role attribute, but found " << value;
  Type type = getValueType(op, isArgument, index);
  auto function = dyn_cast<FunctionOpInterface>(op);
  ArgumentRole kind = role.getKind();
  // An optimizer state may belong to no parameter (the loss scaler's).
  bool ofParameter =
      kind == ArgumentRole::Gradient ||
      (kind == ArgumentRole::OptimizerState && role.getOf() >= 0);
  if (ofParameter != (role.getOf() >= 0))
    return error() << (ofParameter ? "expected 'of', the parameter's "
                                     "argument index, for role "
                                   : "'of' is only for an optimizer state or "
                                     "a gradient, not role ")
                   << stringifyArgumentRole(kind);
  if (role.getMoment() && kind != ArgumentRole::OptimizerState)
    return error() << "'moment' is only for an optimizer state, not role "
                   << stringifyArgumentRole(kind);
  if (kind == ArgumentRole::Gradient && isArgument)
    return error() << "a gradient is a result, not an argument";
  if (kind != ArgumentRole::Gradient && !isArgument)
    return error() << "a result's role can only be gradient, not "
                   << stringifyArgumentRole(kind);
  if ((kind == ArgumentRole::Seed || kind == ArgumentRole::StepCounter) &&
      type && !isI64Scalar(type))
    return error() << "a " << stringifyArgumentRole(kind)
                   << " is one i64 element, but the type is " << type;
  if (isArgument && function && kind != ArgumentRole::Parameter &&
      function.getArgAttr(index, GcDialect::getParamAttrName()))
    return error() << "an argument marked '" << GcDialect::getParamAttrName()
                   << "' is a parameter, not " << stringifyArgumentRole(kind);
  if (kind == ArgumentRole::Parameter && function) {
    if (type && !hasFloatElements(type))
      return error() << "a parameter has float elements, but the type is "
                     << type;
    if (!function.getArgAttr(index, GcDialect::getParamAttrName()))
      return error() << "a parameter must also be marked '"
                     << GcDialect::getParamAttrName() << "'";
  }
  if (ofParameter && function) {
    int64_t of = role.getOf();
    if (of >= static_cast<int64_t>(function.getNumArguments()) ||
        !function.getArgAttr(of, GcDialect::getParamAttrName()))
      return error() << "'of = " << of
                     << "' is not the index of an argument marked '"
                     << GcDialect::getParamAttrName() << "'";
    if (type && function.getArgumentTypes()[of] != type)
      return error() << "the type " << type << " is not that of parameter #"
                     << of << ", " << function.getArgumentTypes()[of];
  }
  return success();
}

/// Checks `gc.init` on argument `index` of `op` against its type.
static LogicalResult verifyInit(Operation *op, unsigned index,
                                Attribute value) {
  auto init = dyn_cast<InitAttr>(value);
  auto error = [&]() {
    return op->emitError() << "'" << GcDialect::getInitAttrName()
                           << "' of argument #" << index << ": ";
  };
  if (!init)
    return error() << "expected a #gc.init attribute, but found " << value;
  Type type = getValueType(op, /*isArgument=*/true, index);
  switch (init.getKind()) {
  case InitKind::Normal:
    if (!(init.getStdDev() > 0) || !std::isfinite(init.getStdDev()))
      return error() << "expected a positive finite std, but found "
                     << init.getStdDev();
    if (type && !hasFloatElements(type))
      return error() << "normal initializes float elements, but the type is "
                     << type;
    break;
  case InitKind::Index:
    if (init.getBound() <= 0)
      return error() << "expected a positive bound, but found "
                     << init.getBound();
    if (type && hasFloatElements(type))
      return error() << "index initializes integer elements, but the type is "
                     << type;
    break;
  case InitKind::Seed:
    if (type && !isI64Scalar(type))
      return error() << "a seed is one i64 element, but the type is " << type;
    break;
  case InitKind::Full:
    if (type && !hasFloatElements(type))
      return error() << "full initializes float elements, but the type is "
                     << type;
    break;
  case InitKind::Zeros:
  case InitKind::Ones:
    break;
  }
  if (init.getBinary() && init.getKind() != InitKind::Zeros &&
      init.getKind() != InitKind::Ones)
    return error() << "'binary' data starts as zeros or ones, not "
                   << stringifyInitKind(init.getKind());
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
  if (name == GcDialect::getRoleAttrName())
    return verifyRole(op, what, index, attribute.getValue(), allowParam);
  if (allowParam && name == GcDialect::getInitAttrName())
    return verifyInit(op, index, attribute.getValue());
  return op->emitError() << "unknown gc attribute '" << name << "' on " << what
                         << " #" << index << "; expected '"
                         << GcDialect::getNameAttrName() << "', '"
                         << GcDialect::getRoleAttrName() << "'"
                         << (allowParam ? ", 'gc.init' or 'gc.param'" : "");
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
