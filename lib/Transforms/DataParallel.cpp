//===- DataParallel.cpp - Average gradients over the data-parallel group --===//
//
// Data parallelism as PyTorch's DistributedDataParallel does it: every rank
// runs the same step on its own slice of the global batch, and the gradients
// are averaged over the ranks before the optimizer uses them. The gradients
// are reduced in buckets (DDP's gradient buckets, Li et al., "PyTorch
// Distributed", VLDB 2020): few enough collectives that each moves a useful
// amount of data, yet early enough that the first buckets travel while the
// backward pass still computes the rest. The backward pass that gc-autodiff
// emits completes gradients from the last layer to the first, which is the
// order the buckets are filled in; each bucket's gc.all_reduce sits right
// after its last gradient, and gc-schedule keeps it there.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcOps.h"
#include "gc/Transforms/Passes.h"
#include "gc/Transforms/Workspace.h"

#include "llvm/ADT/MapVector.h"

#include <tuple>

#define DEBUG_TYPE "gc-data-parallel"

namespace mlir::gc {
#define GEN_PASS_DEF_DATAPARALLEL
#include "gc/Transforms/Passes.h.inc"
} // namespace mlir::gc

using namespace mlir;
using namespace mlir::gc;

namespace {
struct DataParallelPass : gc::impl::DataParallelBase<DataParallelPass> {
  using DataParallelBase::DataParallelBase;

  void runOnOperation() override;
};

/// A bucket being filled: its gradients, in completion order, and the
/// bytes its buffer holds so far.
struct Bucket {
  SmallVector<Value> gradients;
  int64_t bytes = 0;
};
} // namespace

void DataParallelPass::runOnOperation() {
  func::FuncOp function = getOperation();
  if (function.isExternal())
    return;
  if (bucketBytes < 1) {
    function.emitError() << "gc-data-parallel: expected bucket-bytes to be "
                            "positive, but found "
                         << static_cast<int64_t>(bucketBytes);
    return signalPassFailure();
  }
  if (worldSize < 0) {
    function.emitError() << "gc-data-parallel: expected world-size to be 0 "
                            "(any) or a number of ranks, but found "
                         << static_cast<int64_t>(worldSize);
    return signalPassFailure();
  }
  Block &body = function.front();
  Operation *terminator = body.getTerminator();

  // The distinct gradient values, in the order the step completes them
  // (block arguments and values defined first come first).
  llvm::DenseMap<Operation *, int64_t> position;
  for (auto [index, op] : llvm::enumerate(body))
    position[&op] = static_cast<int64_t>(index);
  auto completion = [&](Value value) -> int64_t {
    Operation *def = value.getDefiningOp();
    return def ? position.lookup(def) : -1;
  };
  llvm::SetVector<Value> gradients;
  for (unsigned i = 0, e = function.getNumResults(); i < e; ++i)
    if (auto role = function.getResultAttrOfType<RoleAttr>(
            i, GcDialect::getRoleAttrName());
        role && role.getKind() == ArgumentRole::Gradient)
      gradients.insert(terminator->getOperand(i));
  if (gradients.empty()) {
    function.emitError() << "gc-data-parallel: the function returns no "
                            "gradient (#gc.role<gradient>); run gc-autodiff "
                            "first";
    return signalPassFailure();
  }
  // Ties (block arguments) keep their result order.
  SmallVector<std::tuple<int64_t, size_t, Value>> keyed;
  for (auto [index, gradient] : llvm::enumerate(gradients))
    keyed.push_back({completion(gradient), index, gradient});
  llvm::sort(keyed, [](const auto &a, const auto &b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) <
           std::tie(std::get<0>(b), std::get<1>(b));
  });
  SmallVector<Value> ordered;
  for (auto &entry : keyed)
    ordered.push_back(std::get<2>(entry));

  // Fill one bucket per element type; a bucket closes once it holds
  // bucket-bytes.
  SmallVector<Bucket> closed;
  llvm::MapVector<Type, Bucket> open;
  for (Value gradient : ordered) {
    auto type = cast<RankedTensorType>(gradient.getType());
    Bucket &bucket = open[type.getElementType()];
    bucket.gradients.push_back(gradient);
    bucket.bytes += getAllReduceBucketBytes(type);
    if (bucket.bytes >= bucketBytes) {
      closed.push_back(std::move(bucket));
      open.erase(type.getElementType());
    }
  }
  for (auto &entry : open)
    closed.push_back(std::move(entry.second));

  // One gc.all_reduce per bucket, right after its last gradient (buckets
  // fill in completion order).
  llvm::DenseMap<Value, Value> averaged;
  for (Bucket &bucket : closed) {
    Value last = bucket.gradients.back();
    OpBuilder builder(function.getContext());
    if (Operation *def = last.getDefiningOp())
      builder.setInsertionPointAfter(def);
    else
      builder.setInsertionPointToStart(&body);
    auto reduce =
        AllReduceOp::create(builder, last.getLoc(), CollectiveReduction::mean,
                            ValueRange(bucket.gradients));
    for (auto [gradient, result] :
         llvm::zip_equal(bucket.gradients, reduce.getResults()))
      averaged[gradient] = result;
  }
  for (unsigned i = 0, e = function.getNumResults(); i < e; ++i)
    if (auto role = function.getResultAttrOfType<RoleAttr>(
            i, GcDialect::getRoleAttrName());
        role && role.getKind() == ArgumentRole::Gradient)
      terminator->setOperand(i, averaged.lookup(terminator->getOperand(i)));
  if (worldSize > 0)
    function->setAttr(GcDialect::getWorldSizeAttrName(),
                      IntegerAttr::get(IntegerType::get(&getContext(), 64),
                                       static_cast<int64_t>(worldSize)));
}
