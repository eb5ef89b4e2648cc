//===- Safetensors.h - Read and write safetensors files ---------*- C++ -*-===//
//
// Checkpoint I/O in the safetensors format, the format Hugging Face uses for
// model weights: an 8-byte little-endian header length N, N bytes of JSON
// describing every tensor (dtype, shape, byte range in the data buffer) plus
// optional string metadata, then the raw little-endian row-major data.
//
// Reading validates the whole header against the file before any tensor is
// returned, so a truncated or hand-edited checkpoint yields a Status naming
// the file and the problem instead of garbage weights. Writing goes through a
// temporary file that is synced and renamed over the target, so an
// interrupted save never destroys the previous checkpoint. The files written
// are byte-identical to those of the reference implementation for the same
// tensors and metadata (up to the order of metadata entries, which the
// reference leaves unspecified and this writer sorts by key).
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_SAFETENSORS_H
#define GC_RT_SAFETENSORS_H

#include "gc_rt/Status.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gc::rt {

/// Element types of the safetensors format. The spelling of each in a file
/// is given by getDTypeName().
enum class DType : uint8_t {
  Bool,
  U8,
  I8,
  F8E5M2,
  F8E4M3,
  I16,
  U16,
  F16,
  BF16,
  I32,
  U32,
  F32,
  F64,
  I64,
  U64,
};

/// Size of one element of `dtype` in bytes.
size_t getDTypeSize(DType dtype);

/// The name of `dtype` in a safetensors header, e.g. "F32" or "BOOL".
const char *getDTypeName(DType dtype);

/// The dtype a safetensors header spells `name`, or std::nullopt if the name
/// is not one this runtime supports.
std::optional<DType> parseDType(const std::string &name);

/// One tensor of a safetensors file: its raw little-endian row-major bytes
/// together with the element type and shape that give them meaning. A shape
/// of {} is a scalar (one element); a shape with a zero dimension is empty.
struct NamedTensor {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;

  /// The product of the dimensions (1 for a scalar).
  int64_t getNumElements() const;
};

/// Reads every tensor of the safetensors file at `path` into `tensors`
/// (replacing its contents), in the order of their data in the file. If
/// `metadata` is given, it receives the file's "__metadata__" entries (empty
/// when the file has none). On failure, `tensors` and `metadata` are left
/// empty and the Status names the file and what is wrong with it.
Status readSafetensors(const std::string &path,
                       std::vector<NamedTensor> &tensors,
                       std::map<std::string, std::string> *metadata = nullptr);

/// Writes `tensors` and `metadata` to `path` as a safetensors file,
/// atomically: the bytes go to `<path>.tmp.<pid>`, which is synced and then
/// renamed over `path`. On failure the temporary file is removed and any
/// previous file at `path` is left untouched. Tensor names must be unique,
/// not "__metadata__", and valid UTF-8; each tensor's data must hold exactly
/// getNumElements() * getDTypeSize(dtype) bytes.
Status
writeSafetensors(const std::string &path,
                 const std::vector<NamedTensor> &tensors,
                 const std::map<std::string, std::string> &metadata = {});

/// The metadata of the checkpoints and result files gc writes for the
/// training step `function`, compiled or interpreted alike (so that their
/// files compare byte for byte): "format": "pt", what Hugging Face's
/// loaders expect of a PyTorch-layout checkpoint (row-major, the model's
/// parameter names), and "gc.function".
std::map<std::string, std::string> getStepMetadata(const std::string &function);

/// "" when each of the `count` elements of `dtype` at `data` is 0 or 1 (a
/// mask), otherwise "element K of 'NAME' is V" for the first that is not.
/// For the dtypes gc steps take (I32, I64, F32, F64); "" for the others.
/// The runtime and gc-run's interpreter check masks with it.
std::string findMaskViolation(DType dtype, const void *data, int64_t count,
                              const std::string &name);

/// "" when `completed`, a file's optimizer.step, is a count of completed
/// optimizer steps a run can continue from (0 to 2^63 - 2), otherwise why
/// not. Files hold completed steps, as torch.optim's state["step"]; the
/// step function's argument is the next step's number, `completed` + 1.
std::string checkCompletedSteps(int64_t completed, const std::string &name);

/// The tensor named `name` in `tensors`, or nullptr if there is none.
const NamedTensor *findTensor(const std::vector<NamedTensor> &tensors,
                              const std::string &name);
NamedTensor *findTensor(std::vector<NamedTensor> &tensors,
                        const std::string &name);

} // namespace gc::rt

#endif // GC_RT_SAFETENSORS_H
