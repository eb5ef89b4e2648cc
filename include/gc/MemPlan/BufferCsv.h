//===- BufferCsv.h - Memory-planning problems as CSV ------------*- C++ -*-===//
//
// The text form of a planning problem that gc-plan reads and the public
// traces of bench/memplan use: a header line naming the columns id, lower,
// upper and size (in any order, case-insensitive; an optional alignment
// column overrides the default alignment; other columns are ignored), then
// one buffer per line, live over [lower, upper).
//
//===----------------------------------------------------------------------===//

#ifndef GC_MEMPLAN_BUFFERCSV_H
#define GC_MEMPLAN_BUFFERCSV_H

#include "gc/MemPlan/MemoryPlanner.h"

#include <string>
#include <string_view>
#include <vector>

namespace gc::memplan {

/// Limits on what a CSV problem may ask for: every sum the planner forms
/// over live buffers stays far from int64 overflow.
constexpr int64_t kMaxCsvBufferBytes = int64_t(1) << 48;
constexpr int64_t kMaxCsvAlignment = int64_t(1) << 32;
constexpr size_t kMaxCsvBuffers = size_t(1) << 24;

/// The buffers of a CSV problem, or an error naming the line.
struct BufferCsv {
  std::vector<Buffer> buffers;
  /// Empty on success; otherwise "<path>:<line>: <what is wrong>".
  std::string error;
};

/// Parses `text` (the contents of `path`, which only names it in errors);
/// `alignment` applies to buffers without an alignment column.
BufferCsv parseBufferCsv(std::string_view path, std::string_view text,
                         int64_t alignment);

} // namespace gc::memplan

#endif // GC_MEMPLAN_BUFFERCSV_H
