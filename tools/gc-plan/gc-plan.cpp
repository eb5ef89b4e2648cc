//===- gc-plan.cpp - Plan buffer offsets from a CSV of lifetimes ----------===//
//
// Runs the static memory planner on a problem given as CSV, outside the
// compiler: to benchmark the strategies on public traces (bench/memplan), to
// reproduce a plan, and to test the planner end to end.
//
//   gc-plan FILE.csv [--strategy NAME] [--time-limit S] [--alignment N]
//           [--out OFFSETS.csv]
//
// The input is a CSV problem (gc/MemPlan/BufferCsv.h): a header
// line naming the columns id, lower, upper and size, and one buffer per line,
// live over [lower, upper).
// The output is one JSON object on stdout; --out writes `id,offset` lines.
// Every plan is checked before it is printed. Malformed input is reported
// with its line and a non-zero exit.
//
//===----------------------------------------------------------------------===//

#include "gc/MemPlan/BufferCsv.h"
#include "gc/MemPlan/MemoryPlanner.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace gc::memplan;

namespace {

llvm::cl::OptionCategory planCategory("gc-plan options");

llvm::cl::opt<std::string> inputFile(llvm::cl::Positional,
                                     llvm::cl::desc("<buffers.csv>"),
                                     llvm::cl::Required,
                                     llvm::cl::cat(planCategory));

llvm::cl::opt<std::string>
    strategyName("strategy",
                 llvm::cl::desc("Planning strategy (greedy-size, "
                                "greedy-lifetime, greedy-breadth, "
                                "local-search, search, best)"),
                 llvm::cl::init(kDefaultStrategy), llvm::cl::cat(planCategory));

llvm::cl::opt<double>
    timeLimit("time-limit",
              llvm::cl::desc("Time limit of the search phases, in seconds"),
              llvm::cl::init(PlanOptions().timeLimitSeconds),
              llvm::cl::cat(planCategory));

llvm::cl::opt<long long> defaultAlignment(
    "alignment",
    llvm::cl::desc("Alignment of every offset, in bytes (an alignment "
                   "column in the CSV takes precedence)"),
    llvm::cl::init(1), llvm::cl::cat(planCategory));

llvm::cl::opt<std::string>
    outputFile("out", llvm::cl::desc("Write the offsets as id,offset CSV"),
               llvm::cl::value_desc("file"), llvm::cl::cat(planCategory));

llvm::cl::opt<unsigned long long>
    seed("seed", llvm::cl::desc("Seed of the randomized search phases"),
         llvm::cl::init(PlanOptions().seed), llvm::cl::cat(planCategory));

int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "gc-plan") << message << "\n";
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::cl::HideUnrelatedOptions(planCategory);
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "gc-plan: offsets for buffers with known lifetimes, in one arena\n");

  std::unique_ptr<Strategy> strategy = createStrategy(strategyName);
  if (!strategy)
    return fail("unknown strategy '" + strategyName + "'; choose one of " +
                llvm::join(getStrategyNames(), ", "));
  if (!(timeLimit > 0) || timeLimit > 1e6)
    return fail(llvm::formatv("--time-limit must be a positive number of "
                              "seconds, but is {0}",
                              timeLimit.getValue()));
  if (defaultAlignment < 1 || defaultAlignment > (1LL << 32))
    return fail(llvm::formatv("--alignment must be between 1 and 2^32, but "
                              "is {0}",
                              defaultAlignment.getValue()));

  auto file = llvm::MemoryBuffer::getFileOrSTDIN(inputFile, /*IsText=*/true);
  if (std::error_code ec = file.getError())
    return fail(inputFile + ": " + ec.message());
  BufferCsv parsed =
      parseBufferCsv(inputFile, (*file)->getBuffer(), defaultAlignment);
  if (!parsed.error.empty())
    return fail(parsed.error);
  const std::vector<Buffer> &buffers = parsed.buffers;

  PlanOptions options;
  options.timeLimitSeconds = timeLimit;
  options.seed = seed;
  Plan plan = strategy->plan(buffers, options);
  std::string violation = checkPlan(buffers, plan);
  if (!violation.empty())
    return fail("internal error: strategy '" + plan.strategy +
                "' produced an invalid plan: " + violation);

  int64_t bound = lowerBound(buffers);
  double ratio = bound > 0 ? static_cast<double>(plan.arenaBytes) / bound : 1;
  llvm::outs() << llvm::formatv(
      "{{\"arena_bytes\": {0}, \"lower_bound_bytes\": {1}, \"ratio\": {2}, "
      "\"seconds\": {3}, \"strategy\": \"{4}\", \"found_by\": \"{5}\", "
      "\"optimal\": {6}, \"buffers\": {7}, \"wall_clock_cap_hit\": {8}}\n",
      plan.arenaBytes, bound, llvm::formatv("{0:f6}", ratio),
      llvm::formatv("{0:f4}", plan.seconds), strategy->getName(), plan.strategy,
      plan.optimal ? "true" : "false", buffers.size(),
      plan.hitWallClockCap ? "true" : "false");

  if (!outputFile.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream os(outputFile, ec, llvm::sys::fs::OF_Text);
    if (ec)
      return fail(outputFile + ": " + ec.message());
    os << "id,offset\n";
    for (size_t i = 0; i < buffers.size(); ++i)
      os << buffers[i].id << "," << plan.offsets[i] << "\n";
    os.close();
    if (os.has_error())
      return fail(outputFile + ": " + os.error().message());
  }
  return 0;
}
