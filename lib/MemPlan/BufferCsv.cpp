//===- BufferCsv.cpp - Memory-planning problems as CSV --------------------===//

#include "gc/MemPlan/BufferCsv.h"

#include <cctype>
#include <charconv>
#include <map>
#include <optional>

using namespace gc::memplan;

namespace {
std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text[0])))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

/// The comma-separated fields of `line`, each trimmed.
std::vector<std::string_view> splitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  for (;;) {
    size_t comma = line.find(',');
    fields.push_back(trim(line.substr(0, comma)));
    if (comma == std::string_view::npos)
      return fields;
    line.remove_prefix(comma + 1);
  }
}

/// A whole field as a signed 64-bit decimal integer.
std::optional<int64_t> parseInteger(std::string_view field) {
  int64_t value = 0;
  auto [end, error] =
      std::from_chars(field.data(), field.data() + field.size(), value);
  if (field.empty() || error != std::errc() ||
      end != field.data() + field.size())
    return std::nullopt;
  return value;
}

std::string str(int64_t value) { return std::to_string(value); }
} // namespace

BufferCsv gc::memplan::parseBufferCsv(std::string_view path,
                                      std::string_view text,
                                      int64_t alignment) {
  BufferCsv result;
  auto fail = [&](size_t line, const std::string &message) {
    result.buffers.clear();
    result.error =
        std::string(path) + ":" + std::to_string(line) + ": " + message;
    return result;
  };
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (text.substr(0, kByteOrderMark.size()) == kByteOrderMark)
    text.remove_prefix(kByteOrderMark.size());
  // Columns by name: the four required ones, then the optional alignment.
  constexpr const char *kNames[] = {"id", "lower", "upper", "size",
                                    "alignment"};
  int column[5] = {-1, -1, -1, -1, -1};
  size_t numColumns = 0;
  bool haveHeader = false;
  std::map<int64_t, size_t> lineOfId;
  size_t lineNo = 0;
  while (!text.empty()) {
    size_t newline = text.find('\n');
    std::string_view line = trim(text.substr(0, newline));
    text.remove_prefix(newline == std::string_view::npos ? text.size()
                                                         : newline + 1);
    ++lineNo;
    if (line.empty())
      continue;
    std::vector<std::string_view> fields = splitFields(line);
    if (!haveHeader) {
      haveHeader = true;
      numColumns = fields.size();
      for (size_t f = 0; f < fields.size(); ++f)
        for (int c = 0; c < 5; ++c)
          if (equalsIgnoringCase(fields[f], kNames[c]))
            column[c] = static_cast<int>(f);
      for (int c = 0; c < 4; ++c)
        if (column[c] < 0)
          return fail(lineNo, std::string("the header has no '") + kNames[c] +
                                  "' column (expected a header line "
                                  "'id,lower,upper,size', found '" +
                                  std::string(line) + "')");
      continue;
    }
    if (fields.size() != numColumns)
      return fail(lineNo, "expected " + std::to_string(numColumns) +
                              " fields, found " +
                              std::to_string(fields.size()));
    int64_t values[5] = {0, 0, 0, 0, alignment};
    for (int c = 0; c < 5; ++c) {
      if (column[c] < 0)
        continue;
      std::optional<int64_t> value = parseInteger(fields[column[c]]);
      if (!value)
        return fail(lineNo, std::string("field '") + kNames[c] +
                                "' is not an integer: '" +
                                std::string(fields[column[c]]) + "'");
      values[c] = *value;
    }
    Buffer buffer;
    buffer.id = values[0];
    buffer.lower = values[1];
    buffer.upper = values[2];
    buffer.size = values[3];
    buffer.alignment = values[4];
    std::string id = str(buffer.id);
    if (buffer.size < 0)
      return fail(lineNo,
                  "buffer " + id + " has a negative size " + str(buffer.size));
    if (buffer.upper <= buffer.lower)
      return fail(lineNo, "buffer " + id + " has upper " + str(buffer.upper) +
                              " <= lower " + str(buffer.lower) +
                              " (lifetimes are [lower, upper))");
    if (buffer.alignment < 1)
      return fail(lineNo, "buffer " + id + " has alignment " +
                              str(buffer.alignment) +
                              ", which is not positive");
    if (buffer.size > kMaxCsvBufferBytes || buffer.alignment > kMaxCsvAlignment)
      return fail(lineNo, "buffer " + id + " is too large to plan (size " +
                              str(buffer.size) + ", alignment " +
                              str(buffer.alignment) + ")");
    auto [it, inserted] = lineOfId.emplace(buffer.id, lineNo);
    if (!inserted)
      return fail(lineNo, "duplicate buffer id " + id + " (first on line " +
                              std::to_string(it->second) + ")");
    if (result.buffers.size() == kMaxCsvBuffers)
      return fail(lineNo, "too many buffers (at most " +
                              std::to_string(kMaxCsvBuffers) + ")");
    result.buffers.push_back(buffer);
  }
  if (!haveHeader)
    result.error = std::string(path) +
                   ": the file is empty (expected a header line "
                   "'id,lower,upper,size')";
  return result;
}
