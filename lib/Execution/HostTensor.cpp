//===- HostTensor.cpp - Tensors the CPU executor computes on --------------===//

#include "gc/Execution/HostTensor.h"

#include "gc_rt/HalfFloat.h"

#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;
using namespace mlir::gc::exec;
namespace rt = ::gc::rt;

std::optional<ElementKind> mlir::gc::exec::getElementKind(Type type) {
  if (type.isF32())
    return ElementKind::F32;
  if (type.isF64())
    return ElementKind::F64;
  if (type.isBF16())
    return ElementKind::BF16;
  if (type.isF16())
    return ElementKind::F16;
  if (type.isSignlessInteger(32))
    return ElementKind::I32;
  if (type.isSignlessInteger(64))
    return ElementKind::I64;
  return std::nullopt;
}

size_t mlir::gc::exec::getElementSize(ElementKind kind) {
  switch (kind) {
  case ElementKind::BF16:
  case ElementKind::F16:
    return 2;
  case ElementKind::F32:
  case ElementKind::I32:
    return 4;
  case ElementKind::F64:
  case ElementKind::I64:
    return 8;
  }
  return 8;
}

const char *mlir::gc::exec::getElementKindName(ElementKind kind) {
  switch (kind) {
  case ElementKind::F32:
    return "f32";
  case ElementKind::F64:
    return "f64";
  case ElementKind::BF16:
    return "bf16";
  case ElementKind::F16:
    return "f16";
  case ElementKind::I32:
    return "i32";
  case ElementKind::I64:
    return "i64";
  }
  return "?";
}

bool mlir::gc::exec::isFloat(ElementKind kind) {
  return kind == ElementKind::F32 || kind == ElementKind::F64 ||
         kind == ElementKind::BF16 || kind == ElementKind::F16;
}

Buffer::Buffer(size_t bytes, MemoryTracker *tracker)
    : storage(bytes, 0), tracker(tracker) {
  if (tracker)
    tracker->allocate(static_cast<int64_t>(bytes));
}

Buffer::~Buffer() {
  if (tracker)
    tracker->release(static_cast<int64_t>(storage.size()));
}

HostTensor HostTensor::allocate(ElementKind kind, ArrayRef<int64_t> shape,
                                MemoryTracker *tracker) {
  HostTensor tensor;
  tensor.kind = kind;
  tensor.shape.assign(shape.begin(), shape.end());
  tensor.buffer = std::make_shared<Buffer>(tensor.getByteSize(), tracker);
  return tensor;
}

int64_t HostTensor::getNumElements() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

double HostTensor::getAsDouble(int64_t i) const {
  switch (kind) {
  case ElementKind::F32:
    return data<float>()[i];
  case ElementKind::F64:
    return data<double>()[i];
  case ElementKind::BF16:
    return rt::widen(data<rt::BFloat16>()[i]);
  case ElementKind::F16:
    return rt::widen(data<rt::Half>()[i]);
  case ElementKind::I32:
    return data<int32_t>()[i];
  case ElementKind::I64:
    return static_cast<double>(data<int64_t>()[i]);
  }
  return 0;
}

void HostTensor::setFromDouble(int64_t i, double value) {
  switch (kind) {
  case ElementKind::F32:
    data<float>()[i] = static_cast<float>(value);
    return;
  case ElementKind::F64:
    data<double>()[i] = value;
    return;
  case ElementKind::BF16:
    data<rt::BFloat16>()[i] =
        rt::narrow<rt::BFloat16>(static_cast<float>(value));
    return;
  case ElementKind::F16:
    data<rt::Half>()[i] = rt::narrow<rt::Half>(static_cast<float>(value));
    return;
  case ElementKind::I32:
    data<int32_t>()[i] = static_cast<int32_t>(value);
    return;
  case ElementKind::I64:
    data<int64_t>()[i] = static_cast<int64_t>(value);
    return;
  }
}

HostTensor HostTensor::clone(MemoryTracker *tracker) const {
  HostTensor copy = allocate(kind, shape, tracker);
  std::memcpy(copy.bytes(), bytes(), getByteSize());
  return copy;
}

bool HostTensor::matches(RankedTensorType type) const {
  return getElementKind(type.getElementType()) == kind &&
         type.getShape() == ArrayRef<int64_t>(shape);
}

std::string HostTensor::describe() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "tensor<";
  for (int64_t dim : shape)
    os << dim << 'x';
  os << getElementKindName(kind) << '>';
  return text;
}

static rt::DType toDType(ElementKind kind) {
  switch (kind) {
  case ElementKind::F32:
    return rt::DType::F32;
  case ElementKind::F64:
    return rt::DType::F64;
  case ElementKind::BF16:
    return rt::DType::BF16;
  case ElementKind::F16:
    return rt::DType::F16;
  case ElementKind::I32:
    return rt::DType::I32;
  case ElementKind::I64:
    return rt::DType::I64;
  }
  return rt::DType::F32;
}

rt::NamedTensor mlir::gc::exec::toNamedTensor(const std::string &name,
                                              const HostTensor &tensor) {
  rt::NamedTensor named;
  named.name = name;
  named.dtype = toDType(tensor.kind);
  named.shape = tensor.shape;
  named.data.assign(tensor.bytes(), tensor.bytes() + tensor.getByteSize());
  return named;
}

FailureOr<HostTensor>
mlir::gc::exec::fromNamedTensor(const rt::NamedTensor &named,
                                MemoryTracker *tracker, std::string &error) {
  std::optional<ElementKind> kind;
  switch (named.dtype) {
  case rt::DType::F32:
    kind = ElementKind::F32;
    break;
  case rt::DType::F64:
    kind = ElementKind::F64;
    break;
  case rt::DType::BF16:
    kind = ElementKind::BF16;
    break;
  case rt::DType::F16:
    kind = ElementKind::F16;
    break;
  case rt::DType::I32:
    kind = ElementKind::I32;
    break;
  case rt::DType::I64:
    kind = ElementKind::I64;
    break;
  default:
    error = "tensor '" + named.name + "' has dtype " +
            rt::getDTypeName(named.dtype) +
            "; the CPU executor reads F32, F64, BF16, F16, I32 and I64";
    return failure();
  }
  HostTensor tensor = HostTensor::allocate(*kind, named.shape, tracker);
  std::memcpy(tensor.bytes(), named.data.data(), tensor.getByteSize());
  return tensor;
}
