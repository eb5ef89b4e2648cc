//===- RematTestProblems.cpp - Problems for the remat unit tests ----------===//
//
// Random layered DAGs exercise the corners of the schedule rules (aliases,
// multi-result ops, dead values, non-recomputable ops, backward reshapes of
// forward values); the BERT-like chains reproduce the sizes and costs that
// make rematerialization of a real encoder interesting.
//
//===----------------------------------------------------------------------===//

#include "RematTestProblems.h"

#include <algorithm>
#include <random>
#include <stdexcept>

using namespace gc::remat;
using namespace gc::remat::testing;

int ProblemBuilder::argument(const std::string &name, int64_t bytes) {
  Value value;
  value.name = name;
  value.bytes = bytes;
  value.persistent = true;
  problem.values.push_back(value);
  return static_cast<int>(problem.values.size()) - 1;
}

int ProblemBuilder::op(const std::string &name,
                       const std::vector<int> &operands,
                       const std::vector<int64_t> &resultBytes, double cost,
                       bool forward, int64_t block, bool recomputable) {
  Op op;
  op.name = name;
  op.operands = operands;
  op.cost = cost;
  op.flops = cost * 1e12;
  op.block = block;
  op.forward = forward;
  op.recomputable = recomputable;
  int index = static_cast<int>(problem.ops.size());
  for (size_t r = 0; r < resultBytes.size(); ++r) {
    Value value;
    value.name =
        resultBytes.size() == 1 ? name : name + "#" + std::to_string(r);
    value.bytes = resultBytes[r];
    value.producer = index;
    op.results.push_back(static_cast<int>(problem.values.size()));
    problem.values.push_back(value);
  }
  problem.ops.push_back(op);
  return op.results.empty() ? -1 : op.results.front();
}

int ProblemBuilder::reshape(const std::string &name, int operand, bool forward,
                            int64_t block) {
  int result = op(name, {operand}, {0}, 1e-6, forward, block);
  problem.values[result].aliasOf = problem.root(operand);
  return result;
}

int ProblemBuilder::find(const std::string &name) const {
  for (size_t v = 0; v < problem.values.size(); ++v)
    if (problem.values[v].name == name)
      return static_cast<int>(v);
  throw std::runtime_error("no value named " + name);
}

Problem gc::remat::testing::randomProblem(uint32_t seed,
                                          const RandomProblemOptions &options) {
  std::mt19937 rng(seed);
  std::mt19937 inPlaceRng(seed ^ 0x9e3779b9u);
  auto markInPlace = [&](ProblemBuilder &b) {
    Op &op = b.problem.ops.back();
    if (options.inPlace && op.results.size() == 1 &&
        std::uniform_real_distribution<double>(0, 1)(inPlaceRng) < 0.35)
      op.inPlaceOperands = {0};
  };
  auto uniform = [&](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(rng);
  };
  auto chance = [&](double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng) < p;
  };
  ProblemBuilder builder;
  std::vector<int> weights = {builder.argument("w0", uniform(5, 40)),
                              builder.argument("w1", uniform(5, 40))};
  std::vector<int> pool = {builder.argument("x", uniform(5, 40))};
  // Recent values are likelier operands, which gives long and short lives.
  auto pick = [&] {
    int back = std::min<int>(static_cast<int>(pool.size()) - 1,
                             std::geometric_distribution<int>(0.45)(rng));
    return pool[pool.size() - 1 - back];
  };

  struct Mirror {
    int op;
    bool alias;
    int64_t block;
  };
  std::vector<Mirror> forwardOps;
  int n = options.forwardOps;
  for (int i = 0; i < n; ++i) {
    int64_t block = options.blocks > 0 ? i * options.blocks / n : -1;
    std::string name = "f" + std::to_string(i);
    if (options.aliases && pool.size() > 1 && chance(0.15)) {
      pool.push_back(builder.reshape(name, pick(), true, block));
      forwardOps.push_back(
          {static_cast<int>(builder.problem.ops.size()) - 1, true, block});
      continue;
    }
    std::vector<int> operands = {pick()};
    if (chance(0.4))
      operands.push_back(pick());
    if (chance(0.3))
      operands.push_back(weights[uniform(0, 1)]);
    std::vector<int64_t> bytes = {uniform(1, 60)};
    if (options.multiResults && chance(0.15))
      bytes.push_back(uniform(1, 30));
    builder.op(name, operands, bytes, uniform(1, 20) * 0.1, true, block,
               !chance(0.05));
    markInPlace(builder);
    const Op &op = builder.problem.ops.back();
    pool.insert(pool.end(), op.results.begin(), op.results.end());
    forwardOps.push_back(
        {static_cast<int>(builder.problem.ops.size()) - 1, false, block});
  }
  std::vector<int> lossOperands = {pool.back()};
  if (pool.size() > 2 && chance(0.5))
    lossOperands.push_back(pool[pool.size() - 2]);
  int loss = builder.op("loss", lossOperands, {1}, 0.1, true);

  int gradient = builder.op("dloss", {loss}, {1}, 0.1, false);
  for (auto it = forwardOps.rbegin(); it != forwardOps.rend(); ++it) {
    Op forward = builder.problem.ops[it->op];
    std::string name = "b" + forward.name;
    std::vector<int> operands = {gradient};
    std::vector<int> read = forward.operands;
    read.insert(read.end(), forward.results.begin(), forward.results.end());
    for (int v : read) {
      if (builder.problem.values[v].persistent || !chance(0.45))
        continue;
      // Sometimes through a backward reshape, like a flattened matmul.
      if (chance(0.15))
        v = builder.reshape(name + "r" + std::to_string(v), v, false,
                            it->block);
      operands.push_back(v);
    }
    gradient = builder.op(name, operands, {uniform(1, 60)},
                          uniform(1, 10) * 0.1, false, it->block);
    markInPlace(builder);
    if (chance(0.3))
      builder.markReturned(builder.op(name + "w", {gradient}, {uniform(1, 10)},
                                      0.1, false, it->block));
  }
  builder.markReturned(gradient);
  builder.markReturned(loss);
  return builder.problem;
}

namespace {
constexpr int64_t KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

/// Emits the ops of a BERT-like step.
class BertLikeBuilder {
public:
  explicit BertLikeBuilder(const BertLikeOptions &options) : options(options) {}

  Problem build();

private:
  int param(const std::string &name, int64_t bytes) {
    int value = b.argument(name, bytes);
    params.push_back(value);
    return value;
  }
  int fwd(const std::string &name, std::vector<int> operands, int64_t bytes,
          double cost) {
    return b.op(prefix + name, operands, {bytes}, cost, true, tag);
  }
  int bwd(const std::string &name, std::vector<int> operands, int64_t bytes,
          double cost) {
    return b.op(prefix + "d" + name, operands, {bytes}, cost, false, tag);
  }
  /// A weight gradient, kept for the optimizer.
  void weightGrad(const std::string &name, int param, std::vector<int> reads,
                  double cost) {
    grads.push_back(
        {param, bwd(name, reads, b.problem.values[param].bytes, cost)});
  }
  int layerNorm(const std::string &name, int input, int gamma, int beta,
                int &mean, int &rstd, bool forward = true) {
    int out = b.op(prefix + name, {input, gamma, beta}, {H, Stat, Stat},
                   LayerNormCost, forward, tag);
    mean = out + 1;
    rstd = out + 2;
    return out;
  }

  int fullBlock(int x, int mask, int layer);
  int fullBlockBackward(int dout);
  int compactBlock(int x, int layer);
  int compactBlockBackward(int dout);

  const BertLikeOptions &options;
  ProblemBuilder b;
  std::string prefix;
  int64_t tag = -1;
  std::vector<int> params;
  std::vector<std::pair<int, int>> grads;
  // Saved per layer for the backward pass.
  struct Saved {
    std::string prefix;
    int64_t tag;
    std::vector<int> v;
    std::vector<int> w;
  };
  std::vector<Saved> layers;

  static constexpr int64_t H = 128 * MiB, A = 1 * GiB, F = 512 * MiB,
                           Stat = 128 * KiB, Wh = 4 * MiB, Wf = 16 * MiB,
                           Bias = 4 * KiB;
  static constexpr double Mm = 5e-3, MmAtt = 2.5e-3, MmFfn = 20e-3,
                          EwH = 0.2e-3, EwA = 1.5e-3, EwF = 0.8e-3,
                          LayerNormCost = 0.3e-3;
};

int BertLikeBuilder::fullBlock(int x, int mask, int layer) {
  std::string l = std::to_string(layer);
  std::vector<int> w;
  for (const char *name : {"q.w", "k.w", "v.w", "o.w"})
    w.push_back(param("layer." + l + "." + name, Wh));
  for (const char *name : {"q.b", "k.b", "v.b", "o.b", "ln1.g", "ln1.b",
                           "ffn1.b", "ffn2.b", "ln2.g", "ln2.b"})
    w.push_back(param("layer." + l + "." + name, Bias));
  w.push_back(param("layer." + l + ".ffn1.w", Wf));
  w.push_back(param("layer." + l + ".ffn2.w", Wf));
  // w: 0 qw 1 kw 2 vw 3 ow 4 qb 5 kb 6 vb 7 ob 8 g1 9 b1 10 f1b 11 f2b
  //    12 g2 13 b2 14 f1w 15 f2w
  std::vector<int> heads;
  for (int i = 0; i < 3; ++i) {
    std::string n = std::string(1, "qkv"[i]);
    int proj = fwd(n, {x, w[i]}, H, Mm);
    int biased = fwd(n + ".bias", {proj, w[4 + i]}, H, EwH);
    int split = b.reshape(prefix + n + ".split", biased, true, tag);
    heads.push_back(fwd(n + ".heads", {split}, H, EwH));
  }
  int scores = fwd("scores", {heads[0], heads[1]}, A, MmAtt);
  int scaled = fwd("scaled", {scores}, A, EwA);
  int masked = fwd("masked", {scaled, mask}, A, EwA);
  int probs = fwd("probs", {masked}, A, EwA);
  int dropped = fwd("probs.dropout", {probs}, A, EwA);
  int context = fwd("context", {dropped, heads[2]}, H, MmAtt);
  int merged = fwd("context.merge", {context}, H, EwH);
  int flat = b.reshape(prefix + "context.flat", merged, true, tag);
  int attn = fwd("attn.out", {flat, w[3]}, H, Mm);
  int attnBias = fwd("attn.bias", {attn, w[7]}, H, EwH);
  int attnDrop = fwd("attn.dropout", {attnBias}, H, EwH);
  int residual1 = fwd("residual1", {attnDrop, x}, H, EwH);
  int mean1, rstd1;
  int h1 = layerNorm("ln1", residual1, w[8], w[9], mean1, rstd1);
  int ffn1 = fwd("ffn1", {h1, w[14]}, F, MmFfn);
  int ffn1Bias = fwd("ffn1.bias", {ffn1, w[10]}, F, EwF);
  int gelu = fwd("gelu", {ffn1Bias}, F, EwF);
  int ffn2 = fwd("ffn2", {gelu, w[15]}, H, MmFfn);
  int ffn2Bias = fwd("ffn2.bias", {ffn2, w[11]}, H, EwH);
  int ffn2Drop = fwd("ffn2.dropout", {ffn2Bias}, H, EwH);
  int residual2 = fwd("residual2", {ffn2Drop, h1}, H, EwH);
  int mean2, rstd2;
  int out = layerNorm("ln2", residual2, w[12], w[13], mean2, rstd2);
  layers.push_back(
      {prefix,
       tag,
       {x, heads[0], heads[1], heads[2], probs, dropped, flat, residual1, mean1,
        rstd1, h1, ffn1Bias, gelu, residual2, mean2, rstd2},
       w});
  return out;
}

int BertLikeBuilder::fullBlockBackward(int dout) {
  const Saved &s = layers.back();
  prefix = s.prefix;
  tag = s.tag;
  const std::vector<int> &v = s.v, &w = s.w;
  // v: 0 x 1 qh 2 kh 3 vh 4 probs 5 dropped 6 flat 7 res1 8 m1 9 s1 10 h1
  //    11 ffn1Bias 12 gelu 13 res2 14 m2 15 s2
  int dres2 = bwd("ln2", {dout, v[13], v[14], v[15], w[12]}, H, LayerNormCost);
  weightGrad("ln2.g", w[12], {dout, v[13], v[14], v[15]}, EwH);
  int dffn2 = bwd("ffn2.dropout", {dres2}, H, EwH);
  weightGrad("ffn2.b", w[11], {dffn2}, EwH);
  weightGrad("ffn2.w", w[15], {v[12], dffn2}, MmFfn);
  int dgelu = bwd("gelu.in", {dffn2, w[15]}, F, MmFfn);
  int dffn1 = bwd("gelu", {dgelu, v[11]}, F, EwF);
  weightGrad("ffn1.b", w[10], {dffn1}, EwF);
  // The weight gradient reads the input through a flattening reshape.
  int h1Flat = b.reshape(prefix + "dh1.flat", v[10], false, tag);
  weightGrad("ffn1.w", w[14], {h1Flat, dffn1}, MmFfn);
  int dh1Ffn = bwd("ffn1", {dffn1, w[14]}, H, MmFfn);
  int dh1 = bwd("h1", {dres2, dh1Ffn}, H, EwH);
  int dres1 = bwd("ln1", {dh1, v[7], v[8], v[9], w[8]}, H, LayerNormCost);
  weightGrad("ln1.g", w[8], {dh1, v[7], v[8], v[9]}, EwH);
  int dattn = bwd("attn.dropout", {dres1}, H, EwH);
  weightGrad("attn.b", w[7], {dattn}, EwH);
  weightGrad("attn.w", w[3], {v[6], dattn}, Mm);
  int dflat = bwd("attn.out", {dattn, w[3]}, H, Mm);
  int dmerged = b.reshape(prefix + "dcontext.flat", dflat, false, tag);
  int dcontext = bwd("context.merge", {dmerged}, H, EwH);
  int ddropped = bwd("context", {dcontext, v[3]}, A, MmAtt);
  int dvh = bwd("context.v", {v[5], dcontext}, H, MmAtt);
  int dprobs = bwd("probs.dropout", {ddropped}, A, EwA);
  int dmasked = bwd("probs", {dprobs, v[4]}, A, EwA);
  int dscores = bwd("scaled", {dmasked}, A, EwA);
  int dqh = bwd("scores.q", {dscores, v[2]}, H, MmAtt);
  int dkh = bwd("scores.k", {dscores, v[1]}, H, MmAtt);
  int dx = dres1;
  int xFlat = b.reshape(prefix + "dx.flat", v[0], false, tag);
  int index = 0;
  for (int dh : {dqh, dkh, dvh}) {
    std::string n = std::string(1, "qkv"[index]);
    int dproj = bwd(n + ".heads", {dh}, H, EwH);
    weightGrad(n + ".b", w[4 + index], {dproj}, EwH);
    weightGrad(n + ".w", w[index], {xFlat, dproj}, Mm);
    int dxPart = bwd(n, {dproj, w[index]}, H, Mm);
    dx = bwd(n + ".sum", {dx, dxPart}, H, EwH);
    ++index;
  }
  layers.pop_back();
  return dx;
}

int BertLikeBuilder::compactBlock(int x, int layer) {
  std::string l = std::to_string(layer);
  int wq = param("layer." + l + ".q.w", Wh);
  int w1 = param("layer." + l + ".ffn1.w", Wf);
  int w2 = param("layer." + l + ".ffn2.w", Wf);
  int q = fwd("q", {x, wq}, H, Mm);
  int scores = fwd("scores", {q}, A, MmAtt);
  int probs = fwd("probs", {scores}, A, EwA);
  int dropped = fwd("probs.dropout", {probs}, A, EwA);
  int context = fwd("context", {dropped, q}, H, MmAtt);
  int residual = fwd("residual1", {context, x}, H, EwH);
  int mean, rstd;
  int h = layerNorm("ln", residual, wq, wq, mean, rstd);
  int ffn1 = fwd("ffn1", {h, w1}, F, MmFfn);
  int gelu = fwd("gelu", {ffn1}, F, EwF);
  int ffn2 = fwd("ffn2", {gelu, w2}, H, MmFfn);
  int out = fwd("residual2", {ffn2, h}, H, EwH);
  layers.push_back({prefix,
                    tag,
                    {x, q, probs, dropped, residual, mean, rstd, h, ffn1, gelu},
                    {wq, w1, w2}});
  return out;
}

int BertLikeBuilder::compactBlockBackward(int dout) {
  const Saved &s = layers.back();
  prefix = s.prefix;
  tag = s.tag;
  const std::vector<int> &v = s.v, &w = s.w;
  // v: 0 x 1 q 2 probs 3 dropped 4 residual 5 mean 6 rstd 7 h 8 ffn1 9 gelu
  int dgelu = bwd("ffn2", {dout, w[2]}, F, MmFfn);
  weightGrad("ffn2.w", w[2], {v[9], dout}, MmFfn);
  int dffn1 = bwd("gelu", {dgelu, v[8]}, F, EwF);
  weightGrad("ffn1.w", w[1], {v[7], dffn1}, MmFfn);
  int dhFfn = bwd("ffn1", {dffn1, w[1]}, H, MmFfn);
  int dh = bwd("h", {dhFfn, dout}, H, EwH);
  int dres = bwd("ln", {dh, v[4], v[5], v[6]}, H, LayerNormCost);
  int ddropped = bwd("context", {dres, v[1]}, A, MmAtt);
  int dq1 = bwd("context.q", {v[3], dres}, H, MmAtt);
  int dprobs = bwd("probs.dropout", {ddropped}, A, EwA);
  int dscores = bwd("probs", {dprobs, v[2]}, A, EwA);
  int dq2 = bwd("scores", {dscores, v[1]}, H, MmAtt);
  int dq = bwd("q.sum", {dq1, dq2}, H, EwH);
  weightGrad("q.w", w[0], {v[0], dq}, Mm);
  int dxq = bwd("q", {dq, w[0]}, H, Mm);
  int dx = bwd("x", {dxq, dres}, H, EwH);
  layers.pop_back();
  return dx;
}

Problem BertLikeBuilder::build() {
  const int64_t Vocab = 120 * MiB, Logits = 4 * GiB;
  int ids = b.argument("input_ids", 128 * KiB);
  int maskIn = b.argument("attention_mask", 128 * KiB);
  int labels = b.argument("labels", 128 * KiB);
  int embeddings = param("embeddings.word", Vocab);
  int position = param("embeddings.position", 2 * MiB);
  int lnG = param("embeddings.ln.g", Bias),
      lnB = param("embeddings.ln.b", Bias);

  // Embeddings (untagged).
  prefix = "embeddings.";
  tag = -1;
  int word = fwd("word", {ids, embeddings}, H, EwH);
  int summed = fwd("sum", {word, position}, H, EwH);
  int embMean, embRstd;
  int normed = layerNorm("ln", summed, lnG, lnB, embMean, embRstd);
  int x = fwd("dropout", {normed}, H, EwH);
  int mask = fwd("mask", {maskIn}, 256 * KiB, 1e-5);

  for (int layer = 0; layer < options.layers; ++layer) {
    prefix = "encoder.layer." + std::to_string(layer) + ".";
    tag = options.tagged ? layer : -1;
    x = options.compact ? compactBlock(x, layer) : fullBlock(x, mask, layer);
  }

  // The language-model head, with the decoder tied to the embeddings.
  prefix = "head.";
  tag = -1;
  int headW = param("head.transform.w", Wh);
  int transform = fwd("transform", {x, headW}, H, Mm);
  int act = fwd("gelu", {transform}, H, EwH);
  int headMean, headRstd;
  int headNorm = layerNorm("ln", act, lnG, lnB, headMean, headRstd);
  int logits = fwd("decoder", {headNorm, embeddings}, Logits, 100e-3);
  int loss = fwd("loss", {logits, labels}, 4, 6e-3);

  int dlogits = bwd("loss", {logits, labels}, Logits, 6e-3);
  weightGrad("decoder.w", embeddings, {headNorm, dlogits}, 100e-3);
  int dnorm = bwd("decoder", {dlogits, embeddings}, H, 100e-3);
  int dact = bwd("ln", {dnorm, act, headMean, headRstd}, H, LayerNormCost);
  int dtransform = bwd("gelu", {dact, transform}, H, EwH);
  weightGrad("transform.w", headW, {x, dtransform}, Mm);
  int dx = bwd("transform", {dtransform, headW}, H, Mm);

  for (int layer = options.layers - 1; layer >= 0; --layer)
    dx = options.compact ? compactBlockBackward(dx) : fullBlockBackward(dx);

  prefix = "embeddings.";
  tag = -1;
  int dnormed = bwd("dropout", {dx}, H, EwH);
  int dsummed =
      bwd("ln", {dnormed, summed, embMean, embRstd}, H, LayerNormCost);
  weightGrad("word", embeddings, {ids, dsummed}, 2e-3);

  // Gradients of the same parameter are summed before the update.
  prefix = "optimizer.";
  std::vector<int> total(b.problem.values.size(), -1);
  for (auto [param, grad] : grads)
    total[param] = total[param] < 0 ? grad
                                    : bwd("sum", {total[param], grad},
                                          b.problem.values[param].bytes, EwH);
  for (int param : params) {
    if (total[param] < 0)
      continue;
    if (!options.optimizer) {
      b.markReturned(total[param]);
      continue;
    }
    int64_t bytes = b.problem.values[param].bytes;
    std::string name = b.problem.values[param].name;
    int m = b.argument("exp_avg." + name, bytes);
    int v = b.argument("exp_avg_sq." + name, bytes);
    int updated = b.op("adamw." + name, {param, total[param], m, v},
                       {bytes, bytes, bytes}, 1e-4, false, -1, false);
    for (int r = 0; r < 3; ++r)
      b.markReturned(updated + r);
  }
  b.markReturned(loss);
  return b.problem;
}
} // namespace

Problem gc::remat::testing::bertLikeProblem(const BertLikeOptions &options) {
  BertLikeBuilder builder(options);
  return builder.build();
}
