//===- CostModel.h - Roofline cost of gc ops, IR-free -----------*- C++ -*-===//
//
// The cost model gc's planners use to compare schedules: how many
// floating-point and integer operations an op performs, how many bytes it
// moves, and how long that takes on a device described by a DeviceProfile.
// Plain C++17 without MLIR types, so that solvers, tools and tests can use it
// directly; OpCost.h maps gc operations onto OpDesc.
//
// The model is a per-op roofline:
//   computeSeconds = flops / (floatPeak * eff) + intOps / (intPeak * eff)
//   memorySeconds  = bytes / (bandwidth * memoryEfficiency)
//   seconds        = max(computeSeconds, memorySeconds)
//                    + kernels * launchOverheadSeconds
// Every op runs as its own kernel(s), with no fusion and no overlap between
// ops. docs/cost-model.md gives the counting rules and the profile table's
// sources.
//
//===----------------------------------------------------------------------===//

#ifndef GC_ANALYSIS_COSTMODEL_H
#define GC_ANALYSIS_COSTMODEL_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gc::cost {

//===----------------------------------------------------------------------===//
// Op descriptions
//===----------------------------------------------------------------------===//

/// The families of gc ops, grouped by how their work is counted.
enum class OpKind {
  /// neg, relu, scale, relu_grad, add, sub, mul: one FLOP per element.
  ElementwiseArithmetic,
  /// div, sqrt, rsqrt: a refined reciprocal (square root), kDivSqrtFlops.
  ElementwiseDivSqrt,
  /// exp, log, tanh, erf: a polynomial evaluation, kTranscendentalFlops.
  ElementwiseTranscendental,
  Gelu,
  GeluGrad,
  /// dropout and dropout_grad regenerate the Philox mask: integer work.
  Dropout,
  DropoutGrad,
  Cast,
  /// Data movement. Reshape is a view; the others copy.
  Broadcast,
  Reshape,
  Transpose,
  Slice,
  Concat,
  /// Materialized once when the program is loaded: free per step.
  Constant,
  Matmul,
  /// reduce_sum, reduce_mean, reduce_max.
  Reduction,
  LayerNorm,
  LayerNormGrad,
  Softmax,
  SoftmaxGrad,
  /// gc.attention and its gradient: GEMM-like work on scores that are never
  /// stored (FlashAttention); the backward recomputes the forward's scores.
  Attention,
  AttentionGrad,
  Embedding,
  EmbeddingGrad,
  CrossEntropy,
  CrossEntropyGrad,
  SgdUpdate,
  AdamWUpdate,
  /// gc.all_reduce: the bucket packed and unpacked (one multiply per element
  /// for the mean). The communication itself is not costed: collectives are
  /// never recomputed, so their time does not change a remat decision.
  AllReduce,
  /// Anything the model does not know (ops of other dialects): free.
  Opaque,
};

/// The arithmetic an op computes in, which picks the peak it runs at.
enum class DataClass {
  F32,
  /// f16 and bf16: the same tensor-core rate.
  F16,
  F64,
  /// i32 and i64 (ids, labels, seeds).
  Integer,
};

/// A statically shaped tensor: its shape and the bytes of one element.
struct TensorDesc {
  std::vector<int64_t> shape;
  int64_t elementBytes = 4;

  int64_t numElements() const;
  int64_t bytes() const { return numElements() * elementBytes; }
};

/// The problem size of a (batched) matmul: batch independent products of an
/// M x K by a K x N matrix. A rank-2 rhs shared by every batch is still
/// batch products; only the bytes differ (the rhs is read once).
struct MatmulDims {
  int64_t batch = 1;
  int64_t m = 0;
  int64_t n = 0;
  int64_t k = 0;
};

/// One op as the cost model sees it.
struct OpDesc {
  OpKind kind = OpKind::Opaque;
  DataClass dataClass = DataClass::F32;
  std::vector<TensorDesc> operands;
  std::vector<TensorDesc> results;
  /// Meaningful for OpKind::Matmul only.
  MatmulDims matmul;
  /// Meaningful for OpKind::Attention(Grad) only: whether the probabilities
  /// go through dropout (Philox draws per score).
  bool attentionDropout = false;
};

/// Bytes of one element of a data class (f16 and bf16 are 2, integers are
/// counted as i32; TensorDesc carries the exact size).
int64_t elementBytes(DataClass dataClass);

/// A short, stable name of an op kind, for reports ("matmul", "softmax").
const char *opKindName(OpKind kind);

//===----------------------------------------------------------------------===//
// Per-element work weights
//===----------------------------------------------------------------------===//
//
// FLOPs one element costs, by kind. These are estimates of the instruction
// count of a straightforward kernel, not measurements; they matter only for
// ops that are not bound by memory, which on GPUs is few besides matmul.

/// add, sub, mul, neg, relu, scale, a select, a compare.
constexpr int64_t kArithmeticFlops = 1;
/// div, sqrt, rsqrt: an approximate reciprocal plus a Newton step.
constexpr int64_t kDivSqrtFlops = 4;
/// exp, log, tanh, erf: range reduction plus a short polynomial.
constexpr int64_t kTranscendentalFlops = 8;
/// Integer instructions of one Philox4x32-10 block: ten rounds of two
/// 32x32->64-bit products (lo and hi: four instructions) and four xors,
/// plus nine key bumps of two adds. One block yields four draws.
constexpr int64_t kPhiloxBlockIntOps = 98;
constexpr int64_t kPhiloxDrawsPerBlock = 4;

//===----------------------------------------------------------------------===//
// Work counts
//===----------------------------------------------------------------------===//

/// What an op does, independent of the device.
struct OpWork {
  /// Floating-point operations (a multiply-add is two).
  int64_t flops = 0;
  /// Integer operations (the dropout mask's random numbers).
  int64_t intOps = 0;
  int64_t bytesRead = 0;
  int64_t bytesWritten = 0;
  /// Kernels a straightforward implementation launches (0 for views).
  int64_t kernels = 0;

  int64_t bytesMoved() const { return bytesRead + bytesWritten; }
};

/// Counts the work of `op` from its static shapes.
OpWork countWork(const OpDesc &op);

//===----------------------------------------------------------------------===//
// Device profiles
//===----------------------------------------------------------------------===//

/// Peak rates and the achieved fraction of them for one device. Rates are
/// per second (FLOP/s, op/s, byte/s); FLOP/s count a fused multiply-add as
/// two. All peaks are dense (no structured sparsity).
struct DeviceProfile {
  std::string name;
  std::string description;
  /// Tensor-core (matrix-engine) peaks for matmuls, per data class.
  double peakFp16TensorFlops = 0;
  double peakTf32TensorFlops = 0;
  double peakFp64TensorFlops = 0;
  /// SIMT (CUDA core / vector unit) peaks. f16/bf16 elementwise kernels
  /// compute in f32, so they run at the FP32 rate.
  double peakFp32SimtFlops = 0;
  double peakFp64SimtFlops = 0;
  /// 32-bit integer instructions per second.
  double peakInt32SimtOps = 0;
  double memoryBandwidth = 0;
  double launchOverheadSeconds = 0;
  /// Device memory capacity, as the driver reports it.
  uint64_t memoryBytes = 0;
  /// gc computes f32 matmuls in exact f32 by default, on the SIMT units;
  /// with this flag they are costed at the TF32 tensor-core rate instead.
  bool allowTf32 = false;
  /// Achieved fraction of the peak, per class of work.
  double tensorCoreEfficiency = 1;
  double simtMatmulEfficiency = 1;
  double simtEfficiency = 1;
  double memoryEfficiency = 1;
  /// Streaming multiprocessors (cores on a CPU): what a kernel launch must
  /// fill, at two blocks of 256 threads each, to use the whole device.
  double multiprocessors = 1;
};

/// The names of the built-in profiles, in table order.
std::vector<std::string> deviceProfileNames();

/// The built-in profile `name` ("h100", "h200", "a100", "cpu"), or nullopt
/// with a message in `*error`.
std::optional<DeviceProfile> loadDeviceProfile(const std::string &name,
                                               std::string *error = nullptr);

/// A built-in profile with some fields overridden by a JSON object:
/// `{"name": "h100", "memory_bandwidth": 3.0e12, ...}`. `name` picks the
/// base profile; every other key must be a known field with a value of the
/// right type and range. Returns nullopt with a message in `*error` on any
/// problem (malformed JSON, unknown or duplicate key, wrong type, value out
/// of range, unknown base profile); never throws.
std::optional<DeviceProfile>
parseDeviceProfileJson(const std::string &text, std::string *error = nullptr);

/// parseDeviceProfileJson on the contents of the file at `path`; messages
/// start with the path.
std::optional<DeviceProfile>
loadDeviceProfileFile(const std::string &path, std::string *error = nullptr);

//===----------------------------------------------------------------------===//
// Roofline
//===----------------------------------------------------------------------===//

/// The work of an op and how long it takes on one device.
struct OpCost {
  OpWork work;
  /// The achieved FLOP/s the op's floating-point work runs at.
  double achievedFlops = 0;
  double computeSeconds = 0;
  double memorySeconds = 0;
  double launchSeconds = 0;
  /// max(computeSeconds, memorySeconds) + launchSeconds.
  double seconds = 0;

  bool isComputeBound() const { return computeSeconds > memorySeconds; }
};

/// The achieved floating-point rate (peak times efficiency) `op` runs at on
/// `device`: tensor cores (or exact-f32 SIMT) for matmuls, SIMT otherwise.
double achievedFlopRate(const OpDesc &op, const DeviceProfile &device);

/// The roofline cost of `op` on `device`.
OpCost estimateCost(const OpDesc &op, const DeviceProfile &device);

/// The roofline of already counted work running at `flopRate` achieved
/// FLOP/s; the integer and memory rates come from `device`.
OpCost rooflineCost(const OpWork &work, double flopRate,
                    const DeviceProfile &device);

} // namespace gc::cost

#endif // GC_ANALYSIS_COSTMODEL_H
