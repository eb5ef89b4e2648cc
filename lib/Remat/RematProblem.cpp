//===- RematProblem.cpp - Problems, schedules and the simulator -----------===//
//
// The problem's checks and derived facts; buildSchedule and simulatePlan,
// both answered by the one simulator, PlanEvaluator (the op sequence that
// runs, clones placed on demand before the backward op that needs them,
// replayed with reference-counted buffers as the CPU executor's
// MemoryTracker counts them).
//
//===----------------------------------------------------------------------===//

#include "gc/Remat/RematProblem.h"

#include "PlanEvaluator.h"

#include <algorithm>

using namespace gc::remat;

std::string Problem::validate() const {
  bool inBackward = false;
  std::vector<int> definedAt(values.size(), -2);
  for (size_t v = 0; v < values.size(); ++v) {
    if (values[v].persistent)
      definedAt[v] = -1;
    int alias = values[v].aliasOf;
    if (alias >= 0 && (alias >= static_cast<int>(values.size()) ||
                       values[alias].aliasOf >= 0))
      return "value '" + values[v].name +
             "' aliases a value that is not a root buffer";
  }
  for (size_t i = 0; i < ops.size(); ++i) {
    const Op &op = ops[i];
    if (!op.forward)
      inBackward = true;
    else if (inBackward)
      return "forward op '" + op.name + "' comes after a backward op";
    for (int operand : op.operands)
      if (operand < 0 || operand >= static_cast<int>(values.size()) ||
          definedAt[operand] == -2)
        return "op '" + op.name + "' reads a value defined after it";
    for (int result : op.results) {
      if (result < 0 || result >= static_cast<int>(values.size()) ||
          values[result].producer != static_cast<int>(i))
        return "op '" + op.name + "' has a result whose producer is not it";
      definedAt[result] = static_cast<int>(i);
    }
  }
  return "";
}

int Problem::firstBackwardOp() const {
  for (size_t i = 0; i < ops.size(); ++i)
    if (!ops[i].forward)
      return static_cast<int>(i);
  return static_cast<int>(ops.size());
}

std::vector<bool> gc::remat::findRecomputable(const Problem &problem) {
  std::vector<bool> recomputable(problem.values.size(), false);
  for (size_t v = 0; v < problem.values.size(); ++v) {
    const Value &value = problem.values[v];
    if (value.aliasOf >= 0 || value.producer < 0)
      continue;
    const Op &op = problem.ops[value.producer];
    recomputable[v] = op.forward && op.recomputable;
  }
  return recomputable;
}

std::vector<int> gc::remat::findActivations(const Problem &problem) {
  std::vector<bool> isActivation(problem.values.size(), false);
  for (size_t i = problem.firstBackwardOp(); i < problem.ops.size(); ++i)
    for (int operand : problem.ops[i].operands) {
      int root = problem.root(operand);
      const Value &value = problem.values[root];
      if (!value.persistent && value.producer >= 0 &&
          problem.ops[value.producer].forward)
        isActivation[root] = true;
    }
  std::vector<int> activations;
  for (size_t v = 0; v < isActivation.size(); ++v)
    if (isActivation[v])
      activations.push_back(static_cast<int>(v));
  return activations;
}

// The schedule and the measurement both come from PlanEvaluator, the one
// simulator: the solvers' fast path and the pass's plan are the same code.
Schedule gc::remat::buildSchedule(const Problem &problem, const Plan &plan) {
  detail::PlanEvaluator evaluator(problem);
  evaluator.evaluate(detail::toFlags(plan, problem.values.size()));
  return evaluator.exportSchedule();
}

MemoryProfile gc::remat::simulatePlan(const Problem &problem,
                                      const Plan &plan) {
  detail::PlanEvaluator evaluator(problem);
  detail::PlanEvaluator::Request request;
  request.liveAtPeak = true;
  detail::PlanEvaluator::Result result =
      evaluator.evaluate(detail::toFlags(plan, problem.values.size()), request);
  MemoryProfile profile;
  profile.peakBytes = result.peakBytes;
  profile.persistentBytes = evaluator.getPersistentBytes();
  profile.peakEntry = result.peakEntry;
  profile.recomputeCost = result.recomputeCost;
  profile.recomputeFlops = result.recomputeFlops;
  profile.liveAtPeak = evaluator.liveAtPeak();
  return profile;
}
