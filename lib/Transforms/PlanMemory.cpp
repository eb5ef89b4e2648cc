//===- PlanMemory.cpp - Static arena offsets for a step -------------------===//
//
// Builds the buffers of a step from its final order (what lives when, which
// values share storage), plans their offsets with the IR-free planner, checks
// the plan, and records it on the IR. See Passes.td for the rules.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcOps.h"
#include "gc/MemPlan/MemoryPlanner.h"
#include "gc/Support/OutputFile.h"
#include "gc/Transforms/Passes.h"
#include "gc/Transforms/RematIR.h"
#include "gc/Transforms/ReportSink.h"
#include "gc/Transforms/TrainingStep.h"
#include "gc/Transforms/Workspace.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/ToolOutputFile.h"

#include <algorithm>
#include <functional>
#include <map>

#define DEBUG_TYPE "gc-plan-memory"

namespace mlir::gc {
#define GEN_PASS_DEF_PLANMEMORY
#include "gc/Transforms/Passes.h.inc"
} // namespace mlir::gc

using namespace mlir;
using namespace mlir::gc;
namespace memplan = ::gc::memplan;

namespace {
/// One arena buffer and the values stored in it.
struct ArenaBuffer {
  std::string name;
  /// forward, backward or recompute: what the op defining it belongs to.
  std::string phase;
  int64_t bytes = 0;
  int64_t first = 0; ///< Position of the op defining it.
  int64_t last = 0;  ///< Position of its last use (inclusive).
  std::string dtype; ///< Element type (f32, bf16, ...) of its value.
};

/// The element type of `value`'s tensor type as MLIR prints it.
std::string dtypeOf(Value value) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << cast<ShapedType>(value.getType()).getElementType();
  return text;
}

struct PlanMemoryPass : mlir::gc::impl::PlanMemoryBase<PlanMemoryPass> {
  using PlanMemoryBase::PlanMemoryBase;
  void runOnOperation() override;
};
} // namespace

void PlanMemoryPass::runOnOperation() {
  func::FuncOp function = getOperation();
  if (function.isExternal())
    return;
  if (!function.getBody().hasOneBlock()) {
    function.emitError() << "gc-plan-memory: expected a single block";
    return signalPassFailure();
  }
  // The option's values (PassEnums.h) name the planner's strategies.
  std::string strategyName = nameOf(kPlanStrategies, strategy.getValue()).str();
  std::unique_ptr<memplan::Strategy> planner =
      memplan::createStrategy(strategyName);
  if (!planner) {
    function.emitError() << "gc-plan-memory: internal error: no strategy "
                            "named '"
                         << strategyName << "'";
    return signalPassFailure();
  }
  if (alignment < 1 || (alignment & (alignment - 1))) {
    function.emitError()
        << "gc-plan-memory: expected a power-of-two alignment, but found "
        << alignment.getValue();
    return signalPassFailure();
  }

  Block &body = function.front();
  Operation *terminator = body.getTerminator();
  // The forward pass of a training step, for the report's phases; a
  // function without a loss has none.
  llvm::DenseSet<Operation *> forward;
  {
    ScopedDiagnosticHandler quiet(&getContext(),
                                  [](Diagnostic &) { return success(); });
    if (FailureOr<Value> loss = findLoss(function); succeeded(loss))
      forward = findForwardOps(function, *loss);
  }
  auto phaseOf = [&](Operation *op) -> std::string {
    if (op->hasAttr(GcDialect::getRecomputeAttrName()))
      return "recompute";
    return forward.contains(op) ? "forward" : "backward";
  };
  llvm::DenseMap<Operation *, int64_t> position;
  int64_t end = 0;
  for (Operation &op : body)
    position[&op] = end++;

  // Values to buffers: results own a buffer unless they are a view or are
  // written in place; arguments live outside the arena.
  std::vector<ArenaBuffer> buffers;
  llvm::DenseMap<Value, int64_t> bufferOf;
  /// The workspace buffer of each op that has one.
  llvm::DenseMap<Operation *, int64_t> workspaceOf;
  int64_t persistentBytes = 0;
  std::map<std::string, int64_t> persistentBytesByDtype;
  auto lastUse = [&](Value value) {
    int64_t last = position[value.getDefiningOp()];
    for (Operation *user : value.getUsers())
      last = std::max(last, user == terminator ? end : position[user]);
    return last;
  };
  // The first op that reads `value`'s data, through views (reshapes);
  // `end` for a value only returned.
  std::function<int64_t(Value)> firstRead = [&](Value value) {
    int64_t first = end;
    for (Operation *user : value.getUsers())
      first =
          std::min(first, user == terminator     ? end
                          : isa<ReshapeOp>(user) ? firstRead(user->getResult(0))
                                                 : position[user]);
    return first;
  };
  auto byteSize = [&](Value value) -> FailureOr<int64_t> {
    std::optional<int64_t> bytes = getTensorByteSize(value.getType());
    if (!bytes)
      return emitError(value.getLoc())
             << "gc-plan-memory: cannot plan a value of type "
             << value.getType()
             << ": expected a statically shaped tensor whose size in bytes "
                "fits in 64 bits";
    return *bytes;
  };
  for (BlockArgument arg : body.getArguments()) {
    FailureOr<int64_t> bytes = byteSize(arg);
    if (failed(bytes))
      return signalPassFailure();
    if (llvm::AddOverflow(persistentBytes, *bytes, persistentBytes)) {
      function.emitError() << "gc-plan-memory: the arguments total more than "
                              "2^63 - 1 bytes";
      return signalPassFailure();
    }
    persistentBytesByDtype[dtypeOf(arg)] += *bytes;
  }
  for (Operation &op : body.without_terminator()) {
    for (OpResult result : op.getResults()) {
      FailureOr<int64_t> bytes = byteSize(result);
      if (failed(bytes))
        return signalPassFailure();
      int64_t last = lastUse(result);
      // A view, or an in-place write into an operand that dies here: the
      // result extends its operand's buffer.
      std::optional<int64_t> shared;
      if (isa<ReshapeOp>(op)) {
        // Every value but the arguments and their views has a buffer.
        auto it = bufferOf.find(op.getOperand(0));
        if (it == bufferOf.end())
          continue;
        shared = it->second;
      } else if (inPlace) {
        for (Value operand : op.getOperands()) {
          auto it = bufferOf.find(operand);
          if (it != bufferOf.end() &&
              buffers[it->second].last == position[&op] &&
              canWriteInPlace(&op, operand)) {
            shared = it->second;
            break;
          }
        }
      }
      if (shared) {
        bufferOf[result] = *shared;
        buffers[*shared].last = std::max(buffers[*shared].last, last);
        continue;
      }
      std::string name = describeLocation(op.getLoc());
      if (name.empty())
        name = op.getName().getStringRef().str();
      if (op.getNumResults() > 1)
        name += "#" + std::to_string(result.getResultNumber());
      bufferOf[result] = static_cast<int64_t>(buffers.size());
      buffers.push_back(
          {name, phaseOf(&op), *bytes, position[&op], last, dtypeOf(result)});
    }
    const int64_t scratch = getWorkspaceBytes(&op, workspaces);
    if (scratch < 0) {
      op.emitError() << "gc-plan-memory: the kernel's workspace is larger "
                        "than 2^63 - 1 bytes";
      return signalPassFailure();
    }
    if (scratch == 0)
      continue;
    std::string name = describeLocation(op.getLoc());
    if (name.empty())
      name = op.getName().getStringRef().str();
    workspaceOf[&op] = static_cast<int64_t>(buffers.size());
    // An all-reduce's bucket is reduced between the op and the first op
    // that reads a result (where the step waits for the reduction and
    // unpacks it); other workspaces live during their op alone.
    int64_t last = position[&op];
    if (isa<AllReduceOp>(op)) {
      last = end;
      for (Value result : op.getResults())
        last = std::min(last, firstRead(result));
    }
    buffers.push_back({name + " (workspace)", phaseOf(&op), scratch,
                       position[&op], last, dtypeOf(op.getOperand(0))});
  }

  // Every offset a strategy can produce is at most the sum of all buffer
  // sizes, each rounded up to the alignment: if that sum fits, no offset
  // computation overflows.
  int64_t total = 0;
  for (const ArenaBuffer &buffer : buffers) {
    int64_t rounded = 0;
    if (llvm::AddOverflow(buffer.bytes, static_cast<int64_t>(alignment),
                          rounded) ||
        llvm::AddOverflow(total, rounded, total)) {
      function.emitError() << "gc-plan-memory: the step's buffers total more "
                              "than 2^63 - 1 bytes; no arena can hold them";
      return signalPassFailure();
    }
  }

  std::vector<memplan::Buffer> problem;
  for (auto [id, buffer] : llvm::enumerate(buffers))
    problem.push_back({static_cast<int64_t>(id), buffer.bytes, alignment,
                       buffer.first, buffer.last + 1});
  memplan::PlanOptions options;
  options.timeLimitSeconds = timeLimit;
  memplan::Plan plan = planner->plan(problem, options);
  if (std::string error = memplan::checkPlan(problem, plan); !error.empty()) {
    function.emitError() << "gc-plan-memory: internal error: the "
                         << plan.strategy << " plan is invalid: " << error;
    return signalPassFailure();
  }
  int64_t lowerBound = memplan::lowerBound(problem);
  if (plan.hitWallClockCap)
    function.emitWarning()
        << "gc-plan-memory: the wall-clock safety cap (10x the time limit "
           "plus 10 s) ended the search before its work budget: this "
           "machine is much slower than the calibration, and the plan may "
           "differ from run to run";

  // Record the plan. A view of an argument lives outside the arena.
  MLIRContext *context = &getContext();
  for (Operation &op : body.without_terminator()) {
    SmallVector<int64_t> offsets;
    for (OpResult result : op.getResults()) {
      auto it = bufferOf.find(result);
      if (it == bufferOf.end())
        break;
      offsets.push_back(plan.offsets[it->second]);
    }
    if (offsets.size() == op.getNumResults())
      op.setAttr(GcDialect::getOffsetsAttrName(),
                 DenseI64ArrayAttr::get(context, offsets));
    if (auto it = workspaceOf.find(&op); it != workspaceOf.end())
      op.setAttr(GcDialect::getWorkspaceOffsetAttrName(),
                 IntegerAttr::get(IntegerType::get(context, 64),
                                  plan.offsets[it->second]));
  }
  Builder builder(context);
  function->setAttr(GcDialect::getArenaBytesAttrName(),
                    builder.getI64IntegerAttr(plan.arenaBytes));
  function->setAttr(GcDialect::getArenaLowerBoundAttrName(),
                    builder.getI64IntegerAttr(lowerBound));
  function->setAttr(GcDialect::getArenaStrategyAttrName(),
                    builder.getStringAttr(plan.strategy));

  if (!isReportWanted(report, function->getParentOp()))
    return;
  // The arena's bytes by element type at the position where the most bytes
  // are live (what mixed precision changes).
  std::vector<int64_t> liveBytes(static_cast<size_t>(end) + 2, 0);
  for (const ArenaBuffer &buffer : buffers) {
    liveBytes[buffer.first] += buffer.bytes;
    liveBytes[buffer.last + 1] -= buffer.bytes;
  }
  for (size_t p = 1; p < liveBytes.size(); ++p)
    liveBytes[p] += liveBytes[p - 1];
  int64_t peakPosition =
      std::max_element(liveBytes.begin(), liveBytes.end()) - liveBytes.begin();
  std::map<std::string, int64_t> peakBytesByDtype;
  for (const ArenaBuffer &buffer : buffers)
    if (buffer.first <= peakPosition && peakPosition <= buffer.last)
      peakBytesByDtype[buffer.dtype] += buffer.bytes;
  auto writeBytesByDtype = [](llvm::json::OStream &json, llvm::StringRef key,
                              const std::map<std::string, int64_t> &bytes) {
    json.attributeObject(key, [&] {
      for (const auto &[dtype, count] : bytes)
        json.attribute(dtype, count);
    });
  };
  auto writeReport = [&](llvm::raw_ostream &os) {
    llvm::json::OStream json(os, /*IndentSize=*/2);
    json.object([&] {
      json.attribute("function", function.getSymName());
      json.attribute("arena_bytes", plan.arenaBytes);
      json.attribute("lower_bound_bytes", lowerBound);
      json.attribute("persistent_bytes", persistentBytes);
      writeBytesByDtype(json, "persistent_bytes_by_dtype",
                        persistentBytesByDtype);
      json.attribute("peak_position", peakPosition);
      writeBytesByDtype(json, "peak_live_bytes_by_dtype", peakBytesByDtype);
      json.attribute("strategy", plan.strategy);
      json.attribute("plan_time_s", plan.seconds);
      json.attribute("wall_clock_cap_hit", plan.hitWallClockCap);
      json.attribute("alignment", alignment.getValue());
      json.attributeArray("buffers", [&] {
        for (size_t id = 0; id < buffers.size(); ++id) {
          const ArenaBuffer &buffer = buffers[id];
          json.object([&] {
            json.attribute("name", buffer.name);
            json.attribute("phase", buffer.phase);
            json.attribute("offset", plan.offsets[id]);
            json.attribute("bytes", buffer.bytes);
            json.attribute("dtype", buffer.dtype);
            json.attribute("first", buffer.first);
            json.attribute("last", buffer.last);
          });
        }
      });
    });
    os << "\n";
    return llvm::Error::success();
  };
  std::string json;
  llvm::raw_string_ostream jsonOs(json);
  llvm::cantFail(writeReport(jsonOs));
  if (llvm::Error error =
          publishFunctionReport("plan", report, function->getParentOp(),
                                function.getSymName(), std::move(json))) {
    function.emitError() << "gc-plan-memory: cannot write the report: "
                         << llvm::toString(std::move(error));
    return signalPassFailure();
  }
}
