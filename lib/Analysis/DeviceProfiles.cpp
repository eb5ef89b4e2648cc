//===- DeviceProfiles.cpp - The built-in device table ---------------------===//
//
// The one table of device numbers the cost model uses, and lookup by name.
// Peaks come from vendor spec sheets (dense, i.e. without the 2:4 sparsity
// that doubles the headline tensor-core figures); efficiencies are estimates
// of what well-tuned kernels achieve, to be calibrated from measurements (see
// docs/cost-model.md). A JSON file can override any field
// (DeviceProfileJson.cpp).
//
//===----------------------------------------------------------------------===//

#include "gc/Analysis/CostModel.h"

#include "DeviceProfileTable.h"

using namespace gc::cost;

namespace {
constexpr double kTera = 1e12;
constexpr uint64_t kGiB = uint64_t(1) << 30;

// Sources (all dense figures, FLOP/s with a multiply-add counted as two):
//
// h100: NVIDIA H100 Tensor Core GPU datasheet, H100 SXM column: FP64 34 TF,
//   FP64 Tensor Core 67 TF, FP32 67 TF, TF32 Tensor Core 989 TF with
//   sparsity (494 dense), BF16/FP16 Tensor Core 1,979 TF with sparsity (989
//   dense), 80 GB HBM3 at 3.35 TB/s. INT32: 132 SMs x 64 INT32 lanes x
//   1.98 GHz (the boost clock at which 132 x 128 FP32 lanes x 2 give 67 TF;
//   SM and lane counts from the NVIDIA H100 Tensor Core GPU Architecture
//   whitepaper) = 16.7 T instructions/s.
// h200: NVIDIA H200 Tensor Core GPU datasheet, H200 SXM column: the same
//   compute as H100 SXM, 141 GB HBM3e at 4.8 TB/s.
// a100: NVIDIA A100 Tensor Core GPU datasheet, A100 80GB SXM column: FP64
//   9.7 TF, FP64 Tensor Core 19.5 TF, FP32 19.5 TF, TF32 Tensor Core 156 TF,
//   BF16/FP16 Tensor Core 312 TF, 80 GB HBM2e at 2,039 GB/s. INT32: 108 SMs
//   x 64 lanes x 1.41 GHz (NVIDIA A100 Tensor Core GPU Architecture
//   whitepaper) = 9.7 T instructions/s.
// cpu: a modest host, not a product: 16 cores at 3.0 GHz with two 256-bit
//   FMA units each (AVX2: 16 x 3.0e9 x 2 x 8 lanes x 2 = 1.536 TF f32,
//   half that in f64; no matrix engine, so the "tensor" peaks are the FMA
//   peaks and f16/bf16 compute in f32), 64 GiB of dual-channel DDR5-4800
//   (2 x 38.4 GB/s).
//
// Memory capacities are the spec sheets' figures read as GiB; the driver
// reports slightly less as usable. Launch overheads are typical measured
// back-to-back kernel launch costs (GPU) and thread-pool dispatch (CPU),
// not spec values. Efficiencies: cuBLAS reaches about 70% of the H100's
// dense BF16 peak and 80% of the A100's on large GEMMs, exact-FP32 SGEMM
// 70-85% of the FP32 peak; streaming kernels reach about 85% of HBM
// bandwidth; elementwise arithmetic rarely gets past 60% of the SIMT peak.
const DeviceProfile kProfiles[] = {
    {"h100", "NVIDIA H100 SXM 80 GB",
     /*peakFp16TensorFlops=*/989 * kTera,
     /*peakTf32TensorFlops=*/494 * kTera,
     /*peakFp64TensorFlops=*/67 * kTera,
     /*peakFp32SimtFlops=*/67 * kTera,
     /*peakFp64SimtFlops=*/34 * kTera,
     /*peakInt32SimtOps=*/16.7 * kTera,
     /*memoryBandwidth=*/3.35 * kTera,
     /*launchOverheadSeconds=*/3e-6,
     /*memoryBytes=*/80 * kGiB,
     /*allowTf32=*/false,
     /*tensorCoreEfficiency=*/0.70,
     /*simtMatmulEfficiency=*/0.70,
     /*simtEfficiency=*/0.60,
     /*memoryEfficiency=*/0.85,
     /*multiprocessors=*/132},
    {"h200", "NVIDIA H200 SXM 141 GB",
     /*peakFp16TensorFlops=*/989 * kTera,
     /*peakTf32TensorFlops=*/494 * kTera,
     /*peakFp64TensorFlops=*/67 * kTera,
     /*peakFp32SimtFlops=*/67 * kTera,
     /*peakFp64SimtFlops=*/34 * kTera,
     /*peakInt32SimtOps=*/16.7 * kTera,
     /*memoryBandwidth=*/4.8 * kTera,
     /*launchOverheadSeconds=*/3e-6,
     /*memoryBytes=*/141 * kGiB,
     /*allowTf32=*/false,
     /*tensorCoreEfficiency=*/0.70,
     /*simtMatmulEfficiency=*/0.70,
     /*simtEfficiency=*/0.60,
     /*memoryEfficiency=*/0.85,
     /*multiprocessors=*/132},
    {"a100", "NVIDIA A100 SXM 80 GB",
     /*peakFp16TensorFlops=*/312 * kTera,
     /*peakTf32TensorFlops=*/156 * kTera,
     /*peakFp64TensorFlops=*/19.5 * kTera,
     /*peakFp32SimtFlops=*/19.5 * kTera,
     /*peakFp64SimtFlops=*/9.7 * kTera,
     /*peakInt32SimtOps=*/9.7 * kTera,
     /*memoryBandwidth=*/2.039 * kTera,
     /*launchOverheadSeconds=*/3e-6,
     /*memoryBytes=*/80 * kGiB,
     /*allowTf32=*/false,
     /*tensorCoreEfficiency=*/0.80,
     /*simtMatmulEfficiency=*/0.85,
     /*simtEfficiency=*/0.60,
     /*memoryEfficiency=*/0.85,
     /*multiprocessors=*/108},
    {"cpu", "A modest host: 16 cores, AVX2 at 3.0 GHz, dual-channel DDR5",
     /*peakFp16TensorFlops=*/1.536 * kTera,
     /*peakTf32TensorFlops=*/1.536 * kTera,
     /*peakFp64TensorFlops=*/0.768 * kTera,
     /*peakFp32SimtFlops=*/1.536 * kTera,
     /*peakFp64SimtFlops=*/0.768 * kTera,
     /*peakInt32SimtOps=*/0.768 * kTera,
     /*memoryBandwidth=*/76.8e9,
     /*launchOverheadSeconds=*/5e-6,
     /*memoryBytes=*/64 * kGiB,
     /*allowTf32=*/false,
     /*tensorCoreEfficiency=*/0.70,
     /*simtMatmulEfficiency=*/0.70,
     /*simtEfficiency=*/0.30,
     /*memoryEfficiency=*/0.70,
     /*multiprocessors=*/16},
};
} // namespace

const DeviceProfile *
gc::cost::detail::findBuiltinProfile(const std::string &name) {
  for (const DeviceProfile &profile : kProfiles)
    if (profile.name == name)
      return &profile;
  return nullptr;
}

std::vector<std::string> gc::cost::deviceProfileNames() {
  std::vector<std::string> names;
  for (const DeviceProfile &profile : kProfiles)
    names.push_back(profile.name);
  return names;
}

std::string gc::cost::detail::unknownProfileMessage(const std::string &name) {
  std::string message = "unknown device profile '" + name + "' (known:";
  const char *separator = " ";
  for (const DeviceProfile &profile : kProfiles) {
    message += separator + profile.name;
    separator = ", ";
  }
  return message + ")";
}

std::optional<DeviceProfile>
gc::cost::loadDeviceProfile(const std::string &name, std::string *error) {
  if (const DeviceProfile *profile = detail::findBuiltinProfile(name))
    return *profile;
  if (error)
    *error = detail::unknownProfileMessage(name);
  return std::nullopt;
}
