//===- LayerNormTest.cpp - layer_norm and layer_norm_grad -----------------===//
//
// The forward pass (output, mean, rstd) against the textbook definition,
// the backward pass against the explicit gradient formulas, and, for
// double, the backward pass against central finite differences of the
// forward kernel, which checks the formulas themselves.
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

#include <cmath>

using namespace gc::rt::cpu;
using namespace gc::rt::cpu::unittest;

namespace {

template <typename T> class LayerNormTest : public ::testing::Test {};
TYPED_TEST_SUITE(LayerNormTest, FloatTypes, );

const int64_t kRows[] = {1, 3, 7};
const int64_t kCols[] = {1, 3, 13, 17, 64};

TYPED_TEST(LayerNormTest, ForwardMatchesDefinition) {
  using T = TypeParam;
  for (double epsilon : {1e-5, 1e-12}) {
    for (int64_t rows : kRows) {
      for (int64_t cols : kCols) {
        uint32_t seed = static_cast<uint32_t>(rows * 100 + cols);
        auto x = randomValues<T>(rows * cols, seed, -3.0, 5.0);
        auto gamma = randomValues<T>(cols, seed + 1, 0.5, 1.5);
        auto beta = randomValues<T>(cols, seed + 2);
        std::vector<T> y(rows * cols), mean(rows), rstd(rows);
        layerNorm(x.data(), gamma.data(), beta.data(), y.data(), mean.data(),
                  rstd.data(), rows, cols, epsilon);

        std::vector<double> ey(rows * cols), emean(rows), erstd(rows);
        for (int64_t r = 0; r < rows; ++r) {
          double mu = 0, var = 0;
          for (int64_t j = 0; j < cols; ++j)
            mu += x[r * cols + j];
          mu /= cols;
          for (int64_t j = 0; j < cols; ++j)
            var += (x[r * cols + j] - mu) * (x[r * cols + j] - mu);
          var /= cols;
          emean[r] = mu;
          erstd[r] = 1.0 / std::sqrt(var + epsilon);
          for (int64_t j = 0; j < cols; ++j)
            ey[r * cols + j] =
                (x[r * cols + j] - mu) * erstd[r] * gamma[j] + beta[j];
        }
        EXPECT_TRUE(allCloseTyped(y, ey)) << rows << "x" << cols;
        EXPECT_TRUE(allCloseTyped(mean, emean)) << rows << "x" << cols;
        EXPECT_TRUE(allCloseTyped(rstd, erstd)) << rows << "x" << cols;
      }
    }
  }
}

TYPED_TEST(LayerNormTest, BackwardMatchesFormulas) {
  using T = TypeParam;
  for (int64_t rows : kRows) {
    for (int64_t cols : kCols) {
      uint32_t seed = static_cast<uint32_t>(rows * 1000 + cols);
      auto x = randomValues<T>(rows * cols, seed, -3.0, 5.0);
      auto gamma = randomValues<T>(cols, seed + 1, 0.5, 1.5);
      auto beta = randomValues<T>(cols, seed + 2);
      auto dy = randomValues<T>(rows * cols, seed + 3);
      std::vector<T> y(rows * cols), mean(rows), rstd(rows);
      layerNorm(x.data(), gamma.data(), beta.data(), y.data(), mean.data(),
                rstd.data(), rows, cols, 1e-5);
      std::vector<T> dx(rows * cols), dgamma(cols), dbeta(cols);
      layerNormGrad(dy.data(), x.data(), mean.data(), rstd.data(), gamma.data(),
                    dx.data(), dgamma.data(), dbeta.data(), rows, cols);

      // dx_j = rstd / H * (H g_j - sum_k g_k - xhat_j sum_k g_k xhat_k).
      std::vector<double> edx(rows * cols), edgamma(cols, 0.0),
          edbeta(cols, 0.0);
      for (int64_t r = 0; r < rows; ++r) {
        std::vector<double> xhat(cols), g(cols);
        double sumG = 0, sumGX = 0;
        for (int64_t j = 0; j < cols; ++j) {
          xhat[j] = (x[r * cols + j] - double(mean[r])) * double(rstd[r]);
          g[j] = double(dy[r * cols + j]) * gamma[j];
          sumG += g[j];
          sumGX += g[j] * xhat[j];
          edgamma[j] += dy[r * cols + j] * xhat[j];
          edbeta[j] += dy[r * cols + j];
        }
        for (int64_t j = 0; j < cols; ++j)
          edx[r * cols + j] =
              double(rstd[r]) / cols * (cols * g[j] - sumG - xhat[j] * sumGX);
      }
      EXPECT_TRUE(allCloseTyped(dx, edx)) << rows << "x" << cols;
      EXPECT_TRUE(allCloseTyped(dgamma, edgamma)) << rows << "x" << cols;
      EXPECT_TRUE(allCloseTyped(dbeta, edbeta)) << rows << "x" << cols;
    }
  }
}

/// sum(dy * layer_norm(x, gamma, beta)), the scalar whose gradient
/// layer_norm_grad computes.
double projectedLoss(const std::vector<double> &x,
                     const std::vector<double> &gamma,
                     const std::vector<double> &beta,
                     const std::vector<double> &dy, int64_t rows,
                     int64_t cols) {
  std::vector<double> y(rows * cols), mean(rows), rstd(rows);
  layerNorm(x.data(), gamma.data(), beta.data(), y.data(), mean.data(),
            rstd.data(), rows, cols, 1e-5);
  double loss = 0;
  for (int64_t i = 0; i < rows * cols; ++i)
    loss += dy[i] * y[i];
  return loss;
}

TEST(LayerNormGradCheck, MatchesFiniteDifferences) {
  const int64_t rows = 3, cols = 7;
  auto x = randomValues<double>(rows * cols, 1, -2.0, 2.0);
  auto gamma = randomValues<double>(cols, 2, 0.5, 1.5);
  auto beta = randomValues<double>(cols, 3);
  auto dy = randomValues<double>(rows * cols, 4);
  std::vector<double> y(rows * cols), mean(rows), rstd(rows);
  layerNorm(x.data(), gamma.data(), beta.data(), y.data(), mean.data(),
            rstd.data(), rows, cols, 1e-5);
  std::vector<double> dx(rows * cols), dgamma(cols), dbeta(cols);
  layerNormGrad(dy.data(), x.data(), mean.data(), rstd.data(), gamma.data(),
                dx.data(), dgamma.data(), dbeta.data(), rows, cols);

  const double h = 1e-6;
  auto numeric = [&](std::vector<double> &v, size_t i) {
    double saved = v[i];
    v[i] = saved + h;
    double plus = projectedLoss(x, gamma, beta, dy, rows, cols);
    v[i] = saved - h;
    double minus = projectedLoss(x, gamma, beta, dy, rows, cols);
    v[i] = saved;
    return (plus - minus) / (2 * h);
  };
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_NEAR(dx[i], numeric(x, i), 1e-6) << "dx " << i;
  for (size_t j = 0; j < gamma.size(); ++j) {
    EXPECT_NEAR(dgamma[j], numeric(gamma, j), 1e-6) << "dgamma " << j;
    EXPECT_NEAR(dbeta[j], numeric(beta, j), 1e-6) << "dbeta " << j;
  }
}

} // namespace
