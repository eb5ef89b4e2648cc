//===- SafetensorsFuzzer.cpp - Fuzz the safetensors reader ----------------===//
//
// Any byte string as a safetensors file: readSafetensors either fills the
// tensors with data of exactly the declared size or reports why not. What it
// accepts must survive a write and a second read unchanged (by name).
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "gc_rt/Safetensors.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string &path = gc::fuzz::writeScratchFile(data, size);
  std::vector<gc::rt::NamedTensor> tensors;
  std::map<std::string, std::string> metadata;
  if (!gc::rt::readSafetensors(path, tensors, &metadata).isOk())
    return 0;
  for (const gc::rt::NamedTensor &tensor : tensors)
    if (tensor.data.size() != static_cast<size_t>(tensor.getNumElements()) *
                                  gc::rt::getDTypeSize(tensor.dtype))
      std::abort();
  std::string copy = path + ".copy";
  if (!gc::rt::writeSafetensors(copy, tensors, metadata).isOk())
    std::abort();
  std::vector<gc::rt::NamedTensor> reread;
  if (!gc::rt::readSafetensors(copy, reread).isOk() ||
      reread.size() != tensors.size())
    std::abort();
  // The writer may order tensors differently (empty ones share offsets).
  for (const gc::rt::NamedTensor &tensor : tensors) {
    const gc::rt::NamedTensor *copied = gc::rt::findTensor(reread, tensor.name);
    if (!copied || copied->dtype != tensor.dtype ||
        copied->shape != tensor.shape || copied->data != tensor.data)
      std::abort();
  }
  return 0;
}
