//===- DeviceProfileJson.cpp - Device profiles overridden from JSON -------===//
//
// Reads `{"name": "h100", "memory_bandwidth": 3.0e12, ...}`: a built-in
// profile with any subset of its fields replaced, so that measured numbers
// can replace the table's estimates without rebuilding. Every problem is a
// message, never an exception or an abort: the text is checked first with a
// SAX pass (which knows where a syntax error is, and sees duplicate keys the
// DOM would silently merge), then parsed without exceptions, and every value's
// type is checked before it is read.
//
//===----------------------------------------------------------------------===//

#include "gc/Analysis/CostModel.h"

#include "DeviceProfileTable.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

using namespace gc::cost;
using json = nlohmann::json;

namespace {

/// Accepts well-formed JSON whose top-level object names each key once;
/// records why it stopped otherwise.
class SyntaxChecker final : public nlohmann::json_sax<json> {
public:
  std::string error;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t &) override { return true; }
  bool string(string_t &) override { return true; }
  bool binary(binary_t &) override {
    error = "malformed JSON: unexpected binary value";
    return false;
  }
  bool start_object(std::size_t) override {
    ++depth;
    return true;
  }
  bool key(string_t &value) override {
    if (depth == 1 && !topLevelKeys.insert(value).second) {
      error = "duplicate key '" + value + "'";
      return false;
    }
    return true;
  }
  bool end_object() override {
    --depth;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth;
    return true;
  }
  bool end_array() override {
    --depth;
    return true;
  }
  bool parse_error(std::size_t, const std::string &,
                   const nlohmann::detail::exception &ex) override {
    // what() reads "[json.exception.parse_error.101] parse error at line 1,
    // column 5: ..."; the bracketed id means nothing to a user.
    std::string what = ex.what();
    size_t idEnd = what.find("] ");
    error = "malformed JSON: " +
            (idEnd == std::string::npos ? what : what.substr(idEnd + 2));
    return false;
  }

private:
  int depth = 0;
  std::set<std::string> topLevelKeys;
};

/// What a key's value must be.
enum class FieldType {
  /// A finite number > 0 (peaks, bandwidth).
  Rate,
  /// A finite number >= 0 (launch overhead).
  NonNegative,
  /// A number in (0, 1].
  Efficiency,
  /// A positive integer (memory capacity); 80e9 is accepted as integral.
  Bytes,
  Flag,
  Text,
};

/// One overridable field: its JSON key, type and place in DeviceProfile.
struct Field {
  const char *key;
  FieldType type;
  double DeviceProfile::*number = nullptr;
  uint64_t DeviceProfile::*count = nullptr;
  bool DeviceProfile::*flag = nullptr;
  std::string DeviceProfile::*text = nullptr;
};

Field numberField(const char *key, FieldType type,
                  double DeviceProfile::*member) {
  Field field{key, type};
  field.number = member;
  return field;
}

const std::vector<Field> &fields() {
  static const std::vector<Field> table = [] {
    using T = FieldType;
    using P = DeviceProfile;
    std::vector<Field> result = {
        numberField("peak_fp16_tensor_flops", T::Rate, &P::peakFp16TensorFlops),
        numberField("peak_tf32_tensor_flops", T::Rate, &P::peakTf32TensorFlops),
        numberField("peak_fp64_tensor_flops", T::Rate, &P::peakFp64TensorFlops),
        numberField("peak_fp32_simt_flops", T::Rate, &P::peakFp32SimtFlops),
        numberField("peak_fp64_simt_flops", T::Rate, &P::peakFp64SimtFlops),
        numberField("peak_int32_simt_ops", T::Rate, &P::peakInt32SimtOps),
        numberField("memory_bandwidth", T::Rate, &P::memoryBandwidth),
        numberField("launch_overhead_seconds", T::NonNegative,
                    &P::launchOverheadSeconds),
        numberField("tensor_core_efficiency", T::Efficiency,
                    &P::tensorCoreEfficiency),
        numberField("simt_matmul_efficiency", T::Efficiency,
                    &P::simtMatmulEfficiency),
        numberField("simt_efficiency", T::Efficiency, &P::simtEfficiency),
        numberField("memory_efficiency", T::Efficiency, &P::memoryEfficiency),
        numberField("multiprocessors", T::Rate, &P::multiprocessors),
    };
    Field bytes{"memory_bytes", T::Bytes};
    bytes.count = &P::memoryBytes;
    Field tf32{"allow_tf32", T::Flag};
    tf32.flag = &P::allowTf32;
    Field description{"description", T::Text};
    description.text = &P::description;
    result.insert(result.begin(), {description, tf32, bytes});
    return result;
  }();
  return table;
}

std::string knownKeys() {
  std::string keys = "name";
  for (const Field &field : fields())
    keys += std::string(", ") + field.key;
  return keys;
}

std::string formatNumber(double value) {
  std::ostringstream stream;
  stream << value;
  return stream.str();
}

/// The value of a JSON number, read without anything that could throw.
double numberValue(const json &value) {
  if (const auto *f = value.get_ptr<const json::number_float_t *>())
    return *f;
  if (const auto *i = value.get_ptr<const json::number_integer_t *>())
    return static_cast<double>(*i);
  if (const auto *u = value.get_ptr<const json::number_unsigned_t *>())
    return static_cast<double>(*u);
  return NAN;
}

std::string wrongType(const Field &field, const char *expected,
                      const json &value) {
  return std::string("key '") + field.key + "' must be " + expected + ", got " +
         value.type_name();
}

/// Stores `value` into `profile` as `field` says, or describes why not.
std::optional<std::string> applyField(const Field &field, const json &value,
                                      DeviceProfile &profile) {
  switch (field.type) {
  case FieldType::Flag:
    if (const auto *flag = value.get_ptr<const json::boolean_t *>()) {
      profile.*field.flag = *flag;
      return std::nullopt;
    }
    return wrongType(field, "a boolean", value);
  case FieldType::Text:
    if (const auto *text = value.get_ptr<const json::string_t *>()) {
      profile.*field.text = *text;
      return std::nullopt;
    }
    return wrongType(field, "a string", value);
  case FieldType::Rate:
  case FieldType::NonNegative:
  case FieldType::Efficiency:
  case FieldType::Bytes:
    break;
  }

  if (!value.is_number())
    return wrongType(field, "a number", value);
  double number = numberValue(value);
  auto outOfRange = [&](const char *range) {
    return std::string("key '") + field.key + "' must be " + range + ", got " +
           formatNumber(number);
  };
  switch (field.type) {
  case FieldType::Rate:
    if (!std::isfinite(number) || number <= 0)
      return outOfRange("a finite number > 0");
    profile.*field.number = number;
    return std::nullopt;
  case FieldType::NonNegative:
    if (!std::isfinite(number) || number < 0)
      return outOfRange("a finite number >= 0");
    profile.*field.number = number;
    return std::nullopt;
  case FieldType::Efficiency:
    if (!(number > 0 && number <= 1))
      return outOfRange("in (0, 1]");
    profile.*field.number = number;
    return std::nullopt;
  case FieldType::Bytes:
    // 2^63 keeps the conversion exact-or-rejected and far above any device.
    if (!(number >= 1 && number < 9.2e18) || std::floor(number) != number)
      return outOfRange("a positive integer");
    if (const auto *u = value.get_ptr<const json::number_unsigned_t *>())
      profile.*field.count = *u;
    else
      profile.*field.count = static_cast<uint64_t>(number);
    return std::nullopt;
  case FieldType::Flag:
  case FieldType::Text:
    break;
  }
  return std::nullopt;
}

std::optional<DeviceProfile> fail(std::string *error, std::string message) {
  if (error)
    *error = std::move(message);
  return std::nullopt;
}

} // namespace

std::optional<DeviceProfile>
gc::cost::parseDeviceProfileJson(const std::string &text, std::string *error) {
  SyntaxChecker checker;
  if (!json::sax_parse(text, &checker))
    return fail(error,
                checker.error.empty() ? "malformed JSON" : checker.error);
  json root = json::parse(text, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded())
    return fail(error, "malformed JSON");
  if (!root.is_object())
    return fail(error, std::string("a device profile must be a JSON object, "
                                   "got ") +
                           root.type_name());

  auto nameIt = root.find("name");
  if (nameIt == root.end())
    return fail(error, "missing key 'name' (the base profile to override)");
  const auto *baseName = nameIt->get_ptr<const json::string_t *>();
  if (!baseName)
    return fail(error, std::string("key 'name' must be a string, got ") +
                           nameIt->type_name());
  const DeviceProfile *base = detail::findBuiltinProfile(*baseName);
  if (!base)
    return fail(error, detail::unknownProfileMessage(*baseName));

  DeviceProfile profile = *base;
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (it.key() == "name")
      continue;
    const Field *field = nullptr;
    for (const Field &candidate : fields())
      if (it.key() == candidate.key)
        field = &candidate;
    if (!field)
      return fail(error, "unknown key '" + it.key() +
                             "' (known keys: " + knownKeys() + ")");
    if (std::optional<std::string> problem =
            applyField(*field, it.value(), profile))
      return fail(error, *problem);
  }
  return profile;
}

std::optional<DeviceProfile>
gc::cost::loadDeviceProfileFile(const std::string &path, std::string *error) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return fail(error, path + ": cannot open the file");
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad())
    return fail(error, path + ": cannot read the file");
  std::string message;
  std::optional<DeviceProfile> profile =
      parseDeviceProfileJson(contents.str(), &message);
  if (!profile)
    return fail(error, path + ": " + message);
  return profile;
}
