//===- HostTensor.h - Tensors the CPU executor computes on ------*- C++ -*-===//
//
// A host tensor is a shape, an element kind and a reference-counted byte
// buffer. Buffers register their size with a MemoryTracker while they are
// alive, which is how the executor measures the peak bytes of live tensors.
// Views that do not move data (reshape) share their operand's buffer.
//
//===----------------------------------------------------------------------===//

#ifndef GC_EXECUTION_HOSTTENSOR_H
#define GC_EXECUTION_HOSTTENSOR_H

#include "gc_rt/Safetensors.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LogicalResult.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::gc::exec {

/// The element types the CPU executor computes with.
enum class ElementKind { F32, F64, BF16, F16, I32, I64 };

/// The kind of `type`, or nullopt for element types the executor does not
/// support (i1, ...).
std::optional<ElementKind> getElementKind(Type type);
size_t getElementSize(ElementKind kind);
const char *getElementKindName(ElementKind kind);
bool isFloat(ElementKind kind);

/// Counts the bytes of live buffers and remembers the peak.
class MemoryTracker {
public:
  void allocate(int64_t bytes) {
    live += bytes;
    peak = std::max(peak, live);
  }
  void release(int64_t bytes) { live -= bytes; }
  int64_t getLiveBytes() const { return live; }
  int64_t getPeakBytes() const { return peak; }
  void resetPeak() { peak = live; }

private:
  int64_t live = 0;
  int64_t peak = 0;
};

/// Zero-initialized storage reported to a tracker for as long as it lives.
class Buffer {
public:
  Buffer(size_t bytes, MemoryTracker *tracker);
  ~Buffer();
  Buffer(const Buffer &) = delete;
  Buffer &operator=(const Buffer &) = delete;

  uint8_t *data() { return storage.data(); }
  const uint8_t *data() const { return storage.data(); }
  size_t size() const { return storage.size(); }

private:
  std::vector<uint8_t> storage;
  MemoryTracker *tracker;
};

struct HostTensor {
  ElementKind kind = ElementKind::F32;
  std::vector<int64_t> shape;
  std::shared_ptr<Buffer> buffer;
  /// Where the tensor starts in `buffer` (non-zero for a tensor placed in a
  /// planned arena).
  size_t offset = 0;

  /// A zero-filled tensor of `kind` and `shape`.
  static HostTensor allocate(ElementKind kind, ArrayRef<int64_t> shape,
                             MemoryTracker *tracker);

  int64_t getNumElements() const;
  size_t getByteSize() const { return getNumElements() * getElementSize(kind); }
  template <typename T> T *data() {
    return reinterpret_cast<T *>(buffer->data() + offset);
  }
  template <typename T> const T *data() const {
    return reinterpret_cast<const T *>(buffer->data() + offset);
  }
  /// The tensor's first byte.
  uint8_t *bytes() { return buffer->data() + offset; }
  const uint8_t *bytes() const { return buffer->data() + offset; }
  /// Element i converted to double (any kind).
  double getAsDouble(int64_t i) const;
  /// Stores `value` at element i, converted to the tensor's kind.
  void setFromDouble(int64_t i, double value);
  /// A deep copy with its own buffer.
  HostTensor clone(MemoryTracker *tracker) const;
  /// Whether kind and shape match `type`.
  bool matches(RankedTensorType type) const;
  /// `tensor<2x3xf32>`-style description for messages.
  std::string describe() const;
};

/// Converts between host tensors and safetensors entries. Fails with a
/// message for dtypes the executor cannot compute with.
::gc::rt::NamedTensor toNamedTensor(const std::string &name,
                                    const HostTensor &tensor);
FailureOr<HostTensor> fromNamedTensor(const ::gc::rt::NamedTensor &named,
                                      MemoryTracker *tracker,
                                      std::string &error);

} // namespace mlir::gc::exec

#endif // GC_EXECUTION_HOSTTENSOR_H
