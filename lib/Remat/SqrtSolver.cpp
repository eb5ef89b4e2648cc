//===- SqrtSolver.cpp - Chen et al.'s sqrt(n) checkpointing ---------------===//
//
// The `sqrt` baseline follows Chen, Xu, Zhang and Guestrin, "Training Deep
// Nets with Sublinear Memory Cost" (2016): cut the forward pass into about
// sqrt(n) segments, keep only the tensors at the segment boundaries, and
// recompute everything inside a segment during the backward pass, which
// costs about one extra forward pass and keeps O(sqrt(n)) boundary tensors.
//
// With L tagged blocks, the segments are runs of k = ceil(sqrt(L)) blocks:
// the outputs of blocks k-1, 2k-1, ... and of the last block are kept, and
// every other value produced inside blocks, other blocks' outputs included,
// is recomputed (the recomputation of a block's input then chains back
// through the non-kept outputs to the segment's checkpoint). Untagged values
// are kept.
//
// Without tags, the n forward ops are cut at ceil(sqrt(n)) - 1 evenly
// spaced positions. Where an articulation value (the only tensor crossing a
// position) lies within half a segment of the target position, the cut
// moves there and keeps that single value; otherwise every tensor crossing
// the target position is kept. All other forward values are recomputed.
// The plan does not depend on the budget.
//
//===----------------------------------------------------------------------===//

#include "SolverSupport.h"

#include <cmath>

using namespace gc::remat;
using namespace gc::remat::detail;

namespace {
int ceilSqrt(int n) {
  int k = static_cast<int>(std::sqrt(static_cast<double>(n)));
  while (k * k < n)
    ++k;
  while (k > 1 && (k - 1) * (k - 1) >= n)
    --k;
  return std::max(k, 1);
}

Flags taggedSqrtFlags(const ProblemInfo &info) {
  int numBlocks = static_cast<int>(info.blockTags.size());
  int k = ceilSqrt(numBlocks);
  Flags flags(info.problem.values.size(), 0);
  for (size_t v = 0; v < flags.size(); ++v) {
    int value = static_cast<int>(v);
    int block = info.blockOfValue(value);
    if (!info.recomputable[v] || block < 0)
      continue;
    bool checkpoint = (block + 1) % k == 0 || block == numBlocks - 1;
    flags[v] = !(checkpoint && info.isBlockOutput(value));
  }
  return flags;
}

Flags untaggedSqrtFlags(const ProblemInfo &info) {
  const Problem &problem = info.problem;
  int n = info.firstBackward;
  int numValues = static_cast<int>(problem.values.size());
  // crossing[p]: non-persistent roots defined before forward op p and read
  // by a forward op at or after p; idSum identifies the single one.
  std::vector<int> crossing(n + 1, 0);
  std::vector<int64_t> idSum(n + 1, 0);
  for (int v = 0; v < numValues; ++v) {
    const Value &value = problem.values[v];
    if (value.aliasOf >= 0 || value.persistent || value.producer < 0 ||
        value.producer >= n)
      continue;
    int last = std::min(info.lastForwardUse[v], n - 1);
    if (last <= value.producer)
      continue;
    crossing[value.producer + 1] += 1;
    crossing[last + 1] -= 1;
    idSum[value.producer + 1] += v;
    idSum[last + 1] -= v;
  }
  for (int p = 1; p <= n; ++p) {
    crossing[p] += crossing[p - 1];
    idSum[p] += idSum[p - 1];
  }

  Flags flags(numValues, 0);
  for (int v = 0; v < numValues; ++v)
    flags[v] = info.recomputable[v];
  int segments = ceilSqrt(n);
  int window = n / (2 * segments);
  for (int i = 1; i < segments; ++i) {
    int target = static_cast<int>(static_cast<int64_t>(i) * n / segments);
    int cut = -1;
    for (int d = 0; d <= window && cut < 0; ++d)
      for (int p : {target - d, target + d})
        if (cut < 0 && p >= 1 && p < n && crossing[p] == 1)
          cut = p;
    if (cut >= 0) {
      flags[idSum[cut]] = 0;
      continue;
    }
    for (int v = 0; v < numValues; ++v) {
      const Value &value = problem.values[v];
      if (value.aliasOf < 0 && value.producer >= 0 && value.producer < target &&
          info.lastForwardUse[v] >= target)
        flags[v] = 0;
    }
  }
  return flags;
}

class SqrtSolver : public Solver {
public:
  std::string getName() const override { return "sqrt"; }
  Solution solve(const Problem &problem, int64_t budgetBytes,
                 const SolveOptions &) const override {
    Clock::time_point start = Clock::now();
    ProblemInfo info(problem);
    return finishSolution(problem, sqrtFlags(info), budgetBytes, getName(),
                          start);
  }
};
} // namespace

Flags detail::sqrtFlags(const ProblemInfo &info) {
  if (!info.blockTags.empty())
    return taggedSqrtFlags(info);
  return untaggedSqrtFlags(info);
}

std::unique_ptr<Solver> detail::createSqrtSolver() {
  return std::make_unique<SqrtSolver>();
}
