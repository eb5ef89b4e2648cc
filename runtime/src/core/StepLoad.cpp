//===- StepLoad.cpp - Opening a compiled step and sizing its memory -------===//
//
// The first half of gc_rt_step_load: the library is opened with dlopen,
// its descriptor checked field by field (it comes from a file the user
// named, so it is untrusted: the ABI version is read before any other
// field, and every size, index and shape is checked before memory is sized
// from it), then the two device allocations are made: the arena with its
// guard zone, and one block holding every argument and every result that
// is not written in place, each tensor 256-byte aligned in it.
//
//===----------------------------------------------------------------------===//

#include "Device.h"
#include "Internal.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <dlfcn.h>
#include <limits>
#include <set>
#include <sys/stat.h>

using namespace gc::rt;
//===----------------------------------------------------------------------===//
// Descriptor validation
//===----------------------------------------------------------------------===//

namespace {
bool isPowerOfTwo(int64_t value) {
  return value > 0 && (value & (value - 1)) == 0;
}

bool isFloatDType(gc_step_dtype_t dtype) {
  return dtype == GC_STEP_DTYPE_F32 || dtype == GC_STEP_DTYPE_F64 ||
         dtype == GC_STEP_DTYPE_F16 || dtype == GC_STEP_DTYPE_BF16;
}

/// Checks what a descriptor says about one tensor; `what` is "argument #3"
/// or "result #0".
gc_rt_status_t checkTensor(const std::string &path,
                           const gc_step_tensor_t &tensor,
                           const std::string &what, bool isResult,
                           int32_t numArguments) {
  auto invalid = [&](const std::string &problem) {
    std::string label = what;
    if (tensor.name)
      label += " " + quote(tensor.name);
    return makeStatus(GC_RT_INVALID_ARGUMENT,
                      path + ": invalid step descriptor: " + label + " " +
                          problem);
  };
  if (!tensor.name || !*tensor.name)
    return invalid("has no name");
  size_t elementSize = getElementSize(tensor.dtype);
  if (elementSize == 0)
    return invalid("has an unknown dtype value " +
                   std::to_string(static_cast<int>(tensor.dtype)));
  if (tensor.role < GC_STEP_ROLE_PARAMETER ||
      tensor.role > GC_STEP_ROLE_STEP_COUNTER)
    return invalid("has an unknown role value " +
                   std::to_string(static_cast<int>(tensor.role)));
  if (tensor.values < GC_STEP_VALUES_ANY ||
      tensor.values > GC_STEP_VALUES_ZERO_ONE)
    return invalid("has an unknown values kind " +
                   std::to_string(static_cast<int>(tensor.values)));
  if (tensor.rank < 0)
    return invalid("has a negative rank " + std::to_string(tensor.rank));
  if (tensor.rank > 0 && !tensor.shape)
    return invalid("has rank " + std::to_string(tensor.rank) + " but no shape");
  int64_t bytes = static_cast<int64_t>(elementSize);
  for (int32_t i = 0; i < tensor.rank; ++i) {
    if (tensor.shape[i] < 0)
      return invalid("has a negative dimension in shape " +
                     formatShape(getShape(tensor)));
    if (__builtin_mul_overflow(bytes, tensor.shape[i], &bytes))
      return invalid("has shape " + formatShape(getShape(tensor)) +
                     " whose size overflows 64 bits");
  }
  if (tensor.bytes != bytes)
    return invalid("is " + describeTensor(tensor) + " (" +
                   std::to_string(bytes) + " bytes) but claims " +
                   std::to_string(tensor.bytes) + " bytes");

  if (isResult) {
    if (tensor.feeds_argument < -1 || tensor.feeds_argument >= numArguments)
      return invalid("feeds argument #" +
                     std::to_string(tensor.feeds_argument) +
                     ", but the step "
                     "has " +
                     std::to_string(numArguments) + " arguments");
    if (tensor.written_in_place && tensor.feeds_argument < 0)
      return invalid("is written in place but feeds no argument");
    return nullptr;
  }

  switch (tensor.init) {
  case GC_STEP_INIT_ZEROS:
  case GC_STEP_INIT_ONES:
    return nullptr;
  case GC_STEP_INIT_NORMAL:
    if (!isFloatDType(tensor.dtype))
      return invalid("has init rule NORMAL but is " + describeTensor(tensor) +
                     " (NORMAL needs a floating-point tensor)");
    if (!std::isfinite(tensor.init_scale))
      return invalid("has init rule NORMAL with a non-finite scale");
    return nullptr;
  case GC_STEP_INIT_FULL:
    if (!isFloatDType(tensor.dtype))
      return invalid("has init rule FULL but is " + describeTensor(tensor) +
                     " (FULL needs a floating-point tensor)");
    if (!std::isfinite(tensor.init_scale))
      return invalid("has init rule FULL with a non-finite value");
    return nullptr;
  case GC_STEP_INIT_INDEX:
    if (tensor.init_bound <= 0)
      return invalid("has init rule INDEX with bound " +
                     std::to_string(tensor.init_bound) +
                     " (values are drawn from [0, bound))");
    return nullptr;
  case GC_STEP_INIT_SEED:
    if (!isI64Scalar(tensor))
      return invalid("has init rule SEED but is " + describeTensor(tensor) +
                     " (the seed is one i64)");
    return nullptr;
  }
  return invalid("has an unknown init rule value " +
                 std::to_string(static_cast<int>(tensor.init)));
}

gc_rt_status_t checkDescriptor(const std::string &path,
                               const gc_step_descriptor_t &descriptor) {
  auto invalid = [&](const std::string &problem) {
    return makeStatus(GC_RT_INVALID_ARGUMENT,
                      path + ": invalid step descriptor: " + problem);
  };
  if (!descriptor.run)
    return invalid("no run function");
  if (descriptor.arena_bytes < 0)
    return invalid("negative arena size " +
                   std::to_string(descriptor.arena_bytes));
  if (!isPowerOfTwo(descriptor.arena_alignment))
    return invalid("arena alignment " +
                   std::to_string(descriptor.arena_alignment) +
                   " is not a power of two");
  if (descriptor.num_arguments < 0 || descriptor.num_results < 0)
    return invalid("negative tensor count (" +
                   std::to_string(descriptor.num_arguments) + " arguments, " +
                   std::to_string(descriptor.num_results) + " results)");
  if ((descriptor.num_arguments > 0 && !descriptor.arguments) ||
      (descriptor.num_results > 0 && !descriptor.results))
    return invalid("tensor count without a tensor array");
  if (descriptor.num_error_sites < 0 ||
      (descriptor.num_error_sites > 0 && !descriptor.error_sites))
    return invalid("error site count " +
                   std::to_string(descriptor.num_error_sites) +
                   " without an array of that many names");
  for (int32_t i = 0; i < descriptor.num_error_sites; ++i)
    if (!descriptor.error_sites[i])
      return invalid("error site #" + std::to_string(i) + " has no name");

  std::set<std::string> names;
  // The step loop advances one seed and one step counter, each an i64.
  int32_t counters[2] = {-1, -1};
  const std::pair<gc_step_role_t, const char *> counterRoles[2] = {
      {GC_STEP_ROLE_SEED, "seed"}, {GC_STEP_ROLE_STEP_COUNTER, "step counter"}};
  for (int32_t i = 0; i < descriptor.num_arguments; ++i) {
    const gc_step_tensor_t &argument = descriptor.arguments[i];
    GC_RT_RETURN_IF_ERROR(
        checkTensor(path, argument, "argument #" + std::to_string(i),
                    /*isResult=*/false, descriptor.num_arguments));
    // Names are how files, feedback and the API find arguments.
    if (!names.insert(argument.name).second)
      return invalid("two arguments are named " + quote(argument.name));
    for (int c = 0; c < 2; ++c) {
      auto [role, what] = counterRoles[c];
      if (argument.role != role)
        continue;
      if (!isI64Scalar(argument))
        return invalid(std::string(what) + " argument " + quote(argument.name) +
                       " is " + describeTensor(argument) + ", not one i64");
      if (counters[c] >= 0)
        return invalid(std::string("two ") + what + " arguments, " +
                       quote(descriptor.arguments[counters[c]].name) + " and " +
                       quote(argument.name));
      counters[c] = i;
    }
  }

  std::vector<int32_t> fedBy(descriptor.num_arguments, -1);
  for (int32_t i = 0; i < descriptor.num_results; ++i) {
    const gc_step_tensor_t &result = descriptor.results[i];
    GC_RT_RETURN_IF_ERROR(
        checkTensor(path, result, "result #" + std::to_string(i),
                    /*isResult=*/true, descriptor.num_arguments));
    if (result.feeds_argument < 0)
      continue;
    const gc_step_tensor_t &argument =
        descriptor.arguments[result.feeds_argument];
    if (result.dtype != argument.dtype ||
        getShape(result) != getShape(argument))
      return invalid("result #" + std::to_string(i) + " " + quote(result.name) +
                     " is " + describeTensor(result) + " but feeds argument " +
                     quote(argument.name) + ", which is " +
                     describeTensor(argument));
    if (fedBy[result.feeds_argument] >= 0)
      return invalid("argument " + quote(argument.name) +
                     " is fed by two results, #" +
                     std::to_string(fedBy[result.feeds_argument]) + " and #" +
                     std::to_string(i));
    fedBy[result.feeds_argument] = i;
  }

  if (descriptor.loss_result < -1 ||
      descriptor.loss_result >= descriptor.num_results)
    return invalid("loss result #" + std::to_string(descriptor.loss_result) +
                   ", but the step has " +
                   std::to_string(descriptor.num_results) + " results");
  if (descriptor.loss_result >= 0) {
    const gc_step_tensor_t &loss = descriptor.results[descriptor.loss_result];
    if (loss.bytes != static_cast<int64_t>(getElementSize(loss.dtype)))
      return invalid("loss result " + quote(loss.name) + " is " +
                     describeTensor(loss) + ", not a single value");
  }
  return nullptr;
}

} // namespace

/// Opens `path` with dlopen and finds its descriptor, checking the ABI
/// version and the target before anything else is read.
gc_rt_status_t gc::rt::openLibrary(gc_rt_step_s &step,
                                   const char *deviceTarget) {
  const std::string &path = step.libraryPath;
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    int error = errno;
    return makeStatus(
        error == ENOENT || error == ENOTDIR ? GC_RT_NOT_FOUND
                                            : GC_RT_INVALID_ARGUMENT,
        path + ": cannot load compiled step: " + std::strerror(error));
  }
  // Without a slash, dlopen would search the library path instead of
  // opening the file the user named.
  std::string openPath =
      path.find('/') == std::string::npos ? "./" + path : path;
  ::dlerror();
  step.library = ::dlopen(openPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!step.library) {
    const char *error = ::dlerror();
    return makeStatus(GC_RT_INVALID_ARGUMENT,
                      path + ": cannot load compiled step: dlopen failed: " +
                          (error ? error : "unknown error"));
  }

  ::dlerror();
  void *symbol = ::dlsym(step.library, GC_STEP_DESCRIPTOR_SYMBOL);
  if (!symbol) {
    const char *error = ::dlerror();
    return makeStatus(GC_RT_NOT_FOUND,
                      path + ": not a compiled step: no symbol '" +
                          GC_STEP_DESCRIPTOR_SYMBOL + "' (" +
                          (error ? error : "dlsym returned NULL") + ")");
  }
  auto getDescriptor = reinterpret_cast<gc_step_get_descriptor_fn>(symbol);
  const gc_step_descriptor_t *descriptor = getDescriptor();
  if (!descriptor)
    return makeStatus(GC_RT_INVALID_ARGUMENT, path + ": " +
                                                  GC_STEP_DESCRIPTOR_SYMBOL +
                                                  "() returned NULL");
  if (descriptor->abi_version != GC_STEP_ABI_VERSION)
    return makeStatus(GC_RT_INVALID_ARGUMENT,
                      path + ": step ABI version " +
                          std::to_string(descriptor->abi_version) +
                          ", but this runtime implements version " +
                          std::to_string(GC_STEP_ABI_VERSION) +
                          " (compile the step with a matching gc-compile)");
  std::string target = descriptor->target ? descriptor->target : "(none)";
  if (target != deviceTarget)
    return makeStatus(GC_RT_INVALID_ARGUMENT,
                      path + ": step compiled for target " + quote(target) +
                          ", but the session's device is " +
                          quote(step.device->getName()) + " (target " +
                          quote(deviceTarget) + ")");
  GC_RT_RETURN_IF_ERROR(checkDescriptor(path, *descriptor));
  step.descriptor = descriptor;
  step.functionName = descriptor->function_name && *descriptor->function_name
                          ? descriptor->function_name
                          : "step";
  return nullptr;
}

namespace {
int64_t alignUp(int64_t value, int64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

} // namespace

/// Allocates the arena (with its guard zone) and the argument/result block,
/// and points every tensor into the block.
gc_rt_status_t gc::rt::allocateMemory(gc_rt_step_s &step) {
  const gc_step_descriptor_t &descriptor = *step.descriptor;
  Device &device = *step.device;
  auto tooLarge = [&]() {
    return makeStatus(GC_RT_INVALID_ARGUMENT,
                      step.libraryPath + ": the step's tensors total more "
                                         "than 2^63 bytes");
  };

  // Offsets first, with overflow checks; then a single allocation.
  std::vector<int64_t> argumentOffsets, resultOffsets;
  int64_t offset = 0;
  auto place = [&](int64_t bytes, std::vector<int64_t> &offsets) {
    offset = alignUp(offset, kTensorAlignment);
    offsets.push_back(offset);
    return !__builtin_add_overflow(offset, bytes, &offset) &&
           offset <= std::numeric_limits<int64_t>::max() - kTensorAlignment;
  };
  for (int32_t i = 0; i < descriptor.num_arguments; ++i)
    if (!place(descriptor.arguments[i].bytes, argumentOffsets))
      return tooLarge();
  for (int32_t i = 0; i < descriptor.num_results; ++i) {
    if (descriptor.results[i].written_in_place) {
      resultOffsets.push_back(-1);
      continue;
    }
    if (!place(descriptor.results[i].bytes, resultOffsets))
      return tooLarge();
  }
  step.blockBytes = alignUp(offset, kTensorAlignment);

  int64_t arenaAlignment =
      std::max<int64_t>(descriptor.arena_alignment, kTensorAlignment);
  if (descriptor.arena_bytes >
      std::numeric_limits<int64_t>::max() - kGuardBytes - arenaAlignment)
    return tooLarge();
  GC_RT_RETURN_IF_ERROR(
      device.allocate(static_cast<size_t>(descriptor.arena_bytes + kGuardBytes),
                      static_cast<size_t>(arenaAlignment),
                      "the arena of " + step.describe() + " (" +
                          std::to_string(descriptor.arena_bytes) + " bytes + " +
                          std::to_string(kGuardBytes) + " guard bytes)",
                      &step.arena));
  GC_RT_RETURN_IF_ERROR(device.allocate(
      static_cast<size_t>(step.blockBytes),
      static_cast<size_t>(kTensorAlignment),
      "the arguments and results of " + step.describe(), &step.block));
  // Arguments read as zeros until initialized or loaded, never as stale
  // device memory.
  GC_RT_RETURN_IF_ERROR(
      device.fill(step.block.data, static_cast<size_t>(step.blockBytes), 0));

  auto *base = static_cast<uint8_t *>(step.block.data);
  for (int64_t argumentOffset : argumentOffsets)
    step.argumentData.push_back(base + argumentOffset);
  for (int64_t resultOffset : resultOffsets)
    step.resultData.push_back(resultOffset < 0 ? nullptr : base + resultOffset);
  return nullptr;
}
