//===- gc-plan.cpp - Plan buffer offsets from a CSV of lifetimes ----------===//
//
// Runs the static memory planner on a problem given as CSV, outside the
// compiler: to benchmark the strategies on public traces (bench/memplan), to
// reproduce a plan, and to test the planner end to end.
//
//   gc-plan FILE.csv [--strategy NAME] [--time-limit S] [--alignment N]
//           [--out OFFSETS.csv]
//
// The input has a header line naming the columns id, lower, upper and size
// (in any order; an optional alignment column overrides --alignment, other
// columns are ignored) and one buffer per line, live over [lower, upper).
// The output is one JSON object on stdout; --out writes `id,offset` lines.
// Every plan is checked before it is printed. Malformed input is reported
// with its line and a non-zero exit.
//
//===----------------------------------------------------------------------===//

#include "gc/Transforms/MemPlan/MemoryPlanner.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <limits>
#include <map>
#include <optional>

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

/// Parses a whole field as a signed 64-bit integer.
std::optional<int64_t> parseInteger(llvm::StringRef field) {
  long long value;
  if (field.empty() || field.getAsInteger(10, value))
    return std::nullopt;
  return static_cast<int64_t>(value);
}

/// The buffers of a CSV file, or an error message naming the line.
struct ParseResult {
  std::vector<Buffer> buffers;
  std::string error;
};

ParseResult parseCsv(llvm::StringRef path, llvm::StringRef text,
                     int64_t alignment) {
  ParseResult result;
  auto error = [&](size_t line, const llvm::Twine &message) {
    result.error = (path + ":" + llvm::Twine(line) + ": " + message).str();
    return result;
  };
  text.consume_front("\xEF\xBB\xBF"); // A UTF-8 byte order mark.
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n');
  // Columns by name: the four required ones, then the optional alignment.
  const char *names[] = {"id", "lower", "upper", "size", "alignment"};
  int column[5] = {-1, -1, -1, -1, -1};
  size_t numColumns = 0;
  bool haveHeader = false;
  std::map<int64_t, size_t> lineOfId;
  for (size_t l = 0; l < lines.size(); ++l) {
    size_t lineNo = l + 1;
    llvm::StringRef line = lines[l].trim();
    if (line.empty())
      continue;
    llvm::SmallVector<llvm::StringRef> fields;
    line.split(fields, ',');
    for (llvm::StringRef &field : fields)
      field = field.trim();
    if (!haveHeader) {
      haveHeader = true;
      numColumns = fields.size();
      for (size_t f = 0; f < fields.size(); ++f)
        for (int c = 0; c < 5; ++c)
          if (fields[f].equals_insensitive(names[c]))
            column[c] = static_cast<int>(f);
      for (int c = 0; c < 4; ++c)
        if (column[c] < 0)
          return error(lineNo,
                       llvm::formatv("the header has no '{0}' column (expected "
                                     "a header line 'id,lower,upper,size', "
                                     "found '{1}')",
                                     names[c], line));
      continue;
    }
    if (fields.size() != numColumns)
      return error(lineNo, llvm::formatv("expected {0} fields, found {1}",
                                         numColumns, fields.size()));
    int64_t values[5] = {0, 0, 0, 0, alignment};
    for (int c = 0; c < 5; ++c) {
      if (column[c] < 0)
        continue;
      std::optional<int64_t> value = parseInteger(fields[column[c]]);
      if (!value)
        return error(lineNo,
                     llvm::formatv("field '{0}' is not an integer: '{1}'",
                                   names[c], fields[column[c]]));
      values[c] = *value;
    }
    Buffer buffer;
    buffer.id = values[0];
    buffer.lower = values[1];
    buffer.upper = values[2];
    buffer.size = values[3];
    buffer.alignment = values[4];
    if (buffer.size < 0)
      return error(lineNo, llvm::formatv("buffer {0} has a negative size {1}",
                                         buffer.id, buffer.size));
    if (buffer.upper <= buffer.lower)
      return error(lineNo,
                   llvm::formatv("buffer {0} has upper {1} <= lower "
                                 "{2} (lifetimes are [lower, upper))",
                                 buffer.id, buffer.upper, buffer.lower));
    if (buffer.alignment < 1)
      return error(lineNo,
                   llvm::formatv("buffer {0} has alignment {1}, which is not "
                                 "positive",
                                 buffer.id, buffer.alignment));
    // Sizes are summed over live buffers: keep every sum far from overflow.
    if (buffer.size > (int64_t(1) << 48) ||
        buffer.alignment > (int64_t(1) << 32))
      return error(lineNo,
                   llvm::formatv("buffer {0} is too large to plan "
                                 "(size {1}, alignment {2})",
                                 buffer.id, buffer.size, buffer.alignment));
    auto [it, inserted] = lineOfId.emplace(buffer.id, lineNo);
    if (!inserted)
      return error(lineNo, llvm::formatv("duplicate buffer id {0} (first on "
                                         "line {1})",
                                         buffer.id, it->second));
    result.buffers.push_back(buffer);
  }
  if (!haveHeader)
    result.error = (path + ": the file is empty (expected a header line "
                           "'id,lower,upper,size')")
                       .str();
  else if (result.buffers.size() > (size_t(1) << 24))
    result.error = (path + ": too many buffers").str();
  return result;
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
  ParseResult parsed =
      parseCsv(inputFile, (*file)->getBuffer(), defaultAlignment);
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
      "\"optimal\": {6}, \"buffers\": {7}}\n",
      plan.arenaBytes, bound, llvm::formatv("{0:f6}", ratio),
      llvm::formatv("{0:f4}", plan.seconds), strategy->getName(), plan.strategy,
      plan.optimal ? "true" : "false", buffers.size());

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
