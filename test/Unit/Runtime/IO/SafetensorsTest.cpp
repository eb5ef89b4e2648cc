//===- SafetensorsTest.cpp - Safetensors reading and writing --------------===//
//
// Pins the on-disk format with hand-written bytes in both directions, checks
// that every kind of malformed file is rejected with a message naming the
// file and the problem (and that random damage never crashes the reader), and
// that a failed save never destroys the checkpoint it was meant to replace.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/Safetensors.h"
#include "gc_rt/StateMatch.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <random>
#include <sys/resource.h>
#include <unistd.h>

using namespace gc::rt;
namespace fs = std::filesystem;

namespace {

/// The raw little-endian bytes of `values` (the tests run on little-endian
/// hosts, where this is a plain copy).
template <typename T>
std::vector<uint8_t> toBytes(std::initializer_list<T> values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  if (!bytes.empty())
    std::memcpy(bytes.data(), values.begin(), bytes.size());
  return bytes;
}

std::vector<uint8_t> countingBytes(size_t size, uint8_t seed) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i)
    bytes[i] = static_cast<uint8_t>(seed + 7 * i);
  return bytes;
}

/// A safetensors file image: the 8-byte little-endian length of `header`,
/// `header`, then `data`.
std::string makeFileBytes(const std::string &header, const std::string &data) {
  std::string bytes;
  uint64_t length = header.size();
  for (int i = 0; i < 8; ++i)
    bytes += static_cast<char>((length >> (8 * i)) & 0xff);
  return bytes + header + data;
}

NamedTensor makeTensor(std::string name, DType dtype,
                       std::vector<int64_t> shape, std::vector<uint8_t> data) {
  NamedTensor tensor;
  tensor.name = std::move(name);
  tensor.dtype = dtype;
  tensor.shape = std::move(shape);
  tensor.data = std::move(data);
  return tensor;
}

void expectSameTensor(const NamedTensor &expected, const NamedTensor &actual) {
  EXPECT_EQ(expected.name, actual.name);
  EXPECT_EQ(expected.dtype, actual.dtype) << expected.name;
  EXPECT_EQ(expected.shape, actual.shape) << expected.name;
  EXPECT_EQ(expected.data, actual.data) << expected.name;
}

/// Expects `message` to contain each of `parts`.
void expectMentions(const std::string &message,
                    std::initializer_list<std::string> parts) {
  for (const std::string &part : parts)
    EXPECT_NE(message.find(part), std::string::npos)
        << "message: " << message << "\nlacks: " << part;
}

/// Each test gets a fresh directory under the gtest temporary directory.
class SafetensorsTest : public ::testing::Test {
protected:
  void SetUp() override {
    const ::testing::TestInfo *info =
        ::testing::UnitTest::GetInstance()->current_test_info();
    dir = ::testing::TempDir() + "gc_safetensors_" + info->name() + "_" +
          std::to_string(::getpid());
    std::error_code error;
    fs::remove_all(dir, error);
    ASSERT_TRUE(fs::create_directories(dir, error)) << dir;
  }

  void TearDown() override {
    std::error_code error;
    fs::remove_all(dir, error);
  }

  std::string pathOf(const std::string &name) const { return dir + "/" + name; }

  static void writeRaw(const std::string &path, const std::string &bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(out.good()) << path;
  }

  static std::string readRaw(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  /// Names of the directory's entries other than `keep`, e.g. leftover
  /// temporary files.
  std::vector<std::string> otherEntries(const std::string &keep) const {
    std::vector<std::string> names;
    for (const fs::directory_entry &entry : fs::directory_iterator(dir))
      if (entry.path().filename() != keep)
        names.push_back(entry.path().filename().string());
    return names;
  }

  /// Reads `bytes` as a file, expects failure with a message naming the file,
  /// and returns the message.
  std::string readError(const std::string &bytes) {
    std::string path = pathOf("bad.safetensors");
    writeRaw(path, bytes);
    return readErrorAt(path);
  }

  static std::string readErrorAt(const std::string &path) {
    std::vector<NamedTensor> tensors = {
        makeTensor("stale", DType::U8, {}, {1})};
    std::map<std::string, std::string> metadata = {{"stale", "x"}};
    Status status = readSafetensors(path, tensors, &metadata);
    EXPECT_FALSE(status.isOk());
    EXPECT_TRUE(tensors.empty());
    EXPECT_TRUE(metadata.empty());
    expectMentions(status.message(), {path});
    return status.message();
  }

  /// A header holding one F32 tensor "t" with the given fields, followed by
  /// `dataSize` bytes of data.
  std::string entryFile(const std::string &fields, size_t dataSize = 24) {
    return makeFileBytes("{\"t\":{" + fields + "}}",
                         std::string(dataSize, 'x'));
  }

  std::string dir;
};

//===----------------------------------------------------------------------===//
// DType helpers
//===----------------------------------------------------------------------===//

TEST(SafetensorsDTypeTest, NamesSizesAndParsing) {
  struct Expected {
    DType dtype;
    const char *name;
    size_t size;
  };
  const Expected cases[] = {
      {DType::F64, "F64", 8},        {DType::F32, "F32", 4},
      {DType::F16, "F16", 2},        {DType::BF16, "BF16", 2},
      {DType::I64, "I64", 8},        {DType::I32, "I32", 4},
      {DType::I16, "I16", 2},        {DType::I8, "I8", 1},
      {DType::U8, "U8", 1},          {DType::Bool, "BOOL", 1},
      {DType::U16, "U16", 2},        {DType::U32, "U32", 4},
      {DType::U64, "U64", 8},        {DType::F8E5M2, "F8_E5M2", 1},
      {DType::F8E4M3, "F8_E4M3", 1},
  };
  for (const Expected &c : cases) {
    EXPECT_STREQ(getDTypeName(c.dtype), c.name);
    EXPECT_EQ(getDTypeSize(c.dtype), c.size) << c.name;
    EXPECT_EQ(parseDType(c.name), std::optional<DType>(c.dtype)) << c.name;
  }
  EXPECT_EQ(parseDType("f32"), std::nullopt);
  EXPECT_EQ(parseDType("C64"), std::nullopt);
  EXPECT_EQ(parseDType(""), std::nullopt);
}

TEST(SafetensorsDTypeTest, NumElementsAndFind) {
  std::vector<NamedTensor> tensors = {
      makeTensor("scalar", DType::F32, {}, toBytes<float>({1.0f})),
      makeTensor("matrix", DType::F32, {2, 3}, std::vector<uint8_t>(24)),
      makeTensor("empty", DType::F32, {0, 5}, {}),
  };
  EXPECT_EQ(tensors[0].getNumElements(), 1);
  EXPECT_EQ(tensors[1].getNumElements(), 6);
  EXPECT_EQ(tensors[2].getNumElements(), 0);
  EXPECT_EQ(findTensor(tensors, "matrix"), &tensors[1]);
  EXPECT_EQ(findTensor(tensors, "missing"), nullptr);
  const std::vector<NamedTensor> &constTensors = tensors;
  EXPECT_EQ(findTensor(constTensors, "empty"), &tensors[2]);
}

//===----------------------------------------------------------------------===//
// Round trips and the exact format
//===----------------------------------------------------------------------===//

TEST_F(SafetensorsTest, RoundTripsDTypesShapesAndMetadata) {
  std::vector<NamedTensor> written = {
      makeTensor("f64", DType::F64, {2}, toBytes<double>({1.5, -2.25})),
      makeTensor("f32.matrix", DType::F32, {2, 3},
                 toBytes<float>({1, 2, 3, 4, 5, 6})),
      makeTensor("f16", DType::F16, {3}, countingBytes(6, 1)),
      makeTensor("bf16", DType::BF16, {1, 1, 2}, countingBytes(4, 2)),
      makeTensor("i64", DType::I64, {1}, toBytes<int64_t>({-(1LL << 40)})),
      makeTensor("i32", DType::I32, {2, 2}, toBytes<int32_t>({-1, 0, 1, 7})),
      makeTensor("i16", DType::I16, {3}, toBytes<int16_t>({-3, 300, 9})),
      makeTensor("i8", DType::I8, {5}, countingBytes(5, 3)),
      makeTensor("u8", DType::U8, {4, 1}, countingBytes(4, 4)),
      makeTensor("bool", DType::Bool, {3}, {1, 0, 1}),
      makeTensor("scalar", DType::F32, {}, toBytes<float>({3.5f})),
      makeTensor("empty", DType::F32, {0, 4}, {}),
      makeTensor("empty.i64", DType::I64, {3, 0}, {}),
  };
  std::map<std::string, std::string> metadata = {
      {"format", "pt"}, {"step", "1200"}, {"note", "quote \" and \\ \n ok"}};
  std::string path = pathOf("model.safetensors");
  Status writeStatus = writeSafetensors(path, written, metadata);
  ASSERT_TRUE(writeStatus.isOk()) << writeStatus.message();

  std::vector<NamedTensor> read;
  std::map<std::string, std::string> readMetadata;
  Status status = readSafetensors(path, read, &readMetadata);
  ASSERT_TRUE(status.isOk()) << status.message();
  EXPECT_EQ(readMetadata, metadata);
  ASSERT_EQ(read.size(), written.size());
  for (const NamedTensor &expected : written) {
    const NamedTensor *actual = findTensor(read, expected.name);
    ASSERT_NE(actual, nullptr) << expected.name;
    expectSameTensor(expected, *actual);
  }

  // Without a metadata map the file reads the same.
  std::vector<NamedTensor> again;
  ASSERT_TRUE(readSafetensors(path, again).isOk());
  EXPECT_EQ(again.size(), written.size());
}

TEST_F(SafetensorsTest, RoundTripsEmptyFileAndNoMetadata) {
  std::string path = pathOf("empty.safetensors");
  ASSERT_TRUE(writeSafetensors(path, {}).isOk());
  // "{}" padded to 8 bytes: the smallest valid file.
  EXPECT_EQ(readRaw(path), makeFileBytes("{}      ", ""));

  std::vector<NamedTensor> tensors;
  std::map<std::string, std::string> metadata = {{"stale", "x"}};
  Status status = readSafetensors(path, tensors, &metadata);
  ASSERT_TRUE(status.isOk()) << status.message();
  EXPECT_TRUE(tensors.empty());
  EXPECT_TRUE(metadata.empty());
}

TEST_F(SafetensorsTest, ParsesHandWrittenFile) {
  // Keys in arbitrary order, whitespace, metadata in the middle: all of it
  // is legal JSON the reader must accept.
  std::string header = R"({
    "b": {"dtype": "I32", "shape": [2], "data_offsets": [8, 16]},
    "__metadata__": {"format": "np"},
    "a": {"shape": [1, 2], "data_offsets": [0, 8], "dtype": "F32"},
    "s": {"data_offsets": [16, 16], "dtype": "U8", "shape": [0]}
  }  )";
  std::vector<uint8_t> a = toBytes<float>({0.5f, -4.0f});
  std::vector<uint8_t> b = toBytes<int32_t>({123456, -7});
  std::string data(a.begin(), a.end());
  data.append(b.begin(), b.end());
  std::string path = pathOf("hand.safetensors");
  writeRaw(path, makeFileBytes(header, data));

  std::vector<NamedTensor> tensors;
  std::map<std::string, std::string> metadata;
  Status status = readSafetensors(path, tensors, &metadata);
  ASSERT_TRUE(status.isOk()) << status.message();
  EXPECT_EQ(metadata, (std::map<std::string, std::string>{{"format", "np"}}));
  // Returned in the order of their data in the file.
  ASSERT_EQ(tensors.size(), 3u);
  expectSameTensor(makeTensor("a", DType::F32, {1, 2}, a), tensors[0]);
  expectSameTensor(makeTensor("b", DType::I32, {2}, b), tensors[1]);
  expectSameTensor(makeTensor("s", DType::U8, {0}, {}), tensors[2]);
}

TEST_F(SafetensorsTest, WritesTheReferenceLayout) {
  // Tensors ordered by descending dtype then by name, compact JSON with the
  // metadata first, padded with spaces to a multiple of 8: the bytes the
  // reference implementation writes for the same input.
  std::vector<NamedTensor> tensors = {
      makeTensor("b", DType::F32, {2}, toBytes<float>({1.0f, 2.0f})),
      makeTensor("a", DType::I8, {3}, {1, 2, 3}),
      makeTensor("c", DType::F64, {}, toBytes<double>({0.25})),
  };
  std::string path = pathOf("layout.safetensors");
  ASSERT_TRUE(writeSafetensors(path, tensors, {{"fmt", "pt"}}).isOk());

  std::string json =
      R"({"__metadata__":{"fmt":"pt"},)"
      R"("c":{"dtype":"F64","shape":[],"data_offsets":[0,8]},)"
      R"("b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},)"
      R"("a":{"dtype":"I8","shape":[3],"data_offsets":[16,19]}})";
  ASSERT_EQ(json.size(), 189u);
  std::string expected = std::string("\xc0\0\0\0\0\0\0\0", 8) + json + "   ";
  std::vector<uint8_t> c = toBytes<double>({0.25});
  std::vector<uint8_t> b = toBytes<float>({1.0f, 2.0f});
  expected.append(c.begin(), c.end());
  expected.append(b.begin(), b.end());
  expected += "\x01\x02\x03";
  EXPECT_EQ(readRaw(path), expected);
}

TEST_F(SafetensorsTest, EscapesNamesAndMetadataInJson) {
  std::vector<NamedTensor> tensors = {
      makeTensor("we\"ird\\name\t\x01", DType::U8, {1}, {9}),
      makeTensor("\xc3\xa9t\xc3\xa9", DType::U8, {1}, {8}),
  };
  std::string path = pathOf("escape.safetensors");
  ASSERT_TRUE(writeSafetensors(path, tensors, {{"k\n", "v\x1f"}}).isOk());
  std::string bytes = readRaw(path);
  expectMentions(bytes, {R"("we\"ird\\name\t\u0001")", "\"\xc3\xa9t\xc3\xa9\"",
                         R"({"k\n":"v\u001f"})"});

  std::vector<NamedTensor> read;
  std::map<std::string, std::string> metadata;
  ASSERT_TRUE(readSafetensors(path, read, &metadata).isOk());
  EXPECT_EQ(metadata.at("k\n"), "v\x1f");
  ASSERT_NE(findTensor(read, tensors[0].name), nullptr);
  ASSERT_NE(findTensor(read, tensors[1].name), nullptr);
}

//===----------------------------------------------------------------------===//
// Read validation
//===----------------------------------------------------------------------===//

TEST_F(SafetensorsTest, RejectsMissingFile) {
  expectMentions(readErrorAt(pathOf("absent.safetensors")),
                 {"cannot open", "No such file"});
}

TEST_F(SafetensorsTest, RejectsDirectory) {
  expectMentions(readErrorAt(dir), {"not a regular file"});
}

TEST_F(SafetensorsTest, RejectsFileShorterThanPrefix) {
  expectMentions(readError(""), {"file is 0 bytes", "8-byte header length"});
  expectMentions(readError(std::string("\x02\0\0\0\0", 5)),
                 {"file is 5 bytes", "8-byte header length"});
}

TEST_F(SafetensorsTest, RejectsHeaderLengthBeyondFile) {
  std::string bytes = makeFileBytes("{}", "");
  bytes[0] = 100;
  expectMentions(readError(bytes),
                 {"header length 100", "larger than the 2 bytes"});
  // A length near 2^64 must not wrap around any arithmetic.
  std::string huge(8, '\xff');
  expectMentions(readError(huge + "{}"),
                 {"header length 18446744073709551615", "the 2 bytes"});
}

TEST_F(SafetensorsTest, RejectsHeaderOverTheFormatLimit) {
  // A sparse file large enough to hold the claimed header, so that only the
  // format's 100 MB header limit can reject it.
  std::string path = pathOf("huge-header.safetensors");
  writeRaw(path, makeFileBytes("{}", ""));
  uint64_t length = 100000001;
  std::string prefix;
  for (int i = 0; i < 8; ++i)
    prefix += static_cast<char>((length >> (8 * i)) & 0xff);
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.write(prefix.data(), 8);
  }
  fs::resize_file(path, 8 + length);
  expectMentions(readErrorAt(path),
                 {"header length 100000001", "limit of 100000000 bytes"});
}

TEST_F(SafetensorsTest, RejectsInvalidJson) {
  expectMentions(readError(makeFileBytes("{\"t\": ", "")),
                 {"header is not valid JSON", "line 1, column 7"});
  expectMentions(readError(makeFileBytes("{} x", "")),
                 {"header is not valid JSON"});
  expectMentions(readError(makeFileBytes("", "")),
                 {"header is not valid JSON"});
  // Bytes that are not UTF-8 inside a string.
  expectMentions(readError(makeFileBytes("{\"\xff\":1}", "")),
                 {"header is not valid JSON"});
}

TEST_F(SafetensorsTest, RejectsHeaderThatIsNotAnObject) {
  expectMentions(readError(makeFileBytes("[1, 2]", "")),
                 {"header is a JSON array, not an object"});
  expectMentions(readError(makeFileBytes("42", "")),
                 {"header is a JSON number, not an object"});
}

TEST_F(SafetensorsTest, RejectsEntryThatIsNotAnObject) {
  expectMentions(readError(makeFileBytes(R"({"t": [1]})", "")),
                 {"header entry 't' is a JSON array, not an object"});
}

TEST_F(SafetensorsTest, RejectsMissingFields) {
  expectMentions(readError(entryFile(R"("shape":[6],"data_offsets":[0,24])")),
                 {"tensor 't' has no 'dtype' field"});
  expectMentions(readError(entryFile(R"("dtype":"F32","data_offsets":[0,24])")),
                 {"tensor 't' has no 'shape' field"});
  expectMentions(readError(entryFile(R"("dtype":"F32","shape":[6])")),
                 {"tensor 't' has no 'data_offsets' field"});
}

TEST_F(SafetensorsTest, RejectsFieldsOfWrongType) {
  expectMentions(
      readError(entryFile(R"("dtype":4,"shape":[6],"data_offsets":[0,24])")),
      {"'dtype' of tensor 't' is a JSON number, not a string"});
  expectMentions(
      readError(entryFile(R"("dtype":"F32","shape":6,"data_offsets":[0,24])")),
      {"'shape' of tensor 't' is a JSON number, not an array"});
  expectMentions(
      readError(
          entryFile(R"("dtype":"F32","shape":[2,"3"],"data_offsets":[0,24])")),
      {"dimension 1 of tensor 't'", "is a JSON string, not an integer"});
  expectMentions(readError(entryFile(
                     R"("dtype":"F32","shape":[6.0],"data_offsets":[0,24])")),
                 {"dimension 0 of tensor 't'", "not an integer"});
  expectMentions(
      readError(entryFile(R"("dtype":"F32","shape":[6],"data_offsets":"0")")),
      {"'data_offsets' of tensor 't' is a JSON string, not an array"});
}

TEST_F(SafetensorsTest, RejectsUnknownDType) {
  expectMentions(readError(entryFile(
                     R"("dtype":"F8_E3M4","shape":[6],"data_offsets":[0,6])")),
                 {"tensor 't' has unknown dtype 'F8_E3M4'"});
}

TEST_F(SafetensorsTest, RejectsBadDimensions) {
  expectMentions(readError(entryFile(
                     R"("dtype":"F32","shape":[2,-3],"data_offsets":[0,24])")),
                 {"dimension 1 of tensor 't'", "is negative (-3)"});
  expectMentions(
      readError(entryFile(
          R"("dtype":"F32","shape":[9223372036854775808],"data_offsets":[0,24])")),
      {"dimension 0 of tensor 't'", "too large"});
  expectMentions(
      readError(entryFile(
          R"("dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,24])")),
      {"tensor 't'", "overflows 64 bits"});
}

TEST_F(SafetensorsTest, RejectsMalformedDataOffsets) {
  for (const char *offsets :
       {"[0]", "[0,24,48]", "[]", "[-8,16]", "[0,2.4e1]", "[0,null]"})
    expectMentions(
        readError(entryFile(std::string(R"("dtype":"F32","shape":[6],)") +
                            "\"data_offsets\":" + offsets)),
        {"'data_offsets' of tensor 't' must be two non-negative integers"});
  expectMentions(
      readError(entryFile(R"("dtype":"F32","shape":[1],"data_offsets":[8,4])")),
      {"'data_offsets' of tensor 't' are decreasing", "begin 8 > end 4"});
}

TEST_F(SafetensorsTest, RejectsTruncatedFile) {
  std::string header =
      R"({"t":{"dtype":"F32","shape":[6],"data_offsets":[0,24]}})";
  std::string message = readError(makeFileBytes(header, std::string(20, 'x')));
  uint64_t expectedSize = 8 + header.size() + 24;
  uint64_t actualSize = 8 + header.size() + 20;
  expectMentions(message,
                 {"truncated", "tensor 't' ends at byte 24",
                  std::to_string(expectedSize) + " bytes were expected",
                  "file has " + std::to_string(actualSize) + " bytes",
                  "data buffer of 20 bytes"});
}

TEST_F(SafetensorsTest, RejectsByteSizeMismatch) {
  expectMentions(readError(entryFile(
                     R"("dtype":"F32","shape":[2,3],"data_offsets":[0,12])")),
                 {"tensor 't'", "[0, 12) spanning 12 bytes",
                  "shape [2, 3] of F32 needs 24 bytes"});
  expectMentions(
      readError(entryFile(R"("dtype":"F64","shape":[],"data_offsets":[0,4])")),
      {"spanning 4 bytes", "shape [] of F64 needs 8 bytes"});
}

TEST_F(SafetensorsTest, RejectsOverlappingTensors) {
  std::string header =
      R"({"a":{"dtype":"U8","shape":[16],"data_offsets":[0,16]},)"
      R"("b":{"dtype":"U8","shape":[16],"data_offsets":[8,24]}})";
  expectMentions(readError(makeFileBytes(header, std::string(24, 'x'))),
                 {"tensors 'a' [0, 16) and 'b' [8, 24) overlap"});
  // A tensor nested inside a larger one overlaps too.
  header = R"({"a":{"dtype":"U8","shape":[16],"data_offsets":[0,16]},)"
           R"("b":{"dtype":"U8","shape":[4],"data_offsets":[16,20]},)"
           R"("c":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}})";
  expectMentions(readError(makeFileBytes(header, std::string(20, 'x'))),
                 {"tensors 'a' [0, 16) and 'c' [4, 6) overlap"});
  // Identical ranges are overlaps; empty tensors own no bytes and are not.
  header = R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
           R"("b":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})";
  expectMentions(readError(makeFileBytes(header, std::string(4, 'x'))),
                 {"tensors 'a' [0, 4) and 'b' [0, 4) overlap"});
  header = R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
           R"("e":{"dtype":"U8","shape":[0],"data_offsets":[2,2]}})";
  std::string path = pathOf("empty-inside.safetensors");
  writeRaw(path, makeFileBytes(header, std::string(4, 'x')));
  std::vector<NamedTensor> tensors;
  Status status = readSafetensors(path, tensors);
  EXPECT_TRUE(status.isOk()) << status.message();
}

TEST_F(SafetensorsTest, RejectsHolesAndTrailingBytes) {
  // The format requires the tensors to cover the data buffer exactly.
  std::string header =
      R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})";
  expectMentions(readError(makeFileBytes(header, std::string(7, 'x'))),
                 {"3 trailing bytes after the last tensor's data",
                  "end at byte 4 of a data buffer of 7 bytes"});
  header = R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
           R"("b":{"dtype":"U8","shape":[2],"data_offsets":[6,8]}})";
  expectMentions(readError(makeFileBytes(header, std::string(8, 'x'))),
                 {"bytes [4, 6) of the data buffer belong to no tensor",
                  "the next tensor is 'b'", "no holes"});
  header = R"({"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})";
  expectMentions(readError(makeFileBytes(header, std::string(4, 'x'))),
                 {"bytes [0, 2) of the data buffer belong to no tensor"});
  // Nothing but empty tensors: an empty data buffer is exact.
  header = R"({"e":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}})";
  std::string path = pathOf("only-empty.safetensors");
  writeRaw(path, makeFileBytes(header, ""));
  std::vector<NamedTensor> tensors;
  Status status = readSafetensors(path, tensors);
  EXPECT_TRUE(status.isOk()) << status.message();
  // ... and a non-empty one is not.
  expectMentions(readError(makeFileBytes(header, std::string(8, 'x'))),
                 {"8 trailing bytes"});
}

TEST_F(SafetensorsTest, RejectsDuplicateNames) {
  std::string header =
      R"({"w":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
      R"("w":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}})";
  expectMentions(readError(makeFileBytes(header, std::string(8, 'x'))),
                 {"duplicate tensor name 'w'"});
  expectMentions(
      readError(entryFile(
          R"("dtype":"F32","dtype":"I32","shape":[6],"data_offsets":[0,24])")),
      {"duplicate key 'dtype' in header entry 't'"});
  expectMentions(
      readError(makeFileBytes(R"({"__metadata__":{},"__metadata__":{}})", "")),
      {"duplicate '__metadata__' entry"});
}

TEST_F(SafetensorsTest, RejectsMalformedMetadata) {
  expectMentions(readError(makeFileBytes(R"({"__metadata__":[]})", "")),
                 {"'__metadata__' is a JSON array, not an object"});
  expectMentions(
      readError(makeFileBytes(R"({"__metadata__":{"step":3}})", "")),
      {"'__metadata__' entry 'step' is a JSON number, not a string"});
}

TEST_F(SafetensorsTest, QuotesControlCharactersInMessages) {
  std::string message = readError(makeFileBytes(R"({"a\nb":1})", ""));
  expectMentions(message, {"header entry 'a\\nb'"});
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST_F(SafetensorsTest, SurvivesDeeplyNestedHeader) {
  std::string nested(200000, '[');
  readError(makeFileBytes(nested, ""));
  std::string balanced = std::string(100000, '[') + std::string(100000, ']');
  expectMentions(readError(makeFileBytes(balanced, "")),
                 {"header is a JSON array"});
  std::string objects;
  for (int i = 0; i < 50000; ++i)
    objects += "{\"k\":";
  objects += "1" + std::string(50000, '}');
  expectMentions(readError(makeFileBytes(objects, "")),
                 {"tensor 'k' has no 'dtype' field"});
}

TEST_F(SafetensorsTest, SurvivesRandomDamage) {
  // Every prefix and many random corruptions of a valid file: each read
  // must return (ok or a named error), never crash or throw.
  std::vector<NamedTensor> tensors = {
      makeTensor("w", DType::F32, {3, 2}, countingBytes(24, 5)),
      makeTensor("b", DType::BF16, {2}, countingBytes(4, 6)),
      makeTensor("s", DType::I64, {}, countingBytes(8, 7)),
  };
  std::string source = pathOf("source.safetensors");
  ASSERT_TRUE(writeSafetensors(source, tensors, {{"k", "v"}}).isOk());
  const std::string valid = readRaw(source);
  std::string path = pathOf("damaged.safetensors");

  auto check = [&](const std::string &bytes) {
    writeRaw(path, bytes);
    std::vector<NamedTensor> read;
    std::map<std::string, std::string> metadata;
    Status status = readSafetensors(path, read, &metadata);
    EXPECT_TRUE(status.isOk() || status.message().rfind(path + ": ", 0) == 0)
        << status.message();
    return status.isOk();
  };
  // The data runs to the end of the file, so every proper prefix is damaged.
  for (size_t length = 0; length < valid.size(); ++length)
    EXPECT_FALSE(check(valid.substr(0, length))) << length;

  std::mt19937 random(12345);
  const char interesting[] = {'{', '}', '[', ']',  '"',    ',', ':', '-',
                              '0', '9', ' ', '\0', '\xff', 'e', '.'};
  for (int round = 0; round < 500; ++round) {
    std::string bytes = valid;
    int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = random() % bytes.size();
      switch (random() % 3) {
      case 0:
        bytes[at] = static_cast<char>(random());
        break;
      case 1:
        bytes[at] = interesting[random() % sizeof(interesting)];
        break;
      default:
        bytes.erase(at, 1);
        break;
      }
    }
    check(bytes);
  }
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

TEST_F(SafetensorsTest, RejectsInvalidTensorsOnWrite) {
  std::string path = pathOf("out.safetensors");
  auto writeError = [&](std::vector<NamedTensor> tensors,
                        std::map<std::string, std::string> metadata = {}) {
    Status status = writeSafetensors(path, tensors, metadata);
    EXPECT_FALSE(status.isOk());
    EXPECT_FALSE(fs::exists(path));
    EXPECT_TRUE(otherEntries("").empty());
    return status.message();
  };
  expectMentions(
      writeError({makeTensor("t", DType::F32, {2, 3}, {1, 2})}),
      {path, "tensor 't'", "shape [2, 3] of F32 needs 24 bytes", "holds 2"});
  expectMentions(writeError({makeTensor("t", DType::F32, {-1}, {})}),
                 {"tensor 't'", "negative dimension"});
  expectMentions(writeError({makeTensor("t", DType::U8, {1}, {1}),
                             makeTensor("t", DType::U8, {1}, {2})}),
                 {"duplicate tensor name 't'"});
  expectMentions(writeError({makeTensor("__metadata__", DType::U8, {1}, {1})}),
                 {"'__metadata__'", "reserved"});
  expectMentions(writeError({makeTensor("bad\xff", DType::U8, {1}, {1})}),
                 {"not valid UTF-8"});
  expectMentions(writeError({}, {{"k", "\xc0\x80"}}),
                 {"metadata entry 'k'", "not valid UTF-8"});
  expectMentions(
      writeError({makeTensor("t", static_cast<DType>(200), {1}, {1})}),
      {"invalid dtype value 200"});
}

TEST_F(SafetensorsTest, OverwriteReplacesFileAndLeavesNoTemporary) {
  std::string path = pathOf("ckpt.safetensors");
  ASSERT_TRUE(
      writeSafetensors(path, {makeTensor("old", DType::U8, {2}, {1, 2})})
          .isOk());
  std::vector<NamedTensor> replacement = {
      makeTensor("new", DType::I32, {2}, toBytes<int32_t>({5, 6}))};
  Status status = writeSafetensors(path, replacement, {{"step", "2"}});
  ASSERT_TRUE(status.isOk()) << status.message();

  std::vector<NamedTensor> read;
  std::map<std::string, std::string> metadata;
  ASSERT_TRUE(readSafetensors(path, read, &metadata).isOk());
  ASSERT_EQ(read.size(), 1u);
  expectSameTensor(replacement[0], read[0]);
  EXPECT_EQ(metadata.at("step"), "2");
  EXPECT_EQ(otherEntries("ckpt.safetensors"), std::vector<std::string>());
}

TEST_F(SafetensorsTest, WritesRelativePath) {
  char *previous = ::getcwd(nullptr, 0);
  ASSERT_NE(previous, nullptr);
  ASSERT_EQ(::chdir(dir.c_str()), 0);
  Status status = writeSafetensors("rel.safetensors",
                                   {makeTensor("t", DType::U8, {}, {7})});
  EXPECT_EQ(::chdir(previous), 0);
  std::free(previous);
  ASSERT_TRUE(status.isOk()) << status.message();
  EXPECT_EQ(otherEntries("rel.safetensors"), std::vector<std::string>());
}

/// A failed save must leave the previous checkpoint byte for byte as it was,
/// and no temporary file behind.
class SafetensorsFailedWriteTest : public SafetensorsTest {
protected:
  void SetUp() override {
    SafetensorsTest::SetUp();
    path = pathOf("ckpt.safetensors");
    ASSERT_TRUE(
        writeSafetensors(path, {makeTensor("old", DType::U8, {3}, {1, 2, 3})})
            .isOk());
    original = readRaw(path);
  }

  std::vector<NamedTensor> bigTensors() const {
    return {makeTensor("new", DType::U8, {1 << 20}, countingBytes(1 << 20, 9))};
  }

  void expectOriginalIntact() {
    EXPECT_EQ(readRaw(path), original);
    std::vector<NamedTensor> read;
    ASSERT_TRUE(readSafetensors(path, read).isOk());
    ASSERT_EQ(read.size(), 1u);
    EXPECT_EQ(read[0].name, "old");
  }

  std::string tempPath() const {
    return path + ".tmp." + std::to_string(::getpid());
  }

  std::string path;
  std::string original;
};

TEST_F(SafetensorsFailedWriteTest, IntoMissingDirectory) {
  std::string missing = pathOf("no/such/dir/ckpt.safetensors");
  Status status = writeSafetensors(missing, bigTensors());
  ASSERT_FALSE(status.isOk());
  expectMentions(status.message(),
                 {missing, "cannot create temporary file", "No such file"});
  expectOriginalIntact();
  EXPECT_EQ(otherEntries("ckpt.safetensors"), std::vector<std::string>());
}

TEST_F(SafetensorsFailedWriteTest, OverADirectory) {
  std::string target = pathOf("subdir");
  ASSERT_TRUE(fs::create_directory(target));
  Status status = writeSafetensors(target, bigTensors());
  ASSERT_FALSE(status.isOk());
  expectMentions(status.message(), {target, "cannot rename"});
  EXPECT_TRUE(fs::is_directory(target));
  expectOriginalIntact();
  // The temporary file written beside the directory was removed.
  std::vector<std::string> others = otherEntries("ckpt.safetensors");
  EXPECT_EQ(others, std::vector<std::string>{"subdir"});
}

TEST_F(SafetensorsFailedWriteTest, WhenTheTemporaryCannotBeCreated) {
  // Something that is not ours occupies the temporary name: the save fails
  // and that thing is left alone too.
  ASSERT_TRUE(fs::create_directory(tempPath()));
  Status status = writeSafetensors(path, bigTensors());
  ASSERT_FALSE(status.isOk());
  expectMentions(status.message(), {path, "cannot create temporary file"});
  expectOriginalIntact();
  EXPECT_TRUE(fs::is_directory(tempPath()));
}

TEST_F(SafetensorsFailedWriteTest, WhenWritingFailsHalfway) {
  // A file size limit makes write(2) fail with EFBIG part way through the
  // data, as a full disk would.
  struct rlimit saved;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  void (*savedHandler)(int) = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit limited = saved;
  limited.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  Status status = writeSafetensors(path, bigTensors());
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, savedHandler);

  ASSERT_FALSE(status.isOk());
  expectMentions(status.message(), {path, "cannot write temporary file"});
  expectOriginalIntact();
  EXPECT_EQ(otherEntries("ckpt.safetensors"), std::vector<std::string>());
}

TEST_F(SafetensorsFailedWriteTest, WhenTheInputIsInvalid) {
  Status status =
      writeSafetensors(path, {makeTensor("t", DType::F32, {4}, {1})});
  ASSERT_FALSE(status.isOk());
  expectOriginalIntact();
  EXPECT_EQ(otherEntries("ckpt.safetensors"), std::vector<std::string>());
}

} // namespace

// A 0/1 mask is checked in every dtype a step may take, 16-bit ones
// included (read through gc_rt/HalfFloat.h).
TEST(MaskViolationTest, SixteenBitMasks) {
  const uint16_t halfMask[] = {0x3c00, 0x0000, 0x3c00}; // 1, 0, 1
  const uint16_t halfBad[] = {0x3c00, 0x4000};          // 1, 2
  EXPECT_EQ(findMaskViolation(DType::F16, halfMask, 3, "mask"), "");
  EXPECT_EQ(findMaskViolation(DType::F16, halfBad, 2, "mask"),
            "element 1 of 'mask' is 2");
  const uint16_t bfMask[] = {0x3f80, 0x0000}; // 1, 0
  const uint16_t bfBad[] = {0x0000, 0xbf80};  // 0, -1
  EXPECT_EQ(findMaskViolation(DType::BF16, bfMask, 2, "m"), "");
  EXPECT_EQ(findMaskViolation(DType::BF16, bfBad, 2, "m"),
            "element 1 of 'm' is -1");
}

namespace {
NamedTensor scalarI64(const std::string &name, int64_t value) {
  NamedTensor tensor;
  tensor.name = name;
  tensor.dtype = DType::I64;
  tensor.data.resize(sizeof(value));
  std::memcpy(tensor.data.data(), &value, sizeof(value));
  return tensor;
}
} // namespace

// The loader rule both readers of state files share: placement by name,
// results skipped, the counter's completed steps turned into the next step,
// and the first problem reported before anything is placed.
TEST(StateMatchTest, PlacesSkipsAndCounts) {
  std::vector<StateArgument> arguments(2);
  arguments[0].name = "w";
  arguments[0].dtype = DType::I64;
  arguments[1].name = "optimizer.step";
  arguments[1].dtype = DType::I64;
  arguments[1].stepCounter = true;
  auto isResult = [](const std::string &name) { return name == "loss"; };
  std::vector<NamedTensor> tensors = {scalarI64("optimizer.step", 4),
                                      scalarI64("loss", 0), scalarI64("w", 9)};
  StateAssignment assignment;
  EXPECT_EQ(
      matchStateTensors(tensors, arguments, isResult, false, "@f", assignment),
      "");
  EXPECT_EQ(assignment.skippedResults, 1u);
  ASSERT_TRUE(assignment.nextStep.has_value());
  EXPECT_EQ(*assignment.nextStep, 5);
  ASSERT_EQ(assignment.copies.size(), 2u);
  EXPECT_EQ(assignment.copies[0], (std::pair<size_t, size_t>{0, 1}));
  EXPECT_EQ(assignment.copies[1], (std::pair<size_t, size_t>{2, 0}));

  tensors.push_back(scalarI64("stranger", 1));
  EXPECT_EQ(
      matchStateTensors(tensors, arguments, isResult, false, "@f", assignment),
      "tensor 'stranger' is neither an argument nor a result of @f "
      "(arguments: 'w', 'optimizer.step')");
  EXPECT_EQ(matchStateTensors(tensors, arguments, isResult,
                              /*allowUnknown=*/true, "@f", assignment),
            "");

  // Data that does not fill the shape is refused, not read past.
  std::vector<NamedTensor> shortData = {scalarI64("w", 1)};
  shortData[0].data.resize(4);
  EXPECT_EQ(matchStateTensors(shortData, arguments, isResult, false, "@f",
                              assignment),
            "tensor 'w' holds 4 bytes, but I64 [] takes 8");

  std::vector<NamedTensor> negative = {scalarI64("optimizer.step", -1)};
  EXPECT_NE(
      matchStateTensors(negative, arguments, isResult, false, "@f", assignment)
          .find("counts completed optimizer steps"),
      std::string::npos);
}
