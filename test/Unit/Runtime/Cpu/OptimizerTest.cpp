//===- OptimizerTest.cpp - sgd_update and adamw_update --------------------===//
//
// SGD and AdamW against their update rules written out in double, over
// several consecutive AdamW steps (the bias corrections change with the
// step); the first AdamW step's known shape (about lr * sign(grad) after
// decay); and the error for a step below 1.
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

#include <cmath>

using namespace gc::rt;
using namespace gc::rt::cpu;
using namespace gc::rt::cpu::unittest;

namespace {

template <typename T> class OptimizerTest : public ::testing::Test {};
TYPED_TEST_SUITE(OptimizerTest, FloatTypes, );

TYPED_TEST(OptimizerTest, Sgd) {
  using T = TypeParam;
  for (int64_t n : {1, 7, 1000}) {
    auto param = randomValues<T>(n, 1);
    auto grad = randomValues<T>(n, 2);
    for (double weightDecay : {0.0, 0.01}) {
      std::vector<T> result(n);
      sgdUpdate(param.data(), grad.data(), nullptr, result.data(), n, 0.1,
                weightDecay);
      std::vector<double> expected(n);
      for (int64_t i = 0; i < n; ++i)
        expected[i] = param[i] - 0.1 * (grad[i] + weightDecay * param[i]);
      EXPECT_TRUE(allCloseTyped(result, expected)) << n;
    }
  }
}

TYPED_TEST(OptimizerTest, AdamWOverSeveralSteps) {
  using T = TypeParam;
  // lr * wd well above float's tolerance, so that the decay is checked.
  const double lr = 1e-2, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, wd = 0.1;
  for (int64_t n : {1, 13, 17}) {
    std::vector<T> param = randomValues<T>(n, 3), m(n, T(0)), v(n, T(0));
    for (int64_t step = 1; step <= 5; ++step) {
      auto grad = randomValues<T>(n, static_cast<uint32_t>(10 + step));
      std::vector<T> newParam(n), newM(n), newV(n);
      Status status = adamwUpdate(param.data(), grad.data(), m.data(), v.data(),
                                  &step, nullptr, newParam.data(), newM.data(),
                                  newV.data(), n, lr, beta1, beta2, eps, wd);
      ASSERT_TRUE(status.isOk()) << status.message();

      std::vector<double> ep(n), em(n), ev(n);
      for (int64_t i = 0; i < n; ++i) {
        double p = param[i], g = grad[i];
        p = p - lr * wd * p;
        em[i] = beta1 * m[i] + (1 - beta1) * g;
        ev[i] = beta2 * v[i] + (1 - beta2) * g * g;
        double mhat = em[i] / (1 - std::pow(beta1, step));
        double vhat = ev[i] / (1 - std::pow(beta2, step));
        ep[i] = p - lr * mhat / (std::sqrt(vhat) + eps);
      }
      EXPECT_TRUE(allCloseTyped(newParam, ep)) << "step " << step;
      EXPECT_TRUE(allCloseTyped(newM, em)) << "step " << step;
      EXPECT_TRUE(allCloseTyped(newV, ev)) << "step " << step;
      param = newParam;
      m = newM;
      v = newV;
    }
  }
}

TYPED_TEST(OptimizerTest, AdamWFirstStepMovesByLrTimesSign) {
  using T = TypeParam;
  // With m = v = 0 at step 1, mhat = g and vhat = g^2, so the update is
  // lr * g / (|g| + eps), i.e. lr * sign(g) for |g| >> eps.
  std::vector<T> param = {T(1), T(-2), T(0.5)},
                 grad = {T(3), T(-0.25), T(1e-3)};
  std::vector<T> zeros(3, T(0)), newParam(3), newM(3), newV(3);
  const int64_t step = 1;
  ASSERT_TRUE(adamwUpdate(param.data(), grad.data(), zeros.data(), zeros.data(),
                          &step, nullptr, newParam.data(), newM.data(),
                          newV.data(), 3, 0.1, 0.9, 0.999, 1e-8, 0.0)
                  .isOk());
  EXPECT_NEAR(double(newParam[0]), 0.9, 1e-6);
  EXPECT_NEAR(double(newParam[1]), -1.9, 1e-6);
  EXPECT_NEAR(double(newParam[2]), 0.4, 1e-5);
  EXPECT_NEAR(double(newM[0]), 0.3, 1e-6);
  EXPECT_NEAR(double(newV[0]), 0.009, 1e-8);
}

TYPED_TEST(OptimizerTest, AdamWInPlace) {
  using T = TypeParam;
  auto param = randomValues<T>(7, 1), grad = randomValues<T>(7, 2);
  auto m = randomValues<T>(7, 3), v = randomValues<T>(7, 4, 0.0, 1.0);
  std::vector<T> p2(7), m2(7), v2(7);
  const int64_t step = 3;
  ASSERT_TRUE(adamwUpdate(param.data(), grad.data(), m.data(), v.data(), &step,
                          nullptr, p2.data(), m2.data(), v2.data(), 7, 1e-2,
                          0.9, 0.99, 1e-6, 0.1)
                  .isOk());
  ASSERT_TRUE(adamwUpdate(param.data(), grad.data(), m.data(), v.data(), &step,
                          nullptr, param.data(), m.data(), v.data(), 7, 1e-2,
                          0.9, 0.99, 1e-6, 0.1)
                  .isOk());
  EXPECT_EQ(param, p2);
  EXPECT_EQ(m, m2);
  EXPECT_EQ(v, v2);
}

TYPED_TEST(OptimizerTest, AdamWStepBelowOneIsAnError) {
  using T = TypeParam;
  std::vector<T> param(3, T(1)), grad(3, T(1)), m(3, T(0)), v(3, T(0));
  std::vector<T> newParam(3, T(7)), newM(3, T(7)), newV(3, T(7));
  for (int64_t step : {int64_t(0), int64_t(-3)}) {
    Status status = adamwUpdate(param.data(), grad.data(), m.data(), v.data(),
                                &step, nullptr, newParam.data(), newM.data(),
                                newV.data(), 3, 1e-3, 0.9, 0.999, 1e-8, 0.01);
    ASSERT_FALSE(status.isOk());
    EXPECT_NE(status.message().find("step " + std::to_string(step)),
              std::string::npos)
        << status.message();
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(newParam[i], T(7));
      EXPECT_EQ(newM[i], T(7));
      EXPECT_EQ(newV[i], T(7));
    }
  }
}

// A skipped SGD update passes the parameter through, out of place and in
// place, whatever the gradient; a zero flag updates.
TYPED_TEST(OptimizerTest, SgdSkipped) {
  using T = TypeParam;
  const int64_t n = 1000;
  auto param = randomValues<T>(n, 1);
  std::vector<T> grad(n, T(INFINITY));
  for (float skip : {1.0f, float(NAN)}) {
    std::vector<T> result(n, T(7));
    sgdUpdate(param.data(), grad.data(), &skip, result.data(), n, 0.1, 0.01);
    EXPECT_EQ(result, param);
    std::vector<T> inPlace = param;
    sgdUpdate(inPlace.data(), grad.data(), &skip, inPlace.data(), n, 0.1, 0.01);
    EXPECT_EQ(inPlace, param);
  }
  const float keep = 0.0f;
  std::vector<T> finite(n, T(0.5)), result(n);
  sgdUpdate(param.data(), finite.data(), &keep, result.data(), n, 0.1, 0.01);
  EXPECT_NE(result, param);
}

// A skipped update (the loss scaler found an inf or NaN gradient) passes the
// state through, out of place too, whatever the gradient and even with a
// step of 0; NaN counts as a reason to skip.
TYPED_TEST(OptimizerTest, AdamWSkipped) {
  using T = TypeParam;
  const int64_t n = 1000;
  auto param = randomValues<T>(n, 1), m = randomValues<T>(n, 2),
       v = randomValues<T>(n, 3);
  std::vector<T> grad(n, T(INFINITY));
  for (float skip : {1.0f, 3.0f, float(NAN)}) {
    std::vector<T> newParam(n, T(7)), newM(n, T(7)), newV(n, T(7));
    const int64_t step = 0;
    ASSERT_TRUE(adamwUpdate(param.data(), grad.data(), m.data(), v.data(),
                            &step, &skip, newParam.data(), newM.data(),
                            newV.data(), n, 1e-3, 0.9, 0.999, 1e-8, 0.01)
                    .isOk());
    EXPECT_EQ(newParam, param);
    EXPECT_EQ(newM, m);
    EXPECT_EQ(newV, v);
  }
  // A zero flag updates.
  const float keep = 0.0f;
  const int64_t step = 1;
  std::vector<T> finite(n, T(0.5)), newParam(n), newM(n), newV(n);
  ASSERT_TRUE(adamwUpdate(param.data(), finite.data(), m.data(), v.data(),
                          &step, &keep, newParam.data(), newM.data(),
                          newV.data(), n, 1e-3, 0.9, 0.999, 1e-8, 0.01)
                  .isOk());
  EXPECT_NE(newParam, param);
}

TYPED_TEST(OptimizerTest, AnyNonFinite) {
  using T = TypeParam;
  const int64_t n = 100000; // several tasks of the thread pool
  auto values = randomValues<T>(n, 4);
  T flag = T(7);
  anyNonFinite(values.data(), &flag, n);
  EXPECT_EQ(flag, T(0));
  for (T bad : {T(INFINITY), T(-INFINITY), T(NAN)})
    for (int64_t at : {int64_t(0), n / 2, n - 1}) {
      auto copy = values;
      copy[at] = bad;
      anyNonFinite(copy.data(), &flag, n);
      EXPECT_EQ(flag, T(1)) << "at " << at;
    }
  anyNonFinite(values.data(), &flag, 0);
  EXPECT_EQ(flag, T(0));
}

// GradScaler.update(): backoff on an overflow (the step kept), growth after
// growth_interval good steps in a row, and no growth into infinity.
TEST(LossScalingTest, UpdateLossScale) {
  struct Case {
    float scale;
    int64_t tracker;
    float found;
    float wantScale;
    int64_t wantTracker, wantStep;
  };
  const Case cases[] = {
      {65536.0f, 5, 1.0f, 32768.0f, 0, 10},
      {65536.0f, 5, float(NAN), 32768.0f, 0, 10},
      {65536.0f, 0, 0.0f, 65536.0f, 1, 11},
      {65536.0f, 1998, 0.0f, 65536.0f, 1999, 11},
      {65536.0f, 1999, 0.0f, 131072.0f, 0, 11},
      {3e38f, 1999, 0.0f, 3e38f, 0, 11},
  };
  for (const Case &c : cases) {
    float scale = c.scale, found = c.found;
    int64_t tracker = c.tracker, step = 10;
    // In place, as a step feeds the state back.
    updateLossScale(&scale, &tracker, &step, &found, &scale, &tracker, &step,
                    2.0, 0.5, 2000);
    EXPECT_EQ(scale, c.wantScale) << c.scale << " " << c.tracker;
    EXPECT_EQ(tracker, c.wantTracker) << c.scale << " " << c.tracker;
    EXPECT_EQ(step, c.wantStep) << c.scale << " " << c.tracker;
  }
}

} // namespace
