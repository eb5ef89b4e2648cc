//===- RunCompiled.cpp - gc-run on a compiled step ------------------------===//
//
// The driver of a compiled step: a gc_rt session on the requested device,
// arguments initialised from the seed (the rules gc-run uses for .mlir
// files, so both start from the same values) and overridden from
// --inputs, then --steps runs with the runtime feeding results back, and
// the figures a user compares with other frameworks: loss per step, median
// step time, tokens per second, planned against measured arena.
//
//===----------------------------------------------------------------------===//

#include "RunCompiled.h"

#include "gc_rt/Runtime.h"

#include "gc/Support/OutputFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

using namespace gc::tools;

std::string gc::tools::findCompiledStep(const std::string &path) {
  if (llvm::sys::fs::is_directory(path)) {
    llvm::SmallString<256> library(path);
    llvm::sys::path::append(library, "libstep.so");
    return std::string(library);
  }
  if (llvm::StringRef(path).ends_with(".so"))
    return path;
  return "";
}

namespace {
/// "rank R: " in a data-parallel group of several ranks, else empty: the
/// prefix of every message, so that a user knows which rank failed.
std::string rankPrefix;

/// Owns a status; reports it as gc-run's error.
bool failed(gc_rt_status_t status) {
  if (!status)
    return false;
  llvm::WithColor::error(llvm::errs(), "gc-run")
      << rankPrefix << gc_rt_status_message(status) << "\n";
  gc_rt_status_free(status);
  return true;
}

struct CommunicatorDeleter {
  void operator()(gc_rt_communicator_t *group) const {
    gc_rt_communicator_release(group);
  }
};

struct SessionDeleter {
  void operator()(gc_rt_session_t *session) const {
    gc_rt_session_release(session);
  }
};
struct StepDeleter {
  void operator()(gc_rt_step_t *step) const { gc_rt_step_release(step); }
};

const char *roleName(gc_step_role_t role) {
  switch (role) {
  case GC_STEP_ROLE_PARAMETER:
    return "parameters";
  case GC_STEP_ROLE_OPTIMIZER_STATE:
    return "optimizer state";
  case GC_STEP_ROLE_BATCH:
    return "batch";
  case GC_STEP_ROLE_SEED:
    return "seed";
  case GC_STEP_ROLE_OUTPUT:
    return "outputs";
  case GC_STEP_ROLE_STEP_COUNTER:
    return "step counter";
  }
  return "?";
}
} // namespace

namespace {
using GroupPtr = std::unique_ptr<gc_rt_communicator_t, CommunicatorDeleter>;
int runSteps(const CompiledRunOptions &options, GroupPtr &group,
             llvm::raw_ostream &out);
} // namespace

int gc::tools::runCompiled(const CompiledRunOptions &options,
                           llvm::raw_ostream &out) {
  if (!llvm::sys::fs::exists(options.library)) {
    llvm::WithColor::error(llvm::errs(), "gc-run")
        << "no compiled step at '" << options.library
        << "' (build one with gc-compile --target cpu|cuda -o DIR)\n";
    return 1;
  }
  // Outlives the step and the session that runSteps releases.
  GroupPtr group;
  int code = runSteps(options, group, out);
  // A failed rank ends the whole group, so that no other rank waits for it.
  if (code != 0 && group && gc_rt_communicator_world_size(group.get()) > 1) {
    llvm::errs().flush();
    gc_rt_communicator_abort(group.get(), code);
  }
  return code;
}

namespace {
/// Joins the launcher's data-parallel group (mpirun; a group of one
/// without a launcher).
bool joinGroup(const CompiledRunOptions &options, GroupPtr &group) {
  gc_rt_communicator_options_t groupOptions;
  gc_rt_communicator_options_initialize(&groupOptions);
  groupOptions.timeout_seconds = options.collectiveTimeout;
  gc_rt_communicator_t *rawGroup = nullptr;
  if (failed(gc_rt_communicator_create(&groupOptions, &rawGroup)))
    return false;
  group.reset(rawGroup);
  if (gc_rt_communicator_world_size(rawGroup) > 1)
    rankPrefix =
        "rank " + std::to_string(gc_rt_communicator_rank(rawGroup)) + ": ";
  return true;
}

int runSteps(const CompiledRunOptions &options, GroupPtr &group,
             llvm::raw_ostream &allRanksOut) {
  gc_rt_session_options_t sessionOptions;
  gc_rt_session_options_initialize(&sessionOptions);
  sessionOptions.device = options.device.c_str();
  sessionOptions.num_threads = options.numThreads;
  gc_rt_session_t *rawSession = nullptr;
  if (failed(gc_rt_session_create(&sessionOptions, &rawSession)))
    return 1;
  std::unique_ptr<gc_rt_session_t, SessionDeleter> session(rawSession);
  gc_rt_step_t *rawStep = nullptr;
  if (failed(gc_rt_step_load(session.get(), options.library.c_str(), &rawStep)))
    return 1;
  std::unique_ptr<gc_rt_step_t, StepDeleter> step(rawStep);
  const gc_step_descriptor_t *descriptor = gc_rt_step_descriptor(step.get());
  // A data-parallel step runs in the launcher's group; rank 0 speaks for
  // it.
  if (descriptor->num_collectives > 0 &&
      (!joinGroup(options, group) ||
       failed(gc_rt_step_set_communicator(step.get(), group.get()))))
    return 1;
  const int32_t rank = gc_rt_communicator_rank(group.get());
  const int32_t worldSize = gc_rt_communicator_world_size(group.get());
  llvm::raw_ostream &out = rank == 0 ? allRanksOut : llvm::nulls();

  int counts[GC_STEP_ROLE_STEP_COUNTER + 1] = {};
  int64_t tokensPerStep = 0;
  for (int32_t i = 0; i < descriptor->num_arguments; ++i) {
    const gc_step_tensor_t &argument = descriptor->arguments[i];
    ++counts[argument.role];
    // Tokens per step: the elements of the first batch argument of ids
    // (an INDEX-initialised one, input_ids for a language model).
    if (tokensPerStep == 0 && argument.role == GC_STEP_ROLE_BATCH &&
        argument.init == GC_STEP_INIT_INDEX) {
      tokensPerStep = 1;
      for (int32_t d = 0; d < argument.rank; ++d)
        tokensPerStep *= argument.shape[d];
    }
  }
  out << "gc-run: " << options.library << ": target " << descriptor->target
      << ", @" << descriptor->function_name << ", " << descriptor->num_arguments
      << " arguments (";
  bool first = true;
  for (int role :
       {GC_STEP_ROLE_PARAMETER, GC_STEP_ROLE_OPTIMIZER_STATE,
        GC_STEP_ROLE_STEP_COUNTER, GC_STEP_ROLE_BATCH, GC_STEP_ROLE_SEED})
    if (counts[role]) {
      out << (first ? "" : ", ") << counts[role] << " "
          << roleName(static_cast<gc_step_role_t>(role));
      first = false;
    }
  out << "), " << descriptor->num_results << " results; device "
      << gc_rt_session_device_name(session.get()) << "\n";
  if (descriptor->num_collectives > 0)
    out << "data parallel: " << worldSize
        << (worldSize == 1 ? " rank" : " ranks") << ", "
        << descriptor->num_collectives
        << " all-reduce buckets per step, global batch " << worldSize
        << " x the step's batch\n";

  if (failed(gc_rt_step_initialize(step.get(), options.seed)))
    return 1;
  if (!options.inputsPath.empty() &&
      failed(gc_rt_step_load_tensors(step.get(), options.inputsPath.c_str(),
                                     /*allow_unknown=*/0)))
    return 1;
  if (options.dropoutSeed) {
    int64_t seed = *options.dropoutSeed;
    for (int32_t i = 0; i < descriptor->num_arguments; ++i)
      if (descriptor->arguments[i].role == GC_STEP_ROLE_SEED &&
          failed(gc_rt_step_set_argument(
              step.get(), descriptor->arguments[i].name, &seed, sizeof(seed))))
        return 1;
  }
  // Every rank starts from rank 0's state.
  if (failed(gc_rt_step_broadcast_state(step.get())))
    return 1;
  if (options.trackArena && failed(gc_rt_step_track_arena(step.get(), 1)))
    return 1;

  // A loss-scaled step (fp16-mixed) returns its skip flag and new scale.
  auto hasResult = [&](llvm::StringRef name) {
    for (int32_t i = 0; i < descriptor->num_results; ++i)
      if (name == descriptor->results[i].name)
        return true;
    return false;
  };
  const bool lossScaled =
      hasResult("amp.found_inf") && hasResult("amp.loss_scale");

  std::vector<double> seconds;
  // Per step: seconds the group's reductions ran, and seconds the step
  // waited for them (the part not hidden behind its computation).
  std::vector<double> reduceSeconds, waitSeconds;
  llvm::json::Array stepsJson;
  for (int64_t k = 0; k < options.steps; ++k) {
    gc_rt_step_stats_t stats;
    double reducedBefore = 0, waitedBefore = 0;
    if (group && failed(gc_rt_communicator_timing(group.get(), &reducedBefore,
                                                  &waitedBefore)))
      return 1;
    if (failed(gc_rt_step_run(step.get(), &stats)))
      return 1;
    if (group) {
      double reduced = 0, waited = 0;
      if (failed(gc_rt_communicator_timing(group.get(), &reduced, &waited)))
        return 1;
      reduceSeconds.push_back(reduced - reducedBefore);
      waitSeconds.push_back(waited - waitedBefore);
    }
    // The group's loss: the mean of the ranks' (each the mean over its
    // slice), as DDP users report it.
    if (worldSize > 1 && descriptor->loss_result >= 0) {
      if (failed(
              gc_rt_communicator_all_reduce_host(group.get(), &stats.loss, 1)))
        return 1;
      stats.loss /= worldSize;
    }
    seconds.push_back(stats.seconds);
    llvm::json::Object entry{{"seconds", stats.seconds}};
    if (descriptor->loss_result >= 0 && std::isfinite(stats.loss))
      entry["loss"] = stats.loss;
    else if (descriptor->loss_result >= 0)
      entry["loss"] = nullptr;
    out << "step " << (k + 1);
    if (descriptor->loss_result >= 0)
      out << ": loss = " << llvm::format("%.9g", stats.loss);
    if (lossScaled) {
      float found = 0, scale = 0;
      if (failed(gc_rt_step_read_tensor(step.get(), "amp.found_inf", &found,
                                        sizeof(found))) ||
          failed(gc_rt_step_read_tensor(step.get(), "amp.loss_scale", &scale,
                                        sizeof(scale))))
        return 1;
      if (found != 0)
        out << ", skipped (an inf or NaN gradient)";
      out << ", loss scale " << llvm::format("%g", scale);
      entry["skipped"] = found != 0;
      entry["loss_scale"] = scale;
    }
    out << " (" << llvm::format("%.3f", stats.seconds * 1e3) << " ms)\n";
    stepsJson.push_back(std::move(entry));
    // A checkpoint every --save-every steps, by rank 0 (all ranks hold the
    // same state), replaced atomically: a run that dies keeps the last one.
    if (options.saveEvery > 0 && (k + 1) % options.saveEvery == 0 &&
        k + 1 < options.steps && rank == 0) {
      if (failed(gc_rt_step_save_state(step.get(), options.savePath.c_str())))
        return 1;
      out << "saved the state after step " << (k + 1) << " to "
          << options.savePath << "\n";
    }
  }

  // The first step pays for warm-up (page faults, cuBLAS heuristics).
  auto timedMedian = [](const std::vector<double> &all) {
    std::vector<double> timed(all.size() > 1 ? all.begin() + 1 : all.begin(),
                              all.end());
    std::sort(timed.begin(), timed.end());
    if (timed.empty())
      return 0.0;
    return timed.size() % 2
               ? timed[timed.size() / 2]
               : 0.5 * (timed[timed.size() / 2 - 1] + timed[timed.size() / 2]);
  };
  std::vector<double> timed(seconds.size() > 1 ? seconds.begin() + 1
                                               : seconds.begin(),
                            seconds.end());
  std::sort(timed.begin(), timed.end());
  double median = timedMedian(seconds);
  out << "step time: median " << llvm::format("%.3f", median * 1e3)
      << " ms over " << timed.size() << " steps"
      << (seconds.size() > 1 ? " (the first step excluded)" : "") << "\n";
  const double reduceMedian = timedMedian(reduceSeconds);
  const double waitMedian = timedMedian(waitSeconds);
  // The share of the reductions' time the step did not wait for (the
  // wait's wake-up can make it read a hair below zero).
  const double hidden =
      reduceMedian > 0
          ? std::clamp(100 * (1 - waitMedian / reduceMedian), 0.0, 100.0)
          : 0.0;
  // NCCL reduces on the stream, inside the step's time; reductions the
  // communicator stages on the host are timed apart.
  const bool cudaStep = llvm::StringRef(descriptor->target) == "cuda" &&
                        reduceMedian == 0 && waitMedian == 0;
  if (group && worldSize > 1 && cudaStep)
    out << "all-reduce: NCCL on the collectives' stream, timed with the step\n";
  else if (group && worldSize > 1)
    out << "all-reduce: median " << llvm::format("%.3f", reduceMedian * 1e3)
        << " ms per step, " << llvm::format("%.3f", waitMedian * 1e3)
        << " ms of it waited for (" << llvm::format("%.0f", hidden)
        << " % hidden behind computation; rank 0)\n";
  // The group processes every rank's tokens in one step.
  tokensPerStep *= worldSize;
  if (tokensPerStep > 0 && median > 0)
    out << "tokens/s: " << llvm::format("%.0f", tokensPerStep / median)
        << (worldSize > 1 ? " (all ranks)" : "") << "\n";

  gc_rt_memory_stats_t memory;
  if (failed(gc_rt_step_memory_stats(step.get(), &memory)))
    return 1;
  if (options.trackArena)
    out << "arena: planned " << memory.arena_bytes << " bytes, high-water "
        << memory.arena_high_water << " bytes\n";
  out << "memory: arena " << memory.arena_bytes << " bytes, state "
      << memory.state_bytes << " bytes";
  if (memory.device_total_bytes >= 0)
    out << ", device free " << memory.device_free_bytes << " bytes of "
        << memory.device_total_bytes << " bytes";
  out << "\n";

  if (rank != 0)
    return 0;
  if (!options.jsonPath.empty()) {
    llvm::json::Object report{
        {"library", options.library},
        {"target", descriptor->target},
        {"function", descriptor->function_name},
        {"device", gc_rt_session_device_name(session.get())},
        {"steps", std::move(stepsJson)},
        {"timed_steps", static_cast<int64_t>(timed.size())},
        {"median_step_s", median},
        {"min_step_s", timed.empty() ? 0.0 : timed.front()},
        {"tokens_per_step", tokensPerStep},
        {"world_size", static_cast<int64_t>(worldSize)},
        {"all_reduce_median_s", group && worldSize > 1 && !cudaStep
                                    ? llvm::json::Value(reduceMedian)
                                    : llvm::json::Value(nullptr)},
        {"all_reduce_waited_median_s", group && worldSize > 1 && !cudaStep
                                           ? llvm::json::Value(waitMedian)
                                           : llvm::json::Value(nullptr)},
        {"tokens_per_s", tokensPerStep > 0 && median > 0
                             ? llvm::json::Value(tokensPerStep / median)
                             : llvm::json::Value(nullptr)},
        {"arena_bytes", memory.arena_bytes},
        {"arena_high_water_bytes",
         options.trackArena ? llvm::json::Value(memory.arena_high_water)
                            : llvm::json::Value(nullptr)},
        {"state_bytes", memory.state_bytes},
        {"device_free_bytes", memory.device_total_bytes >= 0
                                  ? llvm::json::Value(memory.device_free_bytes)
                                  : llvm::json::Value(nullptr)},
        {"device_total_bytes",
         memory.device_total_bytes >= 0
             ? llvm::json::Value(memory.device_total_bytes)
             : llvm::json::Value(nullptr)}};
    if (llvm::Error error = mlir::gc::writeOutputFile(
            options.jsonPath, [&](llvm::raw_ostream &os) {
              os << llvm::formatv("{0:2}", llvm::json::Value(std::move(report)))
                 << "\n";
              return llvm::Error::success();
            })) {
      llvm::WithColor::error(llvm::errs(), "gc-run")
          << llvm::toString(std::move(error)) << "\n";
      return 1;
    }
  }

  if (!options.outputPath.empty()) {
    if (failed(gc_rt_step_save_results(step.get(), options.outputPath.c_str())))
      return 1;
    out << "wrote " << descriptor->num_results << " results to "
        << options.outputPath << "\n";
  }
  if (!options.savePath.empty()) {
    if (failed(gc_rt_step_save_state(step.get(), options.savePath.c_str())))
      return 1;
    out << "saved parameters and optimizer state to " << options.savePath
        << "\n";
  }
  return 0;
}
} // namespace
