//===- BertBuilder.cpp - Building blocks of the BERT model builder --------===//
//
// The PyTorch modules BERT is assembled from, each expressed in gc ops with
// the exact semantics of its PyTorch counterpart in training mode: linear
// layers with `[out, in]` weights and an explicitly broadcast bias, layer
// normalization, dropout on its own random stream, the activation, and the
// reshapes between the hidden and the per-head layout.
//
//===----------------------------------------------------------------------===//

#include "BertBuilder.h"

#include "gc/Dialect/GcOps.h"

#include "llvm/Support/ErrorHandling.h"

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::detail;

void BlockTagger::notifyOperationInserted(Operation *op,
                                          OpBuilder::InsertPoint) {
  if (block)
    setBlockTag(op, *block);
}

BertBuilder::BertBuilder(Block *body, const BertConfig &config,
                         llvm::StringMap<Value> params, Value seed)
    : builder(OpBuilder::atBlockEnd(body, &tagger)), config(config),
      params(std::move(params)), seed(seed),
      base(config.loss == BertLoss::MaskedLM ? "bert." : "") {
  MLIRContext *context = body->getParentOp()->getContext();
  elementType = config.elementType == BertElementType::F64
                    ? Type(Float64Type::get(context))
                    : Type(Float32Type::get(context));
}

Location BertBuilder::loc(const llvm::Twine &name) {
  return NameLoc::get(builder.getStringAttr(name));
}

Value BertBuilder::param(const llvm::Twine &key) {
  std::string name = key.str();
  auto it = params.find(name);
  if (it == params.end())
    llvm::report_fatal_error(llvm::Twine("BERT builder: no parameter '") +
                             name + "'");
  return it->second;
}

RankedTensorType BertBuilder::tensorType(llvm::ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, elementType);
}

Value BertBuilder::linear(Value input, const std::string &module) {
  Location location = loc(module);
  Value product =
      MatmulOp::create(builder, location, input, param(module + ".weight"),
                       /*transposeLhs=*/false,
                       /*transposeRhs=*/true);
  auto type = cast<RankedTensorType>(product.getType());
  int64_t lastDim = type.getRank() - 1;
  Value bias =
      BroadcastOp::create(builder, location, type, param(module + ".bias"),
                          llvm::ArrayRef<int64_t>(lastDim));
  return AddOp::create(builder, location, product, bias);
}

Value BertBuilder::layerNorm(Value input, const std::string &module) {
  return LayerNormOp::create(builder, loc(module), input,
                             param(module + ".weight"), param(module + ".bias"),
                             config.layerNormEps)
      .getResult();
}

Value BertBuilder::dropout(Value input, double probability,
                           const std::string &module) {
  // nn.Dropout(0) is the identity; emitting no op keeps the streams of the
  // remaining sites dense, as gc-assign-dropout-streams would number them.
  if (probability == 0.0)
    return input;
  return DropoutOp::create(builder, loc(module), input, seed, probability,
                           nextStream++);
}

Value BertBuilder::activation(Value input, const std::string &module) {
  GeluApproximation approximation = config.hiddenAct == BertActivation::GeluNew
                                        ? GeluApproximation::tanh
                                        : GeluApproximation::none;
  return GeluOp::create(builder, loc(module), input, approximation);
}

Value BertBuilder::splitHeads(Value input, const std::string &module) {
  Location location = loc(module);
  Value heads = ReshapeOp::create(
      builder, location,
      tensorType({config.batchSize, config.seqLength, config.numAttentionHeads,
                  config.headSize()}),
      input);
  return TransposeOp::create(builder, location, heads,
                             llvm::ArrayRef<int64_t>{0, 2, 1, 3});
}

Value BertBuilder::mergeHeads(Value input, const std::string &module) {
  Location location = loc(module);
  Value tokens = TransposeOp::create(builder, location, input,
                                     llvm::ArrayRef<int64_t>{0, 2, 1, 3});
  return ReshapeOp::create(
      builder, location,
      tensorType({config.batchSize, config.seqLength, config.hiddenSize}),
      tokens);
}
