//===- RematTestProblems.h - Problems for the remat unit tests --*- C++ -*-===//
//
// Builders of RematProblems without MLIR: a small construction helper for
// hand-made graphs, random layered DAGs (a forward part and a mirrored
// backward part reading forward values), and BERT-like chains of identical
// encoder blocks with a large language-model head.
//
//===----------------------------------------------------------------------===//

#ifndef GC_TEST_UNIT_REMAT_REMATTESTPROBLEMS_H
#define GC_TEST_UNIT_REMAT_REMATTESTPROBLEMS_H

#include "gc/Remat/RematProblem.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gc::remat::testing {

/// Appends values and ops in schedule order.
class ProblemBuilder {
public:
  /// A persistent function argument.
  int argument(const std::string &name, int64_t bytes);
  /// An op with one result per entry of `resultBytes`; returns the first.
  int op(const std::string &name, const std::vector<int> &operands,
         const std::vector<int64_t> &resultBytes, double cost, bool forward,
         int64_t block = -1, bool recomputable = true);
  /// A reshape of `operand`: its result aliases the operand's root.
  int reshape(const std::string &name, int operand, bool forward,
              int64_t block = -1);
  void markReturned(int value) { problem.values[value].returned = true; }
  /// The id of the value called `name`.
  int find(const std::string &name) const;

  Problem problem;
};

struct RandomProblemOptions {
  int forwardOps = 8;
  /// Tag forward ops (and their mirrors) with this many blocks; 0: none.
  int blocks = 0;
  bool aliases = true;
  bool multiResults = true;
  /// Let some single-result ops write in place into their first operand
  /// (remat::Op::inPlaceOperands); drawn from a stream of their own, so the
  /// problems are otherwise the same with and without.
  bool inPlace = true;
};

/// A random training step: forward ops reading earlier values, a loss, and
/// one backward op per forward op, in reverse, reading the running gradient
/// and some of the forward op's operands and results.
Problem randomProblem(uint32_t seed, const RandomProblemOptions &options);

struct BertLikeOptions {
  int layers = 2;
  /// A small encoder block (about a dozen forward ops) instead of the
  /// BERT-sized one (about 30 forward and 45 backward ops).
  bool compact = false;
  /// Whether ops carry block tags.
  bool tagged = true;
  /// Whether AdamW updates (non-recomputable) end the step.
  bool optimizer = true;
};

/// A BERT-large-like step at batch 64, sequence 512 (sizes in bytes, costs
/// in seconds): attention probabilities 1 GiB, FFN activations 512 MiB,
/// hidden states 128 MiB, layer-norm statistics 128 KiB, and a vocabulary
/// head whose logits take 4 GiB.
Problem bertLikeProblem(const BertLikeOptions &options);

} // namespace gc::remat::testing

#endif // GC_TEST_UNIT_REMAT_REMATTESTPROBLEMS_H
