//===- CostModel.cpp - Work counts and the roofline ----------------------===//
//
// Counts the FLOPs, integer operations and bytes of each op kind from static
// shapes, and turns them into time on a device with a per-op roofline. The
// counting rules are those of docs/cost-model.md: every operand is read once
// and every result written once, except where a kind's kernel demonstrably
// touches less (a view, a slice, an embedding gather) or more (the scatter of
// an embedding gradient).
//
//===----------------------------------------------------------------------===//

#include "gc/Analysis/CostModel.h"

#include "gc_rt/Attention.h"

#include <algorithm>

using namespace gc::cost;

int64_t TensorDesc::numElements() const {
  int64_t count = 1;
  for (int64_t size : shape)
    count *= size;
  return count;
}

int64_t gc::cost::elementBytes(DataClass dataClass) {
  switch (dataClass) {
  case DataClass::F32:
    return 4;
  case DataClass::F16:
    return 2;
  case DataClass::F64:
    return 8;
  case DataClass::Integer:
    return 4;
  }
  return 4;
}

const char *gc::cost::opKindName(OpKind kind) {
  switch (kind) {
  case OpKind::ElementwiseArithmetic:
    return "elementwise_arithmetic";
  case OpKind::ElementwiseDivSqrt:
    return "elementwise_div_sqrt";
  case OpKind::ElementwiseTranscendental:
    return "elementwise_transcendental";
  case OpKind::Gelu:
    return "gelu";
  case OpKind::GeluGrad:
    return "gelu_grad";
  case OpKind::Dropout:
    return "dropout";
  case OpKind::DropoutGrad:
    return "dropout_grad";
  case OpKind::Cast:
    return "cast";
  case OpKind::Broadcast:
    return "broadcast";
  case OpKind::Reshape:
    return "reshape";
  case OpKind::Transpose:
    return "transpose";
  case OpKind::Slice:
    return "slice";
  case OpKind::Concat:
    return "concat";
  case OpKind::Constant:
    return "constant";
  case OpKind::Matmul:
    return "matmul";
  case OpKind::Reduction:
    return "reduction";
  case OpKind::LayerNorm:
    return "layer_norm";
  case OpKind::LayerNormGrad:
    return "layer_norm_grad";
  case OpKind::Softmax:
    return "softmax";
  case OpKind::SoftmaxGrad:
    return "softmax_grad";
  case OpKind::Attention:
    return "attention";
  case OpKind::AttentionGrad:
    return "attention_grad";
  case OpKind::Embedding:
    return "embedding";
  case OpKind::EmbeddingGrad:
    return "embedding_grad";
  case OpKind::CrossEntropy:
    return "cross_entropy";
  case OpKind::CrossEntropyGrad:
    return "cross_entropy_grad";
  case OpKind::SgdUpdate:
    return "sgd_update";
  case OpKind::AdamWUpdate:
    return "adamw_update";
  case OpKind::AllReduce:
    return "all_reduce";
  case OpKind::Opaque:
    return "opaque";
  }
  return "opaque";
}

namespace {

int64_t totalBytes(const std::vector<TensorDesc> &tensors) {
  int64_t bytes = 0;
  for (const TensorDesc &tensor : tensors)
    bytes += tensor.bytes();
  return bytes;
}

int64_t elementsOf(const std::vector<TensorDesc> &tensors, size_t index) {
  return index < tensors.size() ? tensors[index].numElements() : 0;
}

int64_t bytesOf(const std::vector<TensorDesc> &tensors, size_t index) {
  return index < tensors.size() ? tensors[index].bytes() : 0;
}

/// FLOPs per element of the op's main tensor (the result of elementwise
/// ops, the input of normalizations, reductions and losses), or nullopt for
/// kinds counted otherwise. The decompositions are spelled out so that the
/// weights can be checked and recalibrated.
std::optional<int64_t> flopsPerElement(OpKind kind) {
  constexpr int64_t a = kArithmeticFlops;
  constexpr int64_t d = kDivSqrtFlops;
  constexpr int64_t t = kTranscendentalFlops;
  switch (kind) {
  case OpKind::ElementwiseArithmetic:
  case OpKind::Cast:
    return a;
  case OpKind::ElementwiseDivSqrt:
    return d;
  case OpKind::ElementwiseTranscendental:
    return t;
  case OpKind::Gelu:
    // Exact: x * 0.5 * (1 + erf(x / sqrt 2)) is erf and 4 arithmetic; the
    // tanh form is tanh and 8. Both are costed as their mean, 6.
    return t + 6 * a;
  case OpKind::GeluGrad:
    // The CDF (erf or tanh, 3 arithmetic), the density (exp, 3), and
    // grad * (cdf + x * pdf) (3).
    return 2 * t + 9 * a;
  case OpKind::Dropout:
  case OpKind::DropoutGrad:
    // Per element after the integer Philox work: to float, scale to [0, 1),
    // compare, select, multiply by 1 / (1 - p).
    return 5 * a;
  case OpKind::Reduction:
    // One add or max per input element.
    return a;
  case OpKind::LayerNorm:
    // Mean (add), centre (sub), variance (mul, add), normalize (mul),
    // gamma (mul), beta (add). Per-row rsqrt and divisions are ignored.
    return 7 * a;
  case OpKind::LayerNormGrad:
    // xhat (2), dy * gamma (1), the two row sums (3), dx (4), the gamma and
    // beta column sums (3).
    return 13 * a;
  case OpKind::Softmax:
    // Max, subtract, exp, sum, multiply by the row's reciprocal.
    return t + 4 * a;
  case OpKind::SoftmaxGrad:
    // grad * output, its row sum, grad - sum, output * (...).
    return 4 * a;
  case OpKind::CrossEntropy:
    // logsumexp of each row: max, subtract, exp, sum.
    return t + 3 * a;
  case OpKind::CrossEntropyGrad:
    // The softmax of the row recomputed (max, sub, exp, sum, normalize),
    // minus the one-hot, times grad / count.
    return t + 6 * a;
  case OpKind::SgdUpdate:
    // param - lr * (grad + weight_decay * param).
    return 4 * a;
  case OpKind::AllReduce:
    // The mean's multiply per element.
    return a;
  case OpKind::AdamWUpdate:
    // Decay (2), m' (3), v' (4), two bias corrections (2), sqrt, + eps (1),
    // divide, lr * (1), subtract (1).
    return 2 * d + 14 * a;
  default:
    return std::nullopt;
  }
}

/// Whether the kind's FLOPs are counted per element of its first operand
/// (normalizations, reductions and losses) rather than of its first result.
bool countsOverInput(OpKind kind) {
  switch (kind) {
  case OpKind::Reduction:
  case OpKind::LayerNorm:
  case OpKind::LayerNormGrad:
  case OpKind::CrossEntropy:
    return true;
  default:
    return false;
  }
}

/// The sizes of gc.attention or gc.attention_grad, from their operands:
/// query [B, H, S, D], key [B, H, T, D], value [B, H, T, Dv] (after the
/// upstream gradient for the backward).
struct AttentionShape {
  bool backward;
  int64_t scores; ///< B * H * S * T
  int64_t d, dv;
};

std::optional<AttentionShape> attentionShapeOf(const OpDesc &op) {
  const bool backward = op.kind == OpKind::AttentionGrad;
  const size_t first = backward ? 1 : 0;
  if (op.operands.size() < first + 3)
    return std::nullopt;
  const std::vector<int64_t> &q = op.operands[first].shape;
  const std::vector<int64_t> &k = op.operands[first + 1].shape;
  const std::vector<int64_t> &v = op.operands[first + 2].shape;
  if (q.size() != 4 || k.size() != 4 || v.size() != 4)
    return std::nullopt;
  return AttentionShape{backward, q[0] * q[1] * q[2] * k[2], q[3], v[3]};
}

/// FLOPs per score of the algorithm (FlashAttention-2): the forward's two
/// GEMMs, 2D (QK^T) + 2Dv (PV), and the score's scale, mask, max, exp, sum
/// and divide; the backward recomputes QK^T (2D) and runs dV (2Dv), dP
/// (2Dv), dQ (2D) and dK (2D), plus scale, mask, exp, dP - D and times P.
int64_t attentionFlopsPerScore(const AttentionShape &s) {
  constexpr int64_t a = kArithmeticFlops, t = kTranscendentalFlops;
  return s.backward ? 6 * s.d + 4 * s.dv + t + 5 * a
                    : 2 * s.d + 2 * s.dv + t + 5 * a;
}

/// FLOPs per score gc's CUDA kernels execute: they recompute each score in
/// every pass instead of keeping a tile (forward: three dot products of
/// length D and two exps per score; backward: the score and dO . v in both
/// kernels).
int64_t cudaAttentionFlopsPerScore(const AttentionShape &s) {
  constexpr int64_t a = kArithmeticFlops, t = kTranscendentalFlops;
  return s.backward ? 8 * s.d + 6 * s.dv + 2 * t + 5 * a
                    : 6 * s.d + 2 * s.dv + 2 * t + 5 * a;
}

/// Whether gc's CUDA backend runs `s` on its tiled tensor-core kernels
/// (runtime/src/cuda/AttentionTensorCore.cu): bf16 and f16, head and value
/// dimensions up to 128.
bool usesTiledAttention(const OpDesc &op, const AttentionShape &s) {
  return op.dataClass == DataClass::F16 &&
         s.d <= gc::rt::kMaxTensorCoreAttentionDim &&
         s.dv <= gc::rt::kMaxTensorCoreAttentionDim;
}

/// FLOPs per score the tiled kernels execute: the forward keeps each score
/// tile (the algorithm's count); the backward computes the scores and
/// grad . v in both of its kernels, as the warp-per-row kernels do.
int64_t tiledAttentionFlopsPerScore(const AttentionShape &s) {
  return s.backward ? cudaAttentionFlopsPerScore(s) : attentionFlopsPerScore(s);
}

/// The share of the tensor-core GEMM rate the tiled kernels achieve: their
/// products run on the tensor cores, but each 16 x 32 tile also takes CUDA-
/// core work (scale, mask, exp, the running statistics) and shared-memory
/// round trips. FlashAttention-2 (Dao 2023, section 4) reaches 50-73 % of
/// A100's peak forward and less in the backward, about two thirds of a
/// cuBLAS GEMM; gc's simpler tiles are charged half the GEMM rate, an
/// assumption that bench/gpu's bf16-mixed row puts to the test.
constexpr double kTiledAttentionShareOfGemmRate = 0.5;

/// gc.attention and gc.attention_grad: the algorithm's FLOPs per score, a
/// Philox draw per score (two in the backward) with dropout, and the bytes
/// of the operands and results only: the scores never reach memory.
OpWork countAttentionWork(const OpDesc &op) {
  OpWork work;
  std::optional<AttentionShape> shape = attentionShapeOf(op);
  if (!shape)
    return work;
  const bool backward = shape->backward;
  const int64_t scores = shape->scores;
  work.flops = scores * attentionFlopsPerScore(*shape);
  if (op.attentionDropout) {
    int64_t draws = backward ? 2 * scores : scores;
    work.intOps = (draws + kPhiloxDrawsPerBlock - 1) / kPhiloxDrawsPerBlock *
                      kPhiloxBlockIntOps +
                  draws;
  }
  work.bytesRead = totalBytes(op.operands);
  work.bytesWritten = totalBytes(op.results);
  // The CPU and CUDA kernels: one for the forward; the backward's query
  // gradient, then the key and value gradients.
  work.kernels = backward ? 2 : 1;
  return work;
}

} // namespace

OpWork gc::cost::countWork(const OpDesc &op) {
  OpWork work;
  switch (op.kind) {
  case OpKind::Reshape:
  case OpKind::Constant:
  case OpKind::Opaque:
    // A view, a value materialized once at load time, or an op the model
    // does not know: no kernel per step.
    return work;
  default:
    break;
  }

  work.kernels = 1;
  work.bytesRead = totalBytes(op.operands);
  work.bytesWritten = totalBytes(op.results);

  if (std::optional<int64_t> perElement = flopsPerElement(op.kind)) {
    int64_t elements = countsOverInput(op.kind) ? elementsOf(op.operands, 0)
                                                : elementsOf(op.results, 0);
    work.flops = *perElement * elements;
  }

  switch (op.kind) {
  case OpKind::Matmul:
    work.flops = 2 * op.matmul.batch * op.matmul.m * op.matmul.n * op.matmul.k;
    break;
  case OpKind::Dropout:
  case OpKind::DropoutGrad: {
    // One Philox block per four elements, then a shift per element to take
    // the word's top 24 bits.
    int64_t elements = elementsOf(op.results, 0);
    int64_t blocks =
        (elements + kPhiloxDrawsPerBlock - 1) / kPhiloxDrawsPerBlock;
    work.intOps = blocks * kPhiloxBlockIntOps + elements;
    break;
  }
  case OpKind::Slice:
    // Only the box is read.
    work.bytesRead = bytesOf(op.results, 0);
    break;
  case OpKind::Embedding:
    // The ids, and the gathered rows rather than the whole table.
    work.bytesRead = bytesOf(op.operands, 1) + bytesOf(op.results, 0);
    break;
  case OpKind::EmbeddingGrad: {
    // A zero fill of the table, then a scatter-add of every grad row into
    // it: one add per grad element and a read-modify-write of its row.
    int64_t gradBytes = bytesOf(op.operands, 0);
    work.flops = elementsOf(op.operands, 0);
    work.bytesRead += gradBytes;
    work.bytesWritten += gradBytes;
    work.kernels = 2;
    break;
  }
  case OpKind::LayerNormGrad:
    // The per-row input gradient, then the per-column gamma and beta sums.
    work.kernels = 2;
    break;
  case OpKind::Attention:
  case OpKind::AttentionGrad:
    work = countAttentionWork(op);
    break;
  default:
    break;
  }
  return work;
}

double gc::cost::achievedFlopRate(const OpDesc &op,
                                  const DeviceProfile &device) {
  if (op.kind == OpKind::Attention || op.kind == OpKind::AttentionGrad) {
    // The CPU kernels run their FLOPs as BLAS GEMMs (the matmul rate). On
    // a GPU profile, 16-bit attention with head dimensions up to 128 runs
    // tiled on the tensor cores (a share of the GEMM rate, divided by the
    // backward's recomputation); the rest runs on the warp-per-row SIMT
    // kernels, which recompute scores: the SIMT rate divided by that
    // recomputation.
    const bool f64 = op.dataClass == DataClass::F64;
    if (device.name == "cpu")
      return (f64 ? device.peakFp64SimtFlops : device.peakFp32SimtFlops) *
             device.simtMatmulEfficiency;
    std::optional<AttentionShape> shape = attentionShapeOf(op);
    if (shape && usesTiledAttention(op, *shape))
      return device.peakFp16TensorFlops * device.tensorCoreEfficiency *
             kTiledAttentionShareOfGemmRate *
             static_cast<double>(attentionFlopsPerScore(*shape)) /
             static_cast<double>(tiledAttentionFlopsPerScore(*shape));
    const double recompute =
        shape ? static_cast<double>(cudaAttentionFlopsPerScore(*shape)) /
                    static_cast<double>(attentionFlopsPerScore(*shape))
              : 1.0;
    return (f64 ? device.peakFp64SimtFlops : device.peakFp32SimtFlops) *
           device.simtEfficiency / recompute;
  }
  if (op.kind == OpKind::Matmul) {
    switch (op.dataClass) {
    case DataClass::F16:
      return device.peakFp16TensorFlops * device.tensorCoreEfficiency;
    case DataClass::F32:
      if (device.allowTf32)
        return device.peakTf32TensorFlops * device.tensorCoreEfficiency;
      return device.peakFp32SimtFlops * device.simtMatmulEfficiency;
    case DataClass::F64:
      return device.peakFp64TensorFlops * device.tensorCoreEfficiency;
    case DataClass::Integer:
      return device.peakInt32SimtOps * device.simtEfficiency;
    }
  }
  if (op.dataClass == DataClass::F64)
    return device.peakFp64SimtFlops * device.simtEfficiency;
  return device.peakFp32SimtFlops * device.simtEfficiency;
}

namespace {
/// `amount / rate`, with no work taking no time whatever the rate.
double secondsFor(int64_t amount, double rate) {
  if (amount == 0)
    return 0;
  return static_cast<double>(amount) / rate;
}
} // namespace

OpCost gc::cost::rooflineCost(const OpWork &work, double flopRate,
                              const DeviceProfile &device) {
  OpCost cost;
  cost.work = work;
  cost.achievedFlops = flopRate;
  cost.computeSeconds =
      secondsFor(work.flops, flopRate) +
      secondsFor(work.intOps, device.peakInt32SimtOps * device.simtEfficiency);
  cost.memorySeconds = secondsFor(
      work.bytesMoved(), device.memoryBandwidth * device.memoryEfficiency);
  cost.launchSeconds =
      static_cast<double>(work.kernels) * device.launchOverheadSeconds;
  cost.seconds =
      std::max(cost.computeSeconds, cost.memorySeconds) + cost.launchSeconds;
  return cost;
}

OpCost gc::cost::estimateCost(const OpDesc &op, const DeviceProfile &device) {
  return rooflineCost(countWork(op), achievedFlopRate(op, device), device);
}
