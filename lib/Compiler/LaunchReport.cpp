//===- LaunchReport.cpp - Every kernel launch of a CUDA step --------------===//
//
// See LaunchReport.h. The recording run gives the step fake, 256-aligned
// device addresses (record-only mode dereferences none), a real cuBLAS
// handle of the emulated library and host words for the device errors.
//
// Each unit's time is the cost model's (estimateFusedOpCost summed over
// the unit's ops), which knows the work but not the launch shape. The
// report therefore also flags under-filled launches, those with fewer
// threads than the device's multiprocessors x 2 blocks x 256, and gives a
// launch-limited estimate: a unit whose widest launch has a fraction f of
// those threads is taken to run at f of the device's rate, its time
// divided by f (a rough model of latency hiding; library calls are left as
// the cost model has them).
//
//===----------------------------------------------------------------------===//

#include "LaunchReport.h"

#include "gc/Analysis/CostModel.h"

#include "gc/Analysis/OpCost.h"
#include "gc/Transforms/RematIR.h"
#include "gc_cuda_emu/Recorder.h"
#include "gc_rt/StepAbi.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <chrono>
#include <dlfcn.h>
#include <map>

using namespace mlir;
using namespace mlir::gc;

namespace {

/// One kernel launch (or library call) of a compiled step.
struct KernelLaunch {
  int64_t unit = -1;
  std::string kernel;
  unsigned grid[3] = {0, 0, 0};
  unsigned block[3] = {0, 0, 0};

  bool isLibraryCall() const { return grid[0] == 0; }
  int64_t threads() const {
    int64_t count = 1;
    for (int i = 0; i < 3; ++i)
      count *= int64_t(grid[i]) * block[i];
    return count;
  }
};

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Runs the loaded step once in record-only mode.
llvm::Expected<std::vector<KernelLaunch>> runRecording(void *library) {
  auto getDescriptor = reinterpret_cast<gc_step_get_descriptor_fn>(
      dlsym(library, GC_STEP_DESCRIPTOR_SYMBOL));
  auto recordOnly = reinterpret_cast<GcCudaEmuRecordOnlyFn>(
      dlsym(library, "gcCudaEmuRecordOnly"));
  auto recorded = reinterpret_cast<GcCudaEmuRecordedLaunchesFn>(
      dlsym(library, "gcCudaEmuRecordedLaunches"));
  auto createBlas = reinterpret_cast<GcCudaEmuCreateBlasHandleFn>(
      dlsym(library, "gcCudaEmuCreateBlasHandle"));
  if (!getDescriptor || !recordOnly || !recorded || !createBlas)
    return makeError("the emulated step library lacks the descriptor or the "
                     "emulator's recorder");
  const gc_step_descriptor_t *descriptor = getDescriptor();
  if (!descriptor || descriptor->abi_version != GC_STEP_ABI_VERSION)
    return makeError("the emulated step library has another step ABI");

  // Fake device addresses, 256-aligned and disjoint, from 2^44 up.
  uintptr_t next = uintptr_t(1) << 44;
  auto fake = [&](int64_t bytes) {
    void *pointer = reinterpret_cast<void *>(next);
    next += (static_cast<uintptr_t>(bytes) + 511) / 256 * 256;
    return pointer;
  };
  std::vector<void *> arguments, results;
  for (int32_t i = 0; i < descriptor->num_arguments; ++i)
    arguments.push_back(fake(descriptor->arguments[i].bytes));
  for (int32_t i = 0; i < descriptor->num_results; ++i)
    results.push_back(fake(descriptor->results[i].bytes));
  std::vector<int32_t> errorWords(
      std::max<int32_t>(descriptor->num_error_sites, 1), 0);
  std::vector<char> message(4096, '\0');
  void *blas = nullptr;
  if (createBlas(&blas) != 0)
    return makeError("cannot create the emulated cuBLAS handle");

  gc_step_call_t call = {};
  call.arguments = arguments.data();
  call.results = results.data();
  call.arena = fake(descriptor->arena_bytes);
  call.device_errors = errorWords.data();
  call.stream = nullptr;
  call.blas_handle = blas;
  call.error = message.data();
  call.error_capacity = message.size();
  recordOnly(1);
  const int returned = descriptor->run(&call);
  const GcCudaEmuLaunch *records = nullptr;
  const int64_t count = recorded(&records);
  std::vector<KernelLaunch> launches;
  for (int64_t i = 0; i < count; ++i) {
    KernelLaunch launch;
    launch.unit = records[i].unit;
    // A template kernel with several arguments is launched in parentheses.
    llvm::StringRef kernel = records[i].kernel;
    if (kernel.starts_with("(") && kernel.ends_with(")"))
      kernel = kernel.drop_front().drop_back();
    launch.kernel = kernel.str();
    std::copy(records[i].grid, records[i].grid + 3, launch.grid);
    std::copy(records[i].block, records[i].block + 3, launch.block);
    launches.push_back(std::move(launch));
  }
  recordOnly(0);
  if (returned != 0)
    return makeError(llvm::Twine("the recording run of the step failed: ") +
                     message.data());
  return launches;
}

} // namespace

bool mlir::gc::canRecordLaunches() {
  return !llvm::StringRef(GC_RUNTIME_CUDA_EMU_LIBRARY).empty();
}

namespace {

/// Records the launches of the emulated step (see the header): the step
/// library itself when it was built for the emulator, else one built for
/// the purpose in a scratch directory.
llvm::Expected<std::vector<KernelLaunch>>
recordLaunches(ModuleOp module, const StepLibraryOptions &options,
               const StepLibrary &built, PhaseTimes &times) {
  StepLibraryOptions recording = options;
  recording.cudaEmulation = true;
  recording.forLaunchRecording = true;
  llvm::SmallString<256> directory(options.directory);
  llvm::sys::path::append(directory, ".launch-record");
  recording.directory = std::string(directory);
  PhaseTimes recordingTimes;
  std::string libraryPath = built.libraryPath;
  bool scratch = !options.cudaEmulation;
  llvm::scope_exit cleanup([&] {
    if (scratch)
      llvm::sys::fs::remove_directories(recording.directory);
  });
  if (scratch) {
    std::string progress;
    llvm::raw_string_ostream progressOs(progress);
    llvm::Expected<StepLibrary> library =
        writeStepLibrary(module, recording, recordingTimes, progressOs);
    if (!library)
      return library.takeError();
    libraryPath = library->libraryPath;
  }
  auto start = std::chrono::steady_clock::now();
  void *handle = dlopen(libraryPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    return makeError(llvm::Twine("cannot load the emulated step: ") +
                     dlerror());
  // The records copy the kernel names. The library stays loaded: the BLAS
  // it brought may have started threads.
  llvm::Expected<std::vector<KernelLaunch>> launches = runRecording(handle);
  times.add("launch report", recordingTimes.total() +
                                 std::chrono::duration<double>(
                                     std::chrono::steady_clock::now() - start)
                                     .count());
  return launches;
}

/// The "launches" object; prints the `top` most expensive units to `os`.
llvm::json::Object describeLaunches(const std::vector<KernelLaunch> &launches,
                                    const mlir::gc::StepEmission &emission,
                                    const ::gc::cost::DeviceProfile &device,
                                    unsigned top, llvm::raw_ostream &os) {
  const int64_t fullThreads =
      static_cast<int64_t>(device.multiprocessors) * 2 * 256;
  // Each unit's cost-model time and description.
  std::vector<double> unitSeconds(emission.units.size(), 0.0);
  std::vector<std::string> unitOp(emission.units.size());
  std::optional<mlir::gc::FusionRuns> runs;
  for (auto [index, ops] : llvm::enumerate(emission.units)) {
    if (ops.empty())
      continue;
    if (!runs)
      runs.emplace(*ops.front()->getBlock());
    for (Operation *op : ops)
      unitSeconds[index] +=
          mlir::gc::estimateFusedOpCost(op, *runs, device).seconds;
    std::string location = mlir::gc::describeLocation(ops.front()->getLoc());
    unitOp[index] =
        ops.front()->getName().getStringRef().str() +
        (ops.size() > 1 ? " (+" + std::to_string(ops.size() - 1) + " fused)"
                        : "") +
        (location.empty() ? "" : " at " + location);
  }
  // A unit's launch-limited time: its cost over the fill of its widest
  // launch, which does its main work (a small second launch, such as the
  // second stage of a column sum, moves little).
  std::map<int64_t, double> unitFill;
  for (const KernelLaunch &launch : launches) {
    if (launch.isLibraryCall() || launch.unit < 0)
      continue;
    double fill = std::min(1.0, double(launch.threads()) / double(fullThreads));
    auto [it, inserted] = unitFill.emplace(launch.unit, fill);
    if (!inserted)
      it->second = std::max(it->second, fill);
  }
  // Per unit: launch-limited time, and whether it launches kernels (the
  // others are library calls: the GEMMs).
  std::vector<double> unitLimited(unitSeconds.size(), 0.0);
  double stepSeconds = 0, limitedSeconds = 0, librarySeconds = 0;
  for (auto [index, seconds] : llvm::enumerate(unitSeconds)) {
    auto it = unitFill.find(static_cast<int64_t>(index));
    unitLimited[index] =
        it == unitFill.end() ? seconds : seconds / std::max(it->second, 1e-9);
    stepSeconds += seconds;
    limitedSeconds += unitLimited[index];
    if (it == unitFill.end())
      librarySeconds += seconds;
  }

  llvm::json::Array list;
  int64_t underFilled = 0;
  for (const KernelLaunch &launch : launches) {
    const bool under =
        !launch.isLibraryCall() && launch.threads() < fullThreads;
    underFilled += under;
    const bool known =
        launch.unit >= 0 && launch.unit < int64_t(unitSeconds.size());
    list.push_back(llvm::json::Object{
        {"unit", launch.unit},
        {"op", known ? unitOp[launch.unit] : std::string()},
        {"kernel", launch.kernel},
        {"grid",
         llvm::json::Array{launch.grid[0], launch.grid[1], launch.grid[2]}},
        {"block",
         llvm::json::Array{launch.block[0], launch.block[1], launch.block[2]}},
        {"threads", launch.threads()},
        {"under_filled", under},
        {"unit_estimated_s", known ? unitSeconds[launch.unit] : 0.0},
        {"unit_launch_limited_s", known ? unitLimited[launch.unit] : 0.0}});
  }

  if (top > 0) {
    // The units that launch kernels, slowest launch-limited first.
    std::vector<int64_t> order;
    for (const auto &[unit, fill] : unitFill)
      order.push_back(unit);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      return unitLimited[a] > unitLimited[b];
    });
    std::map<int64_t, std::vector<const KernelLaunch *>> byUnit;
    for (const KernelLaunch &launch : launches)
      byUnit[launch.unit].push_back(&launch);
    os << llvm::formatv(
        "gc-compile: the {0} slowest of {1} kernel units on {2} "
        "(launch-limited ms, cost-model ms; grid x block = threads, * fewer "
        "than {3} = {4} SMs x 2 x 256); library calls (cuBLAS) {5:f1} ms:\n",
        std::min<size_t>(top, order.size()), order.size(), device.name,
        fullThreads, static_cast<int64_t>(device.multiprocessors),
        librarySeconds * 1e3);
    for (size_t rank = 0; rank < order.size() && rank < top; ++rank) {
      const int64_t unit = order[rank];
      os << llvm::formatv("  {0,8:f3} {1,8:f3} ms  {2}\n",
                          unitLimited[unit] * 1e3, unitSeconds[unit] * 1e3,
                          unitOp[unit]);
      for (const KernelLaunch *launch : byUnit[unit])
        os << llvm::formatv(
            "                       {0} {1}x{2} = {3}{4}\n", launch->kernel,
            int64_t(launch->grid[0]) * launch->grid[1] * launch->grid[2],
            launch->block[0] * launch->block[1] * launch->block[2],
            launch->threads(), launch->threads() < fullThreads ? " *" : "");
    }
  }
  return llvm::json::Object{{"device", device.name},
                            {"multiprocessors", device.multiprocessors},
                            {"full_launch_threads", fullThreads},
                            {"count", static_cast<int64_t>(launches.size())},
                            {"under_filled", underFilled},
                            {"estimated_step_s", stepSeconds},
                            {"library_calls_s", librarySeconds},
                            {"launch_limited_step_s", limitedSeconds},
                            {"list", std::move(list)}};
}

} // namespace

llvm::Expected<llvm::json::Value>
mlir::gc::buildLaunchReport(ModuleOp module, const StepLibraryOptions &options,
                            const StepLibrary &library,
                            const LaunchReportOptions &report,
                            PhaseTimes &times, llvm::raw_ostream &os) {
  const mlir::gc::StepEmission &emission = library.emission;
  std::string error;
  std::optional<::gc::cost::DeviceProfile> device =
      report.deviceProfilePath.empty()
          ? ::gc::cost::loadDeviceProfile(report.device, &error)
          : ::gc::cost::loadDeviceProfileFile(report.deviceProfilePath, &error);
  if (!device)
    return makeError(error);
  llvm::Expected<std::vector<KernelLaunch>> launches =
      recordLaunches(module, options, library, times);
  if (!launches)
    return launches.takeError();
  llvm::json::Object object =
      describeLaunches(*launches, emission, *device, report.top, os);
  os << llvm::formatv(
      "gc-compile: {0} kernel launches, {1} with fewer threads than {2} SMs "
      "x 2 x 256; estimated step {3:f1} ms on {4} ({5:f1} ms "
      "launch-limited)\n",
      object.getInteger("count").value_or(0),
      object.getInteger("under_filled").value_or(0),
      static_cast<int64_t>(device->multiprocessors),
      object.getNumber("estimated_step_s").value_or(0) * 1e3, device->name,
      object.getNumber("launch_limited_step_s").value_or(0) * 1e3);
  return llvm::json::Value(std::move(object));
}
