//===- DeterminismTest.cpp - Thread-count independence and sum accuracy ---===//
//
// The numerics contract (docs/numerics.md): every parallel kernel gives
// bitwise the same result for every thread count, because its tasks and
// its summation order are functions of the shape only. Each kernel below
// runs on shapes large enough to be cut into many tasks, with 1, 2, 3 and 5
// threads. Also: the accuracy of the blocked pairwise float sums against an
// f64 reference, within the bound docs/numerics.md states.
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

#include "gc_rt/cpu/Parallel.h"

#include <cstring>
#include <functional>

using namespace gc::rt::cpu;
using namespace gc::rt::cpu::unittest;

namespace {

/// Restores the default thread count when a test ends.
class DeterminismTest : public ::testing::Test {
protected:
  void TearDown() override { setNumThreads(0); }

  /// Runs `compute` (which fills its outputs from scratch) with 1, 2, 3 and
  /// 5 threads and expects the bytes of `outputs` to be the same each time.
  void expectSameForEveryThreadCount(
      const std::function<void()> &compute,
      const std::vector<std::vector<float> *> &outputs) {
    setNumThreads(1);
    compute();
    std::vector<std::vector<float>> reference;
    for (auto *output : outputs)
      reference.push_back(*output);
    for (int threads : {2, 3, 5}) {
      setNumThreads(threads);
      ASSERT_EQ(getNumThreads(), threads);
      for (auto *output : outputs)
        std::fill(output->begin(), output->end(), -1.0f);
      compute();
      for (size_t k = 0; k < outputs.size(); ++k)
        ASSERT_EQ(0, std::memcmp(reference[k].data(), outputs[k]->data(),
                                 reference[k].size() * sizeof(float)))
            << "output " << k << " differs with " << threads << " threads";
    }
  }
};

TEST_F(DeterminismTest, Reductions) {
  const int64_t shape[] = {6, 700, 300};
  auto input = randomValues<float>(6 * 700 * 300, 1);
  std::vector<float> overRows(6 * 300), overLast(6 * 700), overAll(1),
      overFirstTwo(300);
  expectSameForEveryThreadCount(
      [&] {
        const int64_t middle[] = {1}, last[] = {2}, all[] = {0, 1, 2},
                      firstTwo[] = {0, 1};
        reduce(ReduceOp::Sum, input.data(), overRows.data(), Shape(shape),
               DimList(middle));
        reduce(ReduceOp::Sum, input.data(), overLast.data(), Shape(shape),
               DimList(last));
        reduce(ReduceOp::Mean, input.data(), overAll.data(), Shape(shape),
               DimList(all));
        reduce(ReduceOp::Sum, input.data(), overFirstTwo.data(), Shape(shape),
               DimList(firstTwo));
      },
      {&overRows, &overLast, &overAll, &overFirstTwo});
}

TEST_F(DeterminismTest, LayerNormAndItsGradient) {
  const int64_t rows = 700, cols = 600;
  auto x = randomValues<float>(rows * cols, 2);
  auto dy = randomValues<float>(rows * cols, 3);
  auto gamma = randomValues<float>(cols, 4),
       beta = randomValues<float>(cols, 5);
  std::vector<float> y(rows * cols), mean(rows), rstd(rows), dx(rows * cols),
      dgamma(cols), dbeta(cols);
  expectSameForEveryThreadCount(
      [&] {
        layerNorm(x.data(), gamma.data(), beta.data(), y.data(), mean.data(),
                  rstd.data(), rows, cols, 1e-12);
        layerNormGrad(dy.data(), x.data(), mean.data(), rstd.data(),
                      gamma.data(), dx.data(), dgamma.data(), dbeta.data(),
                      rows, cols);
      },
      {&y, &mean, &rstd, &dx, &dgamma, &dbeta});
}

TEST_F(DeterminismTest, SoftmaxAndCrossEntropy) {
  const int64_t shape[] = {4, 300, 257};
  auto x = randomValues<float>(4 * 300 * 257, 6, -8.0, 8.0);
  auto dy = randomValues<float>(4 * 300 * 257, 7);
  auto labels = randomInts<int64_t>(1200, 8, -1, 256);
  const float upstream = 0.5f;
  std::vector<float> y(x.size()), dx(x.size()), loss(1), dLogits(x.size());
  expectSameForEveryThreadCount(
      [&] {
        softmax(x.data(), y.data(), Shape(shape), 2);
        softmaxGrad(dy.data(), y.data(), dx.data(), Shape(shape), 2);
        ASSERT_TRUE(
            crossEntropy(x.data(), labels.data(), loss.data(), 1200, 257, -1)
                .isOk());
        ASSERT_TRUE(crossEntropyGrad(&upstream, x.data(), labels.data(),
                                     dLogits.data(), 1200, 257, -1)
                        .isOk());
      },
      {&y, &dx, &loss, &dLogits});
}

TEST_F(DeterminismTest, FusedAttentionAndItsGradient) {
  // 2 x 3 heads of 150 queries (three blocks of rows) over 97 keys, a
  // padding mask and dropout.
  const ::gc::rt::AttentionProblem problem{
      2, 3, 150, 97, 16, 12, {2, 1, 1, 97}, 0.25, 0.1, 4};
  const int64_t pairs = 6;
  auto q = randomValues<float>(pairs * 150 * 16, 11);
  auto k = randomValues<float>(pairs * 97 * 16, 12);
  auto v = randomValues<float>(pairs * 97 * 12, 13);
  auto mask = randomValues<float>(2 * 97, 14, -2.0, 0.0);
  auto dOut = randomValues<float>(pairs * 150 * 12, 15);
  const int64_t seed = 5;
  std::vector<float> out(pairs * 150 * 12), lse(pairs * 150);
  std::vector<float> dq(q.size()), dk(k.size()), dv(v.size());
  expectSameForEveryThreadCount(
      [&] {
        attention(q.data(), k.data(), v.data(), mask.data(), &seed, out.data(),
                  lse.data(), problem);
        attentionGrad(dOut.data(), q.data(), k.data(), v.data(), out.data(),
                      lse.data(), mask.data(), &seed, dq.data(), dk.data(),
                      dv.data(), problem);
      },
      {&out, &lse, &dq, &dk, &dv});
}

TEST_F(DeterminismTest, MatmulEmbeddingGradAndAdamW) {
  const int64_t lhsShape[] = {3, 200, 300}, rhsShape[] = {300, 1000};
  auto lhs = randomValues<float>(3 * 200 * 300, 9);
  auto rhs = randomValues<float>(300 * 1000, 10);
  auto grad = randomValues<float>(3000 * 200, 11);
  auto ids = randomInts<int32_t>(3000, 12, 0, 499);
  auto param = randomValues<float>(300000, 13),
       g = randomValues<float>(300000, 14);
  const int64_t step = 3;
  std::vector<float> product(3 * 200 * 1000), weightGrad(500 * 200),
      newParam(300000), m(300000), v(300000);
  expectSameForEveryThreadCount(
      [&] {
        matmul(lhs.data(), rhs.data(), product.data(), Shape(lhsShape),
               Shape(rhsShape), false, false);
        ASSERT_TRUE(embeddingGrad(grad.data(), ids.data(), weightGrad.data(),
                                  500, 200, 3000, 7)
                        .isOk());
        std::fill(m.begin(), m.end(), 0.01f);
        std::fill(v.begin(), v.end(), 0.02f);
        ASSERT_TRUE(adamwUpdate(param.data(), g.data(), m.data(), v.data(),
                                &step, nullptr, newParam.data(), m.data(),
                                v.data(), 300000, 1e-3, 0.9, 0.999, 1e-8, 0.01)
                        .isOk());
      },
      {&product, &weightGrad, &newParam, &m, &v});
}

/// The float sum of a long vector against the exact (f64) sum: within
/// (log2(n / 2048) + 2048 / 16 + 4) * eps * sum |x|, the bound of
/// docs/numerics.md.
TEST(SumAccuracyTest, BlockedPairwiseSumIsWithinItsBound) {
  for (int64_t n : {100, 5000, 1000000}) {
    auto x = randomValues<float>(n, 15, -1.0, 1.0);
    double exact = 0, absolute = 0;
    for (float value : x) {
      exact += value;
      absolute += std::fabs(value);
    }
    float sum = 0;
    const int64_t shape[] = {n}, dims[] = {0};
    reduce(ReduceOp::Sum, x.data(), &sum, Shape(shape), DimList(dims));
    double levels = n > 2048 ? std::ceil(std::log2(double(n) / 2048)) : 0;
    double bound = (levels + 2048.0 / 16 + 4) * 0x1p-24 * absolute;
    EXPECT_LE(std::fabs(sum - exact), bound) << "n = " << n;
  }
}

} // namespace
