//===- Safetensors.cpp - Read and write safetensors files -----------------===//
//
// The reader treats the file as untrusted input: every length and offset is
// checked against the file's real size before anything is allocated or read,
// the JSON header is parsed through nlohmann's SAX interface (which reports
// errors by return value, never by exception) into a DOM that is only ever
// accessed after a type check, and duplicate keys, which a plain JSON parser
// would silently collapse, are rejected while parsing. Every failure becomes
// a one-line Status naming the file.
//
// The writer lays the file out exactly as the reference implementation does
// (tensors ordered by descending dtype, then by name, so that every tensor
// starts at an offset aligned to its element size; compact JSON with
// "__metadata__" first; the header padded with spaces to a multiple of 8) and
// replaces the target through a synced temporary file and rename(2).
//
//===----------------------------------------------------------------------===//

#include "gc_rt/Safetensors.h"
#include "gc_rt/HalfFloat.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <new>
#include <set>
#include <sys/stat.h>
#include <tuple>
#include <unistd.h>

using namespace gc::rt;
using json = nlohmann::json;

//===----------------------------------------------------------------------===//
// DType
//===----------------------------------------------------------------------===//

namespace {
struct DTypeInfo {
  DType dtype;
  const char *name;
  size_t size;
};

// Listed in the order of the reference implementation's dtype enum: written
// files order tensors by descending position in this table.
constexpr DTypeInfo kDTypes[] = {
    {DType::Bool, "BOOL", 1},      {DType::U8, "U8", 1},
    {DType::I8, "I8", 1},          {DType::F8E5M2, "F8_E5M2", 1},
    {DType::F8E4M3, "F8_E4M3", 1}, {DType::I16, "I16", 2},
    {DType::U16, "U16", 2},        {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2},      {DType::I32, "I32", 4},
    {DType::U32, "U32", 4},        {DType::F32, "F32", 4},
    {DType::F64, "F64", 8},        {DType::I64, "I64", 8},
    {DType::U64, "U64", 8},
};

const DTypeInfo *lookupDType(DType dtype) {
  for (const DTypeInfo &info : kDTypes)
    if (info.dtype == dtype)
      return &info;
  return nullptr;
}

/// Position of `dtype` in kDTypes, which decides the order of tensors in a
/// written file.
size_t getDTypeRank(DType dtype) {
  return static_cast<size_t>(lookupDType(dtype) - kDTypes);
}
} // namespace

size_t gc::rt::getDTypeSize(DType dtype) {
  const DTypeInfo *info = lookupDType(dtype);
  return info ? info->size : 0;
}

const char *gc::rt::getDTypeName(DType dtype) {
  const DTypeInfo *info = lookupDType(dtype);
  return info ? info->name : "<invalid dtype>";
}

std::optional<DType> gc::rt::parseDType(const std::string &name) {
  for (const DTypeInfo &info : kDTypes)
    if (name == info.name)
      return info.dtype;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// NamedTensor
//===----------------------------------------------------------------------===//

int64_t NamedTensor::getNumElements() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

const NamedTensor *gc::rt::findTensor(const std::vector<NamedTensor> &tensors,
                                      const std::string &name) {
  for (const NamedTensor &tensor : tensors)
    if (tensor.name == name)
      return &tensor;
  return nullptr;
}

NamedTensor *gc::rt::findTensor(std::vector<NamedTensor> &tensors,
                                const std::string &name) {
  for (NamedTensor &tensor : tensors)
    if (tensor.name == name)
      return &tensor;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

namespace {
/// Size of the little-endian header-length prefix.
constexpr uint64_t kPrefixSize = 8;
/// Largest header the reference implementation accepts. A file claiming a
/// larger one is damaged or hostile, and reading it would allocate that much.
constexpr uint64_t kMaxHeaderSize = 100'000'000;
/// Name of the header entry that holds string metadata, not a tensor.
constexpr const char *kMetadataKey = "__metadata__";

Status fileError(const std::string &path, const std::string &problem) {
  return Status::error(path + ": " + problem);
}

std::string describeErrno(int error) { return std::strerror(error); }

/// `text` in single quotes with control characters escaped, so that a name
/// taken from a damaged file cannot break a one-line message.
std::string quote(const std::string &text) {
  static const char kHex[] = "0123456789abcdef";
  std::string result = "'";
  for (unsigned char c : text) {
    if (c == '\n') {
      result += "\\n";
    } else if (c < 0x20 || c == 0x7f) {
      result += "\\x";
      result += kHex[c >> 4];
      result += kHex[c & 0xf];
    } else {
      result += static_cast<char>(c);
    }
  }
  return result + "'";
}

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string result = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      result += ", ";
    result += std::to_string(shape[i]);
  }
  return result + "]";
}

/// Bytes that `shape` of `dtype` occupies, or std::nullopt if that does not
/// fit in 64 bits. Dimensions must be non-negative.
std::optional<uint64_t> getByteSize(const std::vector<int64_t> &shape,
                                    DType dtype) {
  uint64_t bytes = getDTypeSize(dtype);
  for (int64_t dim : shape)
    if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(dim), &bytes))
      return std::nullopt;
  return bytes;
}

/// Closes a file descriptor when it goes out of scope.
class FdCloser {
public:
  explicit FdCloser(int fd) : fd(fd) {}
  FdCloser(const FdCloser &) = delete;
  FdCloser &operator=(const FdCloser &) = delete;
  ~FdCloser() {
    if (fd >= 0)
      ::close(fd);
  }
  /// Closes now and reports close(2)'s error, which for a written file can
  /// be the first sign that the data did not reach the disk.
  int close() {
    int result = ::close(fd);
    fd = -1;
    return result;
  }

private:
  int fd;
};

/// Runs `body`, turning an escaping exception (an allocation failure on a
/// huge but well-formed file) into a Status: the API never throws.
template <typename Body> Status runGuarded(const std::string &path, Body body) {
#if defined(__cpp_exceptions)
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return fileError(path, "out of memory");
  } catch (const std::exception &e) {
    return fileError(path, std::string("unexpected error: ") + e.what());
  } catch (...) {
    return fileError(path, "unexpected error");
  }
#else
  return body();
#endif
}
} // namespace

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

namespace {
/// Builds a json DOM from SAX events and rejects duplicate object keys,
/// which json's own parser would silently resolve to the last occurrence:
/// a header that names a tensor twice is ambiguous, not a choice to make for
/// the user. Parse errors are captured with their position.
class HeaderParser final : public nlohmann::json_sax<json> {
public:
  json root;
  /// Set when parsing stopped; describes why.
  std::string error;

  bool null() override { return addScalar(json(nullptr)); }
  bool boolean(bool value) override { return addScalar(json(value)); }
  bool number_integer(number_integer_t value) override {
    return addScalar(json(value));
  }
  bool number_unsigned(number_unsigned_t value) override {
    return addScalar(json(value));
  }
  bool number_float(number_float_t value, const string_t &) override {
    return addScalar(json(value));
  }
  bool string(string_t &value) override {
    return addScalar(json(std::move(value)));
  }
  // Binary values exist only in binary formats, never in JSON text.
  bool binary(binary_t &) override {
    error = "header is not valid JSON: unexpected binary value";
    return false;
  }

  bool start_object(std::size_t) override {
    keySets.emplace_back();
    return openContainer(json::object());
  }
  bool key(string_t &value) override {
    if (!keySets.back().insert(value).second) {
      error = describeDuplicate(value);
      return false;
    }
    if (keySets.size() == 1)
      topLevelKey = value;
    pendingKey = std::move(value);
    return true;
  }
  bool end_object() override {
    keySets.pop_back();
    stack.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    return openContainer(json::array());
  }
  bool end_array() override {
    stack.pop_back();
    return true;
  }

  bool parse_error(std::size_t, const std::string &,
                   const nlohmann::detail::exception &ex) override {
    // what() reads "[json.exception.parse_error.101] parse error at line 1,
    // column 5: ..."; the bracketed id means nothing to a user.
    std::string what = ex.what();
    size_t idEnd = what.find("] ");
    error = "header is not valid JSON: " +
            (idEnd == std::string::npos ? what : what.substr(idEnd + 2));
    return false;
  }

private:
  /// Containers being filled, innermost last. Each is a child of the one
  /// before, so adding to the innermost never moves the others.
  std::vector<json *> stack;
  /// Keys seen so far in each open object, innermost last.
  std::vector<std::set<std::string>> keySets;
  std::string pendingKey;
  std::string topLevelKey;

  std::string describeDuplicate(const std::string &key) const {
    if (keySets.size() != 1)
      return "duplicate key " + quote(key) + " in header entry " +
             quote(topLevelKey);
    if (key == kMetadataKey)
      return "duplicate '__metadata__' entry in header";
    return "duplicate tensor name " + quote(key) + " in header";
  }

  /// Places `value` in the innermost open container (or makes it the root)
  /// and returns where it now lives.
  json *place(json value) {
    if (stack.empty()) {
      root = std::move(value);
      return &root;
    }
    json &parent = *stack.back();
    if (auto *array = parent.get_ptr<json::array_t *>()) {
      array->push_back(std::move(value));
      return &array->back();
    }
    auto *object = parent.get_ptr<json::object_t *>();
    json &slot = (*object)[pendingKey];
    slot = std::move(value);
    return &slot;
  }

  bool addScalar(json value) {
    place(std::move(value));
    return true;
  }

  bool openContainer(json value) {
    stack.push_back(place(std::move(value)));
    return true;
  }
};

/// One tensor entry of a header, validated on its own.
struct HeaderEntry {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  uint64_t begin = 0;
  uint64_t end = 0;
};

/// The readable open file: descriptor and size.
struct InputFile {
  int fd = -1;
  uint64_t size = 0;
};

Status openInput(const std::string &path, InputFile &file) {
  file.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (file.fd < 0)
    return fileError(path, "cannot open file: " + describeErrno(errno));
  struct stat info;
  if (::fstat(file.fd, &info) != 0)
    return fileError(path, "cannot stat file: " + describeErrno(errno));
  // Only a regular file has a size that the header can be checked against.
  if (!S_ISREG(info.st_mode))
    return fileError(path, "not a regular file");
  file.size = static_cast<uint64_t>(info.st_size);
  return Status::ok();
}

/// Reads exactly `size` bytes at `offset`, retrying short reads.
Status readExactly(const std::string &path, const InputFile &file,
                   uint64_t offset, uint8_t *buffer, uint64_t size) {
  while (size > 0) {
    size_t chunk = static_cast<size_t>(
        std::min<uint64_t>(size, std::numeric_limits<ssize_t>::max()));
    ssize_t got = ::pread(file.fd, buffer, chunk, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return fileError(path, "read error at byte " + std::to_string(offset) +
                                 ": " + describeErrno(errno));
    // The size was checked against fstat; the file shrank under us.
    if (got == 0)
      return fileError(path, "file ended early at byte " +
                                 std::to_string(offset) +
                                 " (modified while being read?)");
    buffer += got;
    offset += static_cast<uint64_t>(got);
    size -= static_cast<uint64_t>(got);
  }
  return Status::ok();
}

/// Reads the length prefix and the header text that follows it.
Status readHeaderText(const std::string &path, const InputFile &file,
                      std::string &text) {
  if (file.size < kPrefixSize)
    return fileError(path, "file is " + std::to_string(file.size) +
                               " bytes, shorter than the 8-byte header "
                               "length prefix");
  uint8_t prefix[kPrefixSize];
  if (Status status = readExactly(path, file, 0, prefix, kPrefixSize);
      !status.isOk())
    return status;
  uint64_t length = 0;
  for (size_t i = 0; i < kPrefixSize; ++i)
    length |= static_cast<uint64_t>(prefix[i]) << (8 * i);
  uint64_t available = file.size - kPrefixSize;
  if (length > available)
    return fileError(path, "header length " + std::to_string(length) +
                               " is larger than the " +
                               std::to_string(available) +
                               " bytes that follow the length prefix");
  if (length > kMaxHeaderSize)
    return fileError(path, "header length " + std::to_string(length) +
                               " exceeds the format's limit of " +
                               std::to_string(kMaxHeaderSize) + " bytes");
  text.resize(static_cast<size_t>(length));
  return readExactly(path, file, kPrefixSize,
                     reinterpret_cast<uint8_t *>(text.data()), length);
}

Status parseHeaderJson(const std::string &path, const std::string &text,
                       json &header) {
  HeaderParser parser;
  if (!json::sax_parse(text, &parser))
    return fileError(path, parser.error.empty() ? "header is not valid JSON"
                                                : parser.error);
  if (!parser.root.is_object())
    return fileError(path, std::string("header is a JSON ") +
                               parser.root.type_name() + ", not an object");
  header = std::move(parser.root);
  return Status::ok();
}

Status parseMetadata(const std::string &path, const json &value,
                     std::map<std::string, std::string> *metadata) {
  if (!value.is_object())
    return fileError(path, std::string("'__metadata__' is a JSON ") +
                               value.type_name() + ", not an object");
  for (const auto &[key, item] : value.items()) {
    const auto *text = item.get_ptr<const std::string *>();
    if (!text)
      return fileError(path, "'__metadata__' entry " + quote(key) +
                                 " is a JSON " + item.type_name() +
                                 ", not a string");
    if (metadata)
      (*metadata)[key] = *text;
  }
  return Status::ok();
}

/// Finds field `field` of tensor entry `entry`, failing if it is absent.
Status getField(const std::string &path, const std::string &name,
                const json &entry, const char *field, const json *&value) {
  auto it = entry.find(field);
  if (it == entry.end())
    return fileError(path,
                     "tensor " + quote(name) + " has no '" + field + "' field");
  value = &*it;
  return Status::ok();
}

std::string wrongType(const std::string &name, const char *field,
                      const json &value, const char *expected) {
  return "'" + std::string(field) + "' of tensor " + quote(name) +
         " is a JSON " + value.type_name() + ", not " + expected;
}

Status parseEntryDType(const std::string &path, const std::string &name,
                       const json &value, DType &dtype) {
  const auto *text = value.get_ptr<const std::string *>();
  if (!text)
    return fileError(path, wrongType(name, "dtype", value, "a string"));
  std::optional<DType> parsed = parseDType(*text);
  if (!parsed)
    return fileError(path, "tensor " + quote(name) + " has unknown dtype " +
                               quote(*text));
  dtype = *parsed;
  return Status::ok();
}

Status parseEntryShape(const std::string &path, const std::string &name,
                       const json &value, std::vector<int64_t> &shape) {
  const auto *dims = value.get_ptr<const json::array_t *>();
  if (!dims)
    return fileError(path, wrongType(name, "shape", value, "an array"));
  for (size_t i = 0; i < dims->size(); ++i) {
    const json &dim = (*dims)[i];
    std::string where = "dimension " + std::to_string(i) + " of tensor " +
                        quote(name) + "'s shape";
    // nlohmann keeps non-negative integers as unsigned and negative ones as
    // signed; is_number_integer() is true for both.
    if (!dim.is_number_integer())
      return fileError(path, where + " is a JSON " + dim.type_name() +
                                 ", not an integer");
    if (!dim.is_number_unsigned()) {
      int64_t value = *dim.get_ptr<const json::number_integer_t *>();
      if (value < 0)
        return fileError(path, where + " is negative (" +
                                   std::to_string(value) + ")");
      shape.push_back(value);
      continue;
    }
    uint64_t value = *dim.get_ptr<const json::number_unsigned_t *>();
    if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return fileError(path,
                       where + " is too large (" + std::to_string(value) + ")");
    shape.push_back(static_cast<int64_t>(value));
  }
  return Status::ok();
}

/// Reads one data_offsets element, which must be a non-negative integer.
bool getOffset(const json &value, uint64_t &offset) {
  if (value.is_number_unsigned()) {
    offset = *value.get_ptr<const json::number_unsigned_t *>();
    return true;
  }
  if (value.is_number_integer()) {
    int64_t signedValue = *value.get_ptr<const json::number_integer_t *>();
    offset = static_cast<uint64_t>(signedValue);
    return signedValue >= 0;
  }
  return false;
}

Status parseEntryOffsets(const std::string &path, const std::string &name,
                         const json &value, HeaderEntry &entry) {
  const auto *offsets = value.get_ptr<const json::array_t *>();
  if (!offsets)
    return fileError(path, wrongType(name, "data_offsets", value, "an array"));
  if (offsets->size() != 2 || !getOffset((*offsets)[0], entry.begin) ||
      !getOffset((*offsets)[1], entry.end))
    return fileError(path, "'data_offsets' of tensor " + quote(name) +
                               " must be two non-negative integers [begin, "
                               "end]");
  if (entry.begin > entry.end)
    return fileError(path, "'data_offsets' of tensor " + quote(name) +
                               " are decreasing: begin " +
                               std::to_string(entry.begin) + " > end " +
                               std::to_string(entry.end));
  return Status::ok();
}

/// Validates one tensor entry on its own: field presence and types, dtype,
/// shape, offsets, and that the byte range matches shape and dtype.
Status parseEntry(const std::string &path, const std::string &name,
                  const json &value, HeaderEntry &entry) {
  if (!value.is_object())
    return fileError(path, "header entry " + quote(name) + " is a JSON " +
                               value.type_name() + ", not an object");
  entry.name = name;
  const json *dtype, *shape, *offsets;
  if (Status status = getField(path, name, value, "dtype", dtype);
      !status.isOk())
    return status;
  if (Status status = getField(path, name, value, "shape", shape);
      !status.isOk())
    return status;
  if (Status status = getField(path, name, value, "data_offsets", offsets);
      !status.isOk())
    return status;
  if (Status status = parseEntryDType(path, name, *dtype, entry.dtype);
      !status.isOk())
    return status;
  if (Status status = parseEntryShape(path, name, *shape, entry.shape);
      !status.isOk())
    return status;
  if (Status status = parseEntryOffsets(path, name, *offsets, entry);
      !status.isOk())
    return status;

  std::optional<uint64_t> expected = getByteSize(entry.shape, entry.dtype);
  if (!expected)
    return fileError(path, "tensor " + quote(name) + " has shape " +
                               formatShape(entry.shape) +
                               " whose byte size overflows 64 bits");
  uint64_t actual = entry.end - entry.begin;
  if (actual != *expected)
    return fileError(path, "tensor " + quote(name) + " has data_offsets [" +
                               std::to_string(entry.begin) + ", " +
                               std::to_string(entry.end) + ") spanning " +
                               std::to_string(actual) + " bytes, but shape " +
                               formatShape(entry.shape) + " of " +
                               getDTypeName(entry.dtype) + " needs " +
                               std::to_string(*expected) + " bytes");
  return Status::ok();
}

/// Checks that every tensor lies inside the data buffer, that no two share
/// bytes and that together they cover it exactly. `entries` must be sorted
/// by offset.
Status checkLayout(const std::string &path,
                   const std::vector<HeaderEntry> &entries,
                   uint64_t headerLength, uint64_t fileSize) {
  uint64_t dataSize = fileSize - kPrefixSize - headerLength;
  const HeaderEntry *last = nullptr;
  for (const HeaderEntry &entry : entries)
    if (!last || entry.end > last->end)
      last = &entry;
  if (last && last->end > dataSize)
    return fileError(
        path, "file is truncated: tensor " + quote(last->name) +
                  " ends at byte " + std::to_string(last->end) +
                  " of the data buffer, so " +
                  std::to_string(kPrefixSize + headerLength + last->end) +
                  " bytes were expected, but the file has " +
                  std::to_string(fileSize) + " bytes (data buffer of " +
                  std::to_string(dataSize) + " bytes)");

  // Sorted by begin, a tensor overlaps an earlier one iff it begins before
  // the furthest end seen so far. Empty tensors own no bytes.
  const HeaderEntry *furthest = nullptr;
  for (const HeaderEntry &entry : entries) {
    if (entry.begin == entry.end)
      continue;
    if (furthest && entry.begin < furthest->end)
      return fileError(path, "tensors " + quote(furthest->name) + " [" +
                                 std::to_string(furthest->begin) + ", " +
                                 std::to_string(furthest->end) + ") and " +
                                 quote(entry.name) + " [" +
                                 std::to_string(entry.begin) + ", " +
                                 std::to_string(entry.end) +
                                 ") overlap in the data buffer");
    if (!furthest || entry.end > furthest->end)
      furthest = &entry;
  }

  // The format requires the tensors to cover the data buffer exactly: a
  // hole or trailing bytes mean a header that does not describe the file
  // (a truncated header, a concatenation, a write that went wrong).
  uint64_t covered = 0;
  for (const HeaderEntry &entry : entries) {
    if (entry.begin == entry.end)
      continue;
    if (entry.begin != covered)
      return fileError(path, "bytes [" + std::to_string(covered) + ", " +
                                 std::to_string(entry.begin) +
                                 ") of the data buffer belong to no tensor "
                                 "(the next tensor is " +
                                 quote(entry.name) +
                                 "); safetensors allows no holes");
    covered = entry.end;
  }
  if (covered != dataSize)
    return fileError(path, std::to_string(dataSize - covered) +
                               " trailing bytes after the last tensor's data "
                               "(the tensors end at byte " +
                               std::to_string(covered) +
                               " of a data buffer of " +
                               std::to_string(dataSize) + " bytes)");
  return Status::ok();
}

Status readTensors(const std::string &path, std::vector<NamedTensor> &tensors,
                   std::map<std::string, std::string> *metadata) {
  InputFile file;
  Status opened = openInput(path, file);
  FdCloser closer(file.fd);
  if (!opened.isOk())
    return opened;

  std::string text;
  if (Status status = readHeaderText(path, file, text); !status.isOk())
    return status;
  json header;
  if (Status status = parseHeaderJson(path, text, header); !status.isOk())
    return status;

  std::vector<HeaderEntry> entries;
  for (const auto &[name, value] : header.items()) {
    if (name == kMetadataKey) {
      if (Status status = parseMetadata(path, value, metadata); !status.isOk())
        return status;
      continue;
    }
    entries.emplace_back();
    if (Status status = parseEntry(path, name, value, entries.back());
        !status.isOk())
      return status;
  }
  std::sort(entries.begin(), entries.end(),
            [](const HeaderEntry &a, const HeaderEntry &b) {
              return std::tie(a.begin, a.end, a.name) <
                     std::tie(b.begin, b.end, b.name);
            });
  if (Status status = checkLayout(path, entries, text.size(), file.size);
      !status.isOk())
    return status;

  uint64_t dataStart = kPrefixSize + text.size();
  tensors.reserve(entries.size());
  for (HeaderEntry &entry : entries) {
    NamedTensor tensor;
    tensor.name = std::move(entry.name);
    tensor.dtype = entry.dtype;
    tensor.shape = std::move(entry.shape);
    tensor.data.resize(static_cast<size_t>(entry.end - entry.begin));
    if (Status status = readExactly(path, file, dataStart + entry.begin,
                                    tensor.data.data(), tensor.data.size());
        !status.isOk())
      return status;
    tensors.push_back(std::move(tensor));
  }
  return Status::ok();
}
} // namespace

Status gc::rt::readSafetensors(const std::string &path,
                               std::vector<NamedTensor> &tensors,
                               std::map<std::string, std::string> *metadata) {
  tensors.clear();
  if (metadata)
    metadata->clear();
  Status status =
      runGuarded(path, [&] { return readTensors(path, tensors, metadata); });
  if (!status.isOk()) {
    tensors.clear();
    if (metadata)
      metadata->clear();
  }
  return status;
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

namespace {
/// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or
/// code points above U+10FFFF), as JSON strings must be.
bool isValidUtf8(const std::string &text) {
  size_t i = 0, n = text.size();
  while (i < n) {
    unsigned char c = text[i];
    size_t length;
    uint32_t min, codePoint;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xe0) == 0xc0) {
      length = 2, min = 0x80, codePoint = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      length = 3, min = 0x800, codePoint = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      length = 4, min = 0x10000, codePoint = c & 0x07;
    } else {
      return false;
    }
    if (n - i < length)
      return false;
    for (size_t k = 1; k < length; ++k) {
      unsigned char next = text[i + k];
      if ((next & 0xc0) != 0x80)
        return false;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (codePoint < min || codePoint > 0x10ffff ||
        (codePoint >= 0xd800 && codePoint <= 0xdfff))
      return false;
    i += length;
  }
  return true;
}

/// Appends `text` as a JSON string, escaped as serde_json (the reference
/// implementation's serializer) escapes it, so headers match byte for byte.
void appendJsonString(std::string &out, const std::string &text) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char c : text) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20) {
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  out += '"';
}

Status validateTensor(const std::string &path, const NamedTensor &tensor) {
  std::string what = "tensor " + quote(tensor.name);
  if (!isValidUtf8(tensor.name))
    return fileError(path,
                     "cannot write " + what + ": name is not valid UTF-8");
  if (tensor.name == kMetadataKey)
    return fileError(path, "cannot write a tensor named '__metadata__': the "
                           "name is reserved for the metadata entry");
  if (!lookupDType(tensor.dtype))
    return fileError(path, "cannot write " + what + ": invalid dtype value " +
                               std::to_string(static_cast<int>(tensor.dtype)));
  for (int64_t dim : tensor.shape)
    if (dim < 0)
      return fileError(path, "cannot write " + what + ": shape " +
                                 formatShape(tensor.shape) +
                                 " has a negative dimension");
  std::optional<uint64_t> expected = getByteSize(tensor.shape, tensor.dtype);
  if (!expected)
    return fileError(path, "cannot write " + what + ": shape " +
                               formatShape(tensor.shape) +
                               " has a byte size that overflows 64 bits");
  if (*expected != tensor.data.size())
    return fileError(
        path, "cannot write " + what + ": shape " + formatShape(tensor.shape) +
                  " of " + getDTypeName(tensor.dtype) + " needs " +
                  std::to_string(*expected) + " bytes but its data holds " +
                  std::to_string(tensor.data.size()));
  return Status::ok();
}

Status validateForWrite(const std::string &path,
                        const std::vector<NamedTensor> &tensors,
                        const std::map<std::string, std::string> &metadata) {
  std::set<std::string> names;
  for (const NamedTensor &tensor : tensors) {
    if (Status status = validateTensor(path, tensor); !status.isOk())
      return status;
    if (!names.insert(tensor.name).second)
      return fileError(path, "cannot write: duplicate tensor name " +
                                 quote(tensor.name));
  }
  for (const auto &[key, value] : metadata)
    if (!isValidUtf8(key) || !isValidUtf8(value))
      return fileError(path, "cannot write: metadata entry " + quote(key) +
                                 " is not valid UTF-8");
  return Status::ok();
}

/// The tensors in file order: descending dtype rank, then name. Larger
/// elements come first, so each tensor starts aligned to its element size.
std::vector<const NamedTensor *>
getFileOrder(const std::vector<NamedTensor> &tensors) {
  std::vector<const NamedTensor *> order;
  for (const NamedTensor &tensor : tensors)
    order.push_back(&tensor);
  std::sort(order.begin(), order.end(),
            [](const NamedTensor *a, const NamedTensor *b) {
              size_t rankA = getDTypeRank(a->dtype);
              size_t rankB = getDTypeRank(b->dtype);
              if (rankA != rankB)
                return rankA > rankB;
              return a->name < b->name;
            });
  return order;
}

/// The length prefix and padded JSON header for `order`.
std::string buildHeader(const std::vector<const NamedTensor *> &order,
                        const std::map<std::string, std::string> &metadata) {
  std::string text = "{";
  bool first = true;
  if (!metadata.empty()) {
    text += "\"__metadata__\":{";
    for (const auto &[key, value] : metadata) {
      if (!first)
        text += ',';
      first = false;
      appendJsonString(text, key);
      text += ':';
      appendJsonString(text, value);
    }
    text += '}';
    first = false;
  }
  uint64_t offset = 0;
  for (const NamedTensor *tensor : order) {
    if (!first)
      text += ',';
    first = false;
    appendJsonString(text, tensor->name);
    text += ":{\"dtype\":\"";
    text += getDTypeName(tensor->dtype);
    text += "\",\"shape\":[";
    for (size_t i = 0; i < tensor->shape.size(); ++i) {
      if (i)
        text += ',';
      text += std::to_string(tensor->shape[i]);
    }
    uint64_t end = offset + tensor->data.size();
    text += "],\"data_offsets\":[" + std::to_string(offset) + "," +
            std::to_string(end) + "]}";
    offset = end;
  }
  text += '}';
  // Padding keeps the data buffer 8-byte aligned in the file.
  text.append((8 - text.size() % 8) % 8, ' ');

  std::string result(kPrefixSize, '\0');
  for (size_t i = 0; i < kPrefixSize; ++i)
    result[i] = static_cast<char>((uint64_t(text.size()) >> (8 * i)) & 0xff);
  return result + text;
}

/// Writes all of `size` bytes, retrying short and interrupted writes.
int writeAll(int fd, const uint8_t *data, size_t size) {
  while (size > 0) {
    size_t chunk = std::min<size_t>(size, std::numeric_limits<ssize_t>::max());
    ssize_t written = ::write(fd, data, chunk);
    if (written < 0 && errno == EINTR)
      continue;
    if (written < 0)
      return errno;
    data += written;
    size -= static_cast<size_t>(written);
  }
  return 0;
}

/// Removes the temporary file unless the rename that publishes it happened.
class TempFileRemover {
public:
  explicit TempFileRemover(std::string path) : path(std::move(path)) {}
  TempFileRemover(const TempFileRemover &) = delete;
  TempFileRemover &operator=(const TempFileRemover &) = delete;
  ~TempFileRemover() {
    if (!committed)
      ::unlink(path.c_str());
  }
  void commit() { committed = true; }

private:
  std::string path;
  bool committed = false;
};

std::string getParentDirectory(const std::string &path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  if (slash == 0)
    return "/";
  return path.substr(0, slash);
}

/// Makes a completed rename durable. Some file systems cannot sync a
/// directory (EINVAL); the rename itself has happened there regardless.
Status syncParentDirectory(const std::string &path) {
  std::string dir = getParentDirectory(path);
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return fileError(path, "written, but cannot open directory " + quote(dir) +
                               " to sync it: " + describeErrno(errno));
  FdCloser closer(fd);
  if (::fsync(fd) != 0 && errno != EINVAL)
    return fileError(path, "written, but syncing directory " + quote(dir) +
                               " failed: " + describeErrno(errno));
  return Status::ok();
}

Status writeFile(const std::string &path,
                 const std::vector<NamedTensor> &tensors,
                 const std::map<std::string, std::string> &metadata) {
  if (Status status = validateForWrite(path, tensors, metadata); !status.isOk())
    return status;
  std::vector<const NamedTensor *> order = getFileOrder(tensors);
  std::string header = buildHeader(order, metadata);

  std::string tempPath = path + ".tmp." + std::to_string(::getpid());
  // O_NOFOLLOW: a symlink planted at the temporary name must not redirect
  // the write (and the truncation) elsewhere.
  int fd = ::open(tempPath.c_str(),
                  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0)
    return fileError(path, "cannot create temporary file " + quote(tempPath) +
                               ": " + describeErrno(errno));
  TempFileRemover remover(tempPath);
  FdCloser closer(fd);

  auto writeError = [&](int error) {
    return fileError(path, "cannot write temporary file " + quote(tempPath) +
                               ": " + describeErrno(error));
  };
  if (int error = writeAll(fd, reinterpret_cast<const uint8_t *>(header.data()),
                           header.size()))
    return writeError(error);
  for (const NamedTensor *tensor : order)
    if (int error = writeAll(fd, tensor->data.data(), tensor->data.size()))
      return writeError(error);
  if (::fsync(fd) != 0)
    return writeError(errno);
  if (closer.close() != 0)
    return writeError(errno);

  if (::rename(tempPath.c_str(), path.c_str()) != 0)
    return fileError(path, "cannot rename temporary file " + quote(tempPath) +
                               " over it: " + describeErrno(errno));
  remover.commit();
  return syncParentDirectory(path);
}
} // namespace

Status
gc::rt::writeSafetensors(const std::string &path,
                         const std::vector<NamedTensor> &tensors,
                         const std::map<std::string, std::string> &metadata) {
  return runGuarded(path, [&] { return writeFile(path, tensors, metadata); });
}

std::map<std::string, std::string>
gc::rt::getStepMetadata(const std::string &function) {
  return {{"format", "pt"}, {"gc.function", function}};
}

//===----------------------------------------------------------------------===//
// Values gc checks in files
//===----------------------------------------------------------------------===//

namespace {
/// The index of the first element that is neither 0 nor 1 (its value in
/// `*value`), or -1.
template <typename T, typename ToDouble>
int64_t findNotZeroOrOne(const void *data, int64_t count, double *value,
                         ToDouble toDouble) {
  for (int64_t i = 0; i < count; ++i) {
    T element;
    std::memcpy(&element, static_cast<const char *>(data) + i * sizeof(T),
                sizeof(T));
    double asDouble = toDouble(element);
    if (asDouble != 0 && asDouble != 1) {
      *value = asDouble;
      return i;
    }
  }
  return -1;
}
template <typename T>
int64_t findNotZeroOrOne(const void *data, int64_t count, double *value) {
  return findNotZeroOrOne<T>(data, count, value,
                             [](T element) { return double(element); });
}
} // namespace

std::string gc::rt::findMaskViolation(DType dtype, const void *data,
                                      int64_t count, const std::string &name) {
  double value = 0;
  int64_t index = -1;
  switch (dtype) {
  case DType::I32:
    index = findNotZeroOrOne<int32_t>(data, count, &value);
    break;
  case DType::I64:
    index = findNotZeroOrOne<int64_t>(data, count, &value);
    break;
  case DType::F32:
    index = findNotZeroOrOne<float>(data, count, &value);
    break;
  case DType::F64:
    index = findNotZeroOrOne<double>(data, count, &value);
    break;
  case DType::F16:
    index = findNotZeroOrOne<uint16_t>(data, count, &value, [](uint16_t bits) {
      return double(halfToFloat(bits));
    });
    break;
  case DType::BF16:
    index = findNotZeroOrOne<uint16_t>(data, count, &value, [](uint16_t bits) {
      return double(bfloat16ToFloat(bits));
    });
    break;
  default:
    break;
  }
  if (index < 0)
    return "";
  // Integers print as integers; no digit of a double is lost.
  char text[32];
  std::snprintf(text, sizeof(text), "%.17g", value);
  return "element " + std::to_string(index) + " of " + quote(name) + " is " +
         text;
}

std::string gc::rt::checkCompletedSteps(int64_t completed,
                                        const std::string &name) {
  if (completed >= 0 && completed < INT64_MAX)
    return "";
  return quote(name) +
         " counts completed optimizer steps, so it must be between 0 and "
         "2^63 - 2, but it is " +
         std::to_string(completed);
}
