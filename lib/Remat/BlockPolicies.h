//===- BlockPolicies.h - Repeated blocks and their policies -----*- C++ -*-===//
//
// The first half of `auto`'s block-chain method (BlockChain.cpp): find the
// chain of blocks, group the blocks that repeat, and measure for one block
// of each group the policies worth considering.
//
//===----------------------------------------------------------------------===//

#ifndef GC_LIB_REMAT_BLOCKPOLICIES_H
#define GC_LIB_REMAT_BLOCKPOLICIES_H

#include "SolverSupport.h"

namespace gc::remat::detail {

/// A per-block policy as the block alone measures it.
struct BlockOption {
  /// Bytes the block keeps while other blocks run, its peak during its
  /// forward and its backward ops (it alone: what it reads from outside is
  /// free), and the seconds of its clones.
  int64_t kept = 0, forwardPeak = 0, backwardPeak = 0;
  double cost = 0;
  /// Which of the group's activation bits are recomputed.
  uint32_t mask = 0;
  /// Whether the block's outputs are recomputed too.
  bool outputs = false;
};

/// Blocks sharing a signature and the policies of their representative.
struct BlockGroup {
  int representative = -1;
  /// Positions (in a block's value list) of the policies' activations,
  /// largest first; positions from `restBegin` on share the last bit.
  std::vector<int> activations;
  int restBegin = 0;
  int numBits = 0;
  /// Positions recomputed by every policy.
  std::vector<int> alwaysRecomputed;
  /// Positions of the outputs, their bytes, and the cost of their
  /// producers.
  std::vector<int> outputs;
  int64_t outputBytes = 0;
  double outputCost = 0;
  /// The Pareto front of the policies: without recomputed outputs, then
  /// with, each by increasing cost.
  std::vector<BlockOption> front;
  BlockOption keepAll, recomputeAll;
};

/// The blocks of a problem (ProblemInfo::blockTags) as a chain.
class BlockStructure {
public:
  explicit BlockStructure(const ProblemInfo &info)
      : info(info), problem(info.problem) {}

  /// Groups the blocks and measures their policies; false when there are
  /// not two blocks, none repeats, or the blocks waiting for their
  /// backward at some op are not a prefix of the chain.
  bool analyze();
  /// `base` with block b following `policies[b]`.
  Flags apply(const std::vector<const BlockOption *> &policies,
              Flags base) const;

  int numBlocks = 0;
  /// Per op, how many blocks (the first ones) wait for their backward.
  std::vector<int> waiting;
  std::vector<int> groupOf;
  std::vector<BlockGroup> groups;
  /// Whether a block's outputs are read only by it and the next block.
  std::vector<char> outputsMovable;

private:
  bool findWaitingPrefixes();
  void collectBlockValues();
  std::string signature(int block) const;
  Problem extractBlock(int block, std::vector<int> &subOfPosition) const;
  void buildGroup(BlockGroup &group, int enumeratedBits);

  const ProblemInfo &info;
  const Problem &problem;
  std::vector<std::vector<int>> blockOps, blockValues;
  std::vector<int> positionOf;
};

} // namespace gc::remat::detail

#endif // GC_LIB_REMAT_BLOCKPOLICIES_H
