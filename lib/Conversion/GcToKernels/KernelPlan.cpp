//===- KernelPlan.cpp - What gc-lower-to-kernels decided ------------------===//
//
// Spelling and parsing of the `gc.storage` entries and the pointwise-op
// predicate shared by the lowering and the emitters.
//
//===----------------------------------------------------------------------===//

#include "gc/Conversion/KernelPlan.h"

#include "Gc/IR/GcOps.h"

using namespace mlir;
using namespace mlir::gc;

std::string Storage::str() const {
  switch (kind) {
  case Kind::Arena:
    return "arena+" + std::to_string(index);
  case Kind::View:
    return "view";
  case Kind::Fused:
    return "fused";
  case Kind::Result:
    return "result#" + std::to_string(index);
  case Kind::Argument:
    return "argument#" + std::to_string(index);
  }
  return "";
}

std::optional<Storage> Storage::parse(StringRef text) {
  auto number = [](StringRef digits) -> std::optional<int64_t> {
    int64_t value;
    if (digits.empty() || digits.getAsInteger(10, value) || value < 0)
      return std::nullopt;
    return value;
  };
  if (text == "view")
    return Storage{Kind::View, 0};
  if (text == "fused")
    return Storage{Kind::Fused, 0};
  std::pair<StringRef, Kind> prefixes[] = {{"arena+", Kind::Arena},
                                           {"result#", Kind::Result},
                                           {"argument#", Kind::Argument}};
  for (auto [prefix, kind] : prefixes)
    if (text.starts_with(prefix))
      if (std::optional<int64_t> index = number(text.drop_front(prefix.size())))
        return Storage{kind, *index};
  return std::nullopt;
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
  auto text = dyn_cast<StringAttr>(entries[result.getResultNumber()]);
  std::optional<Storage> storage =
      text ? Storage::parse(text.getValue()) : std::nullopt;
  if (!storage)
    return op->emitOpError()
           << "has a malformed '" << GcDialect::getStorageAttrName()
           << "' entry " << entries[result.getResultNumber()];
  return *storage;
}

std::optional<int64_t> mlir::gc::getFusion(Operation *op) {
  if (auto kernel =
          op->getAttrOfType<IntegerAttr>(GcDialect::getFusionAttrName()))
    return kernel.getInt();
  return std::nullopt;
}
