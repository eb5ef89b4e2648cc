//===- DeviceProfileTest.cpp - Built-in profiles and JSON overrides -------===//
//
// The built-in table carries the spec-sheet numbers it cites, and a JSON
// override replaces exactly the fields it names or reports precisely why it
// cannot.
//
//===----------------------------------------------------------------------===//

#include "gc/Analysis/CostModel.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

using namespace gc::cost;

namespace {

constexpr uint64_t kGiB = uint64_t(1) << 30;

TEST(DeviceProfiles, Names) {
  EXPECT_EQ(deviceProfileNames(),
            (std::vector<std::string>{"h100", "h200", "a100", "cpu"}));
  for (const std::string &name : deviceProfileNames()) {
    std::optional<DeviceProfile> profile = loadDeviceProfile(name);
    ASSERT_TRUE(profile) << name;
    EXPECT_EQ(profile->name, name);
    EXPECT_FALSE(profile->allowTf32) << name;
    for (double efficiency :
         {profile->tensorCoreEfficiency, profile->simtMatmulEfficiency,
          profile->simtEfficiency, profile->memoryEfficiency}) {
      EXPECT_GT(efficiency, 0) << name;
      EXPECT_LE(efficiency, 1) << name;
    }
    EXPECT_GT(profile->launchOverheadSeconds, 0) << name;
    EXPECT_GT(profile->peakInt32SimtOps, 0) << name;
  }
}

TEST(DeviceProfiles, SpecSheetValues) {
  DeviceProfile h100 = *loadDeviceProfile("h100");
  EXPECT_DOUBLE_EQ(h100.peakFp16TensorFlops, 989e12);
  EXPECT_DOUBLE_EQ(h100.peakTf32TensorFlops, 494e12);
  EXPECT_DOUBLE_EQ(h100.peakFp64TensorFlops, 67e12);
  EXPECT_DOUBLE_EQ(h100.peakFp32SimtFlops, 67e12);
  EXPECT_DOUBLE_EQ(h100.memoryBandwidth, 3.35e12);
  EXPECT_EQ(h100.memoryBytes, 80 * kGiB);

  DeviceProfile h200 = *loadDeviceProfile("h200");
  EXPECT_DOUBLE_EQ(h200.peakFp16TensorFlops, 989e12);
  EXPECT_DOUBLE_EQ(h200.memoryBandwidth, 4.8e12);
  EXPECT_EQ(h200.memoryBytes, 141 * kGiB);

  DeviceProfile a100 = *loadDeviceProfile("a100");
  EXPECT_DOUBLE_EQ(a100.peakFp16TensorFlops, 312e12);
  EXPECT_DOUBLE_EQ(a100.peakTf32TensorFlops, 156e12);
  EXPECT_DOUBLE_EQ(a100.peakFp32SimtFlops, 19.5e12);
  EXPECT_DOUBLE_EQ(a100.peakFp64TensorFlops, 19.5e12);
  EXPECT_DOUBLE_EQ(a100.memoryBandwidth, 2.039e12);
  EXPECT_EQ(a100.memoryBytes, 80 * kGiB);

  // The CPU is far slower than any GPU.
  DeviceProfile cpu = *loadDeviceProfile("cpu");
  EXPECT_LT(cpu.peakFp32SimtFlops * 10, a100.peakFp32SimtFlops);
  EXPECT_LT(cpu.memoryBandwidth * 10, a100.memoryBandwidth);
}

TEST(DeviceProfiles, UnknownName) {
  std::string error;
  EXPECT_FALSE(loadDeviceProfile("h1000", &error));
  EXPECT_EQ(error, "unknown device profile 'h1000' (known: h100, h200, a100, "
                   "cpu)");
  EXPECT_FALSE(loadDeviceProfile("H100"));
}

TEST(DeviceProfileJson, OverridesOnlyTheNamedFields) {
  std::string error;
  std::optional<DeviceProfile> profile = parseDeviceProfileJson(
      R"({"name": "h100", "memory_bandwidth": 3.0e12, "allow_tf32": true,
          "memory_efficiency": 0.9, "memory_bytes": 85000000000,
          "launch_overhead_seconds": 0, "description": "measured"})",
      &error);
  ASSERT_TRUE(profile) << error;
  DeviceProfile base = *loadDeviceProfile("h100");
  EXPECT_EQ(profile->name, "h100");
  EXPECT_EQ(profile->description, "measured");
  EXPECT_DOUBLE_EQ(profile->memoryBandwidth, 3.0e12);
  EXPECT_TRUE(profile->allowTf32);
  EXPECT_DOUBLE_EQ(profile->memoryEfficiency, 0.9);
  EXPECT_EQ(profile->memoryBytes, 85000000000u);
  EXPECT_EQ(profile->launchOverheadSeconds, 0.0);
  EXPECT_DOUBLE_EQ(profile->peakFp16TensorFlops, base.peakFp16TensorFlops);
  EXPECT_DOUBLE_EQ(profile->peakFp32SimtFlops, base.peakFp32SimtFlops);
  EXPECT_DOUBLE_EQ(profile->tensorCoreEfficiency, base.tensorCoreEfficiency);
}

TEST(DeviceProfileJson, NameAloneIsTheBaseProfile) {
  std::optional<DeviceProfile> profile =
      parseDeviceProfileJson(R"({"name": "a100"})");
  ASSERT_TRUE(profile);
  EXPECT_DOUBLE_EQ(profile->peakFp16TensorFlops, 312e12);
}

TEST(DeviceProfileJson, IntegralFloatBytesAndIntegerRates) {
  std::string error;
  std::optional<DeviceProfile> profile = parseDeviceProfileJson(
      R"({"name": "cpu", "memory_bytes": 3.2e10, "peak_fp32_simt_flops": 2000000000000})",
      &error);
  ASSERT_TRUE(profile) << error;
  EXPECT_EQ(profile->memoryBytes, 32000000000u);
  EXPECT_DOUBLE_EQ(profile->peakFp32SimtFlops, 2e12);
}

/// The error parseDeviceProfileJson reports for `text` ("" if it accepts).
std::string errorFor(const std::string &text) {
  std::string error;
  if (parseDeviceProfileJson(text, &error))
    return "";
  return error;
}

TEST(DeviceProfileJson, UnknownKey) {
  std::string error = errorFor(R"({"name": "h100", "peak_fp32": 1e12})");
  EXPECT_EQ(error.rfind("unknown key 'peak_fp32' (known keys: name, "
                        "description, allow_tf32, memory_bytes, "
                        "peak_fp16_tensor_flops, ",
                        0),
            0u)
      << error;
}

TEST(DeviceProfileJson, WrongTypes) {
  EXPECT_EQ(errorFor(R"({"name": "h100", "memory_bandwidth": "fast"})"),
            "key 'memory_bandwidth' must be a number, got string");
  EXPECT_EQ(errorFor(R"({"name": "h100", "peak_fp32_simt_flops": true})"),
            "key 'peak_fp32_simt_flops' must be a number, got boolean");
  EXPECT_EQ(errorFor(R"({"name": "h100", "allow_tf32": 1})"),
            "key 'allow_tf32' must be a boolean, got number");
  EXPECT_EQ(errorFor(R"({"name": "h100", "description": null})"),
            "key 'description' must be a string, got null");
  EXPECT_EQ(errorFor(R"({"name": 100})"),
            "key 'name' must be a string, got number");
  EXPECT_EQ(errorFor(R"({"name": "h100", "memory_bytes": [1]})"),
            "key 'memory_bytes' must be a number, got array");
}

TEST(DeviceProfileJson, ValuesOutOfRange) {
  EXPECT_EQ(errorFor(R"({"name": "h100", "memory_efficiency": 1.5})"),
            "key 'memory_efficiency' must be in (0, 1], got 1.5");
  EXPECT_EQ(errorFor(R"({"name": "h100", "simt_efficiency": 0})"),
            "key 'simt_efficiency' must be in (0, 1], got 0");
  EXPECT_EQ(errorFor(R"({"name": "h100", "memory_bandwidth": -1})"),
            "key 'memory_bandwidth' must be a finite number > 0, got -1");
  EXPECT_EQ(errorFor(R"({"name": "h100", "launch_overhead_seconds": -1e-6})"),
            "key 'launch_overhead_seconds' must be a finite number >= 0, got "
            "-1e-06");
  EXPECT_EQ(errorFor(R"({"name": "h100", "memory_bytes": 1.5})"),
            "key 'memory_bytes' must be a positive integer, got 1.5");
  EXPECT_EQ(errorFor(R"({"name": "h100", "memory_bytes": 0})"),
            "key 'memory_bytes' must be a positive integer, got 0");
}

TEST(DeviceProfileJson, UnknownOrMissingBaseProfile) {
  EXPECT_EQ(errorFor(R"({"name": "v100", "memory_bandwidth": 9e11})"),
            "unknown device profile 'v100' (known: h100, h200, a100, cpu)");
  EXPECT_EQ(errorFor(R"({"memory_bandwidth": 9e11})"),
            "missing key 'name' (the base profile to override)");
}

TEST(DeviceProfileJson, MalformedJson) {
  EXPECT_EQ(errorFor(R"({"name": "h100",)"),
            "malformed JSON: parse error at line 1, column 17: syntax error "
            "while parsing object key - unexpected end of input; expected "
            "string literal");
  EXPECT_EQ(errorFor("").rfind("malformed JSON: parse error at line 1, "
                               "column 1",
                               0),
            0u);
  EXPECT_EQ(errorFor(R"(["h100"])"),
            "a device profile must be a JSON object, got array");
  EXPECT_EQ(errorFor(R"({"name": "h100", "name": "a100"})"),
            "duplicate key 'name'");
}

TEST(DeviceProfileJson, Files) {
  std::string path = ::testing::TempDir() + "gc-cost-profile.json";
  {
    std::ofstream file(path);
    file << R"({"name": "h200", "memory_efficiency": 0.8})";
  }
  std::string error;
  std::optional<DeviceProfile> profile = loadDeviceProfileFile(path, &error);
  ASSERT_TRUE(profile) << error;
  EXPECT_DOUBLE_EQ(profile->memoryEfficiency, 0.8);
  EXPECT_DOUBLE_EQ(profile->memoryBandwidth, 4.8e12);

  {
    std::ofstream file(path);
    file << R"({"name": "h200", "bogus": 1})";
  }
  EXPECT_FALSE(loadDeviceProfileFile(path, &error));
  EXPECT_EQ(error.rfind(path + ": unknown key 'bogus'", 0), 0u) << error;
  std::remove(path.c_str());

  EXPECT_FALSE(loadDeviceProfileFile(path, &error));
  EXPECT_EQ(error, path + ": cannot open the file");
}

} // namespace
