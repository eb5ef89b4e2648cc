//===- GcAttrs.cpp - Attributes of the gc dialect -------------------------===//
//
// The enumerations, and the syntax of #gc.role and #gc.init:
//
//   #gc.role<kind (, of = N)? (, moment = "name")?>
//   #gc.init<kind (, binary)? (, std = F)? (, bound = N)?>
//
//   #gc.storage<kind (, index)?>
//
// Optional fields are printed only when set, in that order.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcAttrs.h"
#include "gc/Dialect/GcDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::gc;

#include "gc/Dialect/GcEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "gc/Dialect/GcAttrDefs.cpp.inc"

void GcDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "gc/Dialect/GcAttrDefs.cpp.inc"
      >();
}

namespace {
/// Parses `keyword` into an enum through `symbolize`, with an error listing
/// what was expected.
template <typename Enum>
FailureOr<Enum> parseKind(AsmParser &parser,
                          std::optional<Enum> (*symbolize)(StringRef),
                          StringRef what) {
  StringRef keyword;
  SMLoc loc = parser.getCurrentLocation();
  if (failed(parser.parseKeyword(&keyword)))
    return failure();
  if (std::optional<Enum> kind = symbolize(keyword))
    return *kind;
  return parser.emitError(loc)
         << "expected " << what << ", but found '" << keyword << "'";
}
} // namespace

Attribute RoleAttr::parse(AsmParser &parser, Type) {
  if (failed(parser.parseLess()))
    return {};
  FailureOr<ArgumentRole> kind = parseKind<ArgumentRole>(
      parser, symbolizeArgumentRole,
      "a role (parameter, gradient, optimizer_state, batch, seed, "
      "step_counter)");
  if (failed(kind))
    return {};
  int64_t of = -1;
  StringAttr moment;
  while (succeeded(parser.parseOptionalComma())) {
    StringRef field;
    SMLoc loc = parser.getCurrentLocation();
    if (failed(parser.parseKeyword(&field)) || failed(parser.parseEqual()))
      return {};
    if (field == "of") {
      if (failed(parser.parseInteger(of)))
        return {};
    } else if (field == "moment") {
      std::string text;
      if (failed(parser.parseString(&text)))
        return {};
      moment = parser.getBuilder().getStringAttr(text);
    } else {
      parser.emitError(loc)
          << "expected 'of' or 'moment', but found '" << field << "'";
      return {};
    }
  }
  if (failed(parser.parseGreater()))
    return {};
  return RoleAttr::getChecked(
      [&] { return parser.emitError(parser.getNameLoc()); },
      parser.getContext(), *kind, of, moment ? moment.getValue() : StringRef());
}

LogicalResult
RoleAttr::verify(llvm::function_ref<InFlightDiagnostic()> emitError,
                 ArgumentRole kind, int64_t of, StringAttr moment) {
  if (of < -1)
    return emitError() << "expected 'of' to be an argument index, but found "
                       << of;
  if (moment && moment.getValue().empty())
    return emitError() << "expected a non-empty 'moment'";
  return success();
}

void RoleAttr::print(AsmPrinter &printer) const {
  printer << "<" << stringifyArgumentRole(getKind());
  if (getOf() >= 0)
    printer << ", of = " << getOf();
  if (getMoment()) {
    printer << ", moment = ";
    printer.printString(getMoment().getValue());
  }
  printer << ">";
}

Attribute InitAttr::parse(AsmParser &parser, Type) {
  if (failed(parser.parseLess()))
    return {};
  FailureOr<InitKind> kind =
      parseKind<InitKind>(parser, symbolizeInitKind,
                          "an initializer (zeros, ones, normal, index, seed, "
                          "full)");
  if (failed(kind))
    return {};
  double std = 1.0;
  int64_t bound = 0;
  bool binary = false;
  while (succeeded(parser.parseOptionalComma())) {
    StringRef field;
    SMLoc loc = parser.getCurrentLocation();
    if (failed(parser.parseKeyword(&field)))
      return {};
    if (field == "binary") {
      binary = true;
    } else if (field == "std" || field == "value") {
      // Both fields are kept in `std`; each belongs to one kind.
      if ((field == "std") == (*kind == InitKind::Full)) {
        parser.emitError(loc)
            << "'" << field << "' is only for a "
            << (field == "std" ? "normal" : "full") << " initializer, not "
            << stringifyInitKind(*kind);
        return {};
      }
      if (failed(parser.parseEqual()) || failed(parser.parseFloat(std)))
        return {};
    } else if (field == "bound") {
      if (failed(parser.parseEqual()) || failed(parser.parseInteger(bound)))
        return {};
    } else {
      parser.emitError(loc) << "expected 'binary', 'std', 'value' or 'bound', "
                            << "but found '" << field << "'";
      return {};
    }
  }
  if (failed(parser.parseGreater()))
    return {};
  return InitAttr::getChecked(
      [&] { return parser.emitError(parser.getNameLoc()); },
      parser.getContext(), *kind, std, bound, binary);
}

// Each field belongs to one kind, so that the printed form (which shows a
// field only for its kind) names the same attribute.
LogicalResult
InitAttr::verify(llvm::function_ref<InFlightDiagnostic()> emitError,
                 InitKind kind, llvm::APFloat std, int64_t bound, bool binary) {
  if (kind != InitKind::Normal && kind != InitKind::Full &&
      !std.isExactlyValue(1.0))
    return emitError() << "'std' is only for a normal initializer, not "
                       << stringifyInitKind(kind);
  if (kind == InitKind::Full && !std.isFinite())
    return emitError() << "a full initializer's value must be finite";
  if (kind != InitKind::Index && bound != 0)
    return emitError() << "'bound' is only for an index initializer, not "
                       << stringifyInitKind(kind);
  return success();
}

void InitAttr::print(AsmPrinter &printer) const {
  printer << "<" << stringifyInitKind(getKind());
  if (getBinary())
    printer << ", binary";
  if (getKind() == InitKind::Normal)
    printer << ", std = ", printer.printFloat(getStd());
  if (getKind() == InitKind::Full)
    printer << ", value = ", printer.printFloat(getStd());
  if (getKind() == InitKind::Index)
    printer << ", bound = " << getBound();
  printer << ">";
}

/// Whether a storage of `kind` has an index (a byte offset or a buffer).
static bool hasStorageIndex(StorageKind kind) {
  return kind == StorageKind::Arena || kind == StorageKind::Result ||
         kind == StorageKind::Argument;
}

LogicalResult
StorageAttr::verify(llvm::function_ref<InFlightDiagnostic()> emitError,
                    StorageKind kind, int64_t index) {
  if (index < 0)
    return emitError() << "expected a non-negative storage index, but found "
                       << index;
  if (!hasStorageIndex(kind) && index != 0)
    return emitError() << "a " << stringifyStorageKind(kind)
                       << " storage has no index";
  return success();
}

Attribute StorageAttr::parse(AsmParser &parser, Type) {
  if (failed(parser.parseLess()))
    return {};
  FailureOr<StorageKind> kind = parseKind<StorageKind>(
      parser, symbolizeStorageKind,
      "a storage (arena, view, fused, result, argument)");
  if (failed(kind))
    return {};
  int64_t index = 0;
  if (hasStorageIndex(*kind) &&
      (failed(parser.parseComma()) || failed(parser.parseInteger(index))))
    return {};
  if (failed(parser.parseGreater()))
    return {};
  return StorageAttr::getChecked(
      [&] { return parser.emitError(parser.getNameLoc()); },
      parser.getContext(), *kind, index);
}

void StorageAttr::print(AsmPrinter &printer) const {
  printer << "<" << stringifyStorageKind(getKind());
  if (hasStorageIndex(getKind()))
    printer << ", " << getIndex();
  printer << ">";
}
