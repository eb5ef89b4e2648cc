//===- Bert.cpp - The BERT forward function -------------------------------===//
//
// Assembles the forward function of a BERT training step: the signature
// (parameters named by state-dict key and marked trainable, then the batch
// and the step seed, one named loss result) and the body (embeddings,
// attention mask, encoder layers, loss), and verifies the result so that a
// builder bug surfaces here, named by the location of the offending op,
// rather than in a later pass.
//
//===----------------------------------------------------------------------===//

#include "gc/Models/Bert.h"

#include "BertBuilder.h"

#include "gc/Dialect/GcAttrs.h"
#include "gc/Dialect/GcDialect.h"

#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mlir::gc;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// What argument `name` is and how Hugging Face's BertPreTrainedModel
/// initialises it (`_init_weights`): LayerNorm weights ones, biases zeros,
/// other weights normal(0, initializer_range = 0.02); the batch fields are
/// ids below their table's size, the 0/1 attention mask (all ones), and
/// the dropout seed. The names are the model's own, known here only.
static std::pair<RoleAttr, InitAttr>
getArgumentContract(MLIRContext *context, const BertConfig &config,
                    StringRef name, bool isParameter) {
  if (isParameter) {
    RoleAttr role = RoleAttr::get(context, ArgumentRole::Parameter);
    if (name.ends_with("LayerNorm.weight"))
      return {role, InitAttr::get(context, InitKind::Ones)};
    if (name.ends_with(".bias"))
      return {role, InitAttr::get(context, InitKind::Zeros)};
    return {role, InitAttr::get(context, InitKind::Normal, 0.02)};
  }
  RoleAttr batch = RoleAttr::get(context, ArgumentRole::Batch);
  auto index = [&](int64_t bound) {
    return InitAttr::get(context, InitKind::Index, /*std=*/1.0, bound);
  };
  if (name == "seed")
    return {RoleAttr::get(context, ArgumentRole::Seed),
            InitAttr::get(context, InitKind::Seed)};
  if (name == "attention_mask")
    return {batch, InitAttr::get(context, InitKind::Ones, /*std=*/1.0,
                                 /*bound=*/0, /*binary=*/true)};
  if (name == "token_type_ids")
    return {batch, index(config.typeVocabSize)};
  // input_ids and labels: token ids.
  return {batch, index(config.vocabSize)};
}

llvm::Expected<func::FuncOp>
mlir::gc::buildBertForward(ModuleOp module, const BertConfig &config,
                           StringRef name) {
  if (llvm::Error error = validateBertConfig(config))
    return std::move(error);
  if (module.lookupSymbol(name))
    return makeError("the module already has a symbol named '" + name + "'");

  MLIRContext *context = module.getContext();
  context->loadDialect<GcDialect, func::FuncDialect>();
  OpBuilder builder(context);

  Type element = config.elementType == BertElementType::F64
                     ? Type(builder.getF64Type())
                     : Type(builder.getF32Type());
  Type i64 = builder.getI64Type();
  bool mlm = config.loss == BertLoss::MaskedLM;

  // Parameters in state-dict order, then the batch; each block argument is
  // located by its name so that diagnostics about it are readable.
  std::vector<BertParameter> params = getBertParameters(config);
  std::vector<std::string> inputNames = getBertInputNames(config);
  SmallVector<std::string> argNames;
  SmallVector<Type> argTypes;
  for (const BertParameter &param : params) {
    argNames.push_back(param.name);
    argTypes.push_back(RankedTensorType::get(param.shape, element));
  }
  auto batchType =
      RankedTensorType::get({config.batchSize, config.seqLength}, i64);
  for (const std::string &input : inputNames) {
    argNames.push_back(input);
    argTypes.push_back(input == "seed" ? RankedTensorType::get({}, i64)
                                       : batchType);
  }
  Type lossType = RankedTensorType::get({}, element);

  builder.setInsertionPointToEnd(module.getBody());
  auto function =
      func::FuncOp::create(builder,
                           NameLoc::get(builder.getStringAttr(
                               mlm ? "BertForMaskedLM" : "BertModel")),
                           name, builder.getFunctionType(argTypes, lossType));
  StringAttr nameAttr = builder.getStringAttr(GcDialect::getNameAttrName());
  StringAttr paramAttr = builder.getStringAttr(GcDialect::getParamAttrName());
  SmallVector<Location> argLocs;
  for (auto [index, argName] : llvm::enumerate(argNames)) {
    StringAttr text = builder.getStringAttr(argName);
    function.setArgAttr(index, nameAttr, text);
    if (index < params.size())
      function.setArgAttr(index, paramAttr, builder.getUnitAttr());
    auto [role, init] =
        getArgumentContract(context, config, argName, index < params.size());
    function.setArgAttr(index, GcDialect::getRoleAttrName(), role);
    function.setArgAttr(index, GcDialect::getInitAttrName(), init);
    argLocs.push_back(NameLoc::get(text));
  }
  function.setResultAttr(0, nameAttr, builder.getStringAttr("loss"));

  Block *body = new Block();
  function.getBody().push_back(body);
  body->addArguments(argTypes, argLocs);
  llvm::StringMap<Value> paramValues, inputs;
  for (auto [index, argName] : llvm::enumerate(argNames)) {
    llvm::StringMap<Value> &values =
        index < params.size() ? paramValues : inputs;
    values[argName] = body->getArgument(index);
  }

  Value loss;
  {
    detail::BertBuilder bert(body, config, std::move(paramValues),
                             inputs["seed"]);
    Value extendedMask = bert.buildExtendedMask(inputs["attention_mask"]);
    Value hidden =
        bert.buildEmbeddings(inputs["input_ids"], inputs["token_type_ids"]);
    for (int64_t layer = 0; layer < config.numHiddenLayers; ++layer)
      hidden = bert.buildEncoderLayer(layer, hidden, extendedMask);
    loss = mlm ? bert.buildMaskedLMLoss(hidden, inputs["labels"])
               : bert.buildMeanLoss(hidden);
  }
  builder.setInsertionPointToEnd(body);
  func::ReturnOp::create(builder, NameLoc::get(builder.getStringAttr("loss")),
                         loss);

  if (failed(verify(function))) {
    function.erase();
    return makeError("the generated function '" + name + "' does not verify");
  }
  return function;
}
