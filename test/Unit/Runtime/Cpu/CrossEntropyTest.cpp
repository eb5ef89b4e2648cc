//===- CrossEntropyTest.cpp - cross_entropy and cross_entropy_grad --------===//
//
// The loss and its gradient against plain definitions, with ignored rows, a
// non-default ignore_index, all rows ignored, both label types; the gradient
// against central finite differences of the double loss; and the error for
// a label outside [0, C).
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

#include <cmath>

using namespace gc::rt;
using namespace gc::rt::cpu;
using namespace gc::rt::cpu::unittest;

namespace {

template <typename T, typename L> struct TypePair {
  using Value = T;
  using Label = L;
};
template <typename Pair> class CrossEntropyTest : public ::testing::Test {};
using CrossEntropyTypes =
    ::testing::Types<TypePair<float, int32_t>, TypePair<float, int64_t>,
                     TypePair<double, int32_t>, TypePair<double, int64_t>>;
TYPED_TEST_SUITE(CrossEntropyTest, CrossEntropyTypes, );

/// The loss by its definition: mean over kept rows of -log(softmax[label]).
template <typename T, typename L>
double referenceLoss(const std::vector<T> &logits, const std::vector<L> &labels,
                     int64_t classes, int64_t ignoreIndex) {
  double total = 0;
  int64_t count = 0;
  for (size_t n = 0; n < labels.size(); ++n) {
    if (labels[n] == ignoreIndex)
      continue;
    double sum = 0;
    for (int64_t j = 0; j < classes; ++j)
      sum += std::exp(double(logits[n * classes + j]));
    total -= std::log(std::exp(double(logits[n * classes + labels[n]])) / sum);
    ++count;
  }
  return count == 0 ? 0.0 : total / count;
}

TYPED_TEST(CrossEntropyTest, LossAndGradient) {
  using T = typename TypeParam::Value;
  using L = typename TypeParam::Label;
  for (int64_t ignoreIndex : {int64_t(-100), int64_t(2)}) {
    for (int64_t rows : {1, 3, 7, 13}) {
      for (int64_t classes : {1, 3, 17}) {
        uint32_t seed = static_cast<uint32_t>(rows * 100 + classes);
        auto logits = randomValues<T>(rows * classes, seed, -3.0, 3.0);
        auto labels = randomInts<L>(rows, seed + 1, 0, classes - 1);
        for (int64_t n = 0; n < rows; n += 3)
          labels[n] = static_cast<L>(ignoreIndex); // Rows 0, 3, 6... ignored.
        T loss = T(-1);
        Status status = crossEntropy(logits.data(), labels.data(), &loss, rows,
                                     classes, ignoreIndex);
        ASSERT_TRUE(status.isOk()) << status.message();
        std::vector<T> losses = {loss};
        EXPECT_TRUE(allCloseTyped(
            losses, {referenceLoss(logits, labels, classes, ignoreIndex)}))
            << rows << "x" << classes;

        const T dloss = T(0.75);
        std::vector<T> dlogits(rows * classes, T(9));
        status = crossEntropyGrad(&dloss, logits.data(), labels.data(),
                                  dlogits.data(), rows, classes, ignoreIndex);
        ASSERT_TRUE(status.isOk()) << status.message();
        int64_t count = 0;
        for (L label : labels)
          count += label != ignoreIndex;
        std::vector<double> expected(rows * classes, 0.0);
        for (int64_t n = 0; n < rows; ++n) {
          if (labels[n] == ignoreIndex)
            continue;
          double sum = 0;
          for (int64_t j = 0; j < classes; ++j)
            sum += std::exp(double(logits[n * classes + j]));
          for (int64_t j = 0; j < classes; ++j)
            expected[n * classes + j] =
                double(dloss) *
                (std::exp(double(logits[n * classes + j])) / sum -
                 (j == labels[n] ? 1.0 : 0.0)) /
                count;
        }
        EXPECT_TRUE(allCloseTyped(dlogits, expected)) << rows << "x" << classes;
      }
    }
  }
}

TYPED_TEST(CrossEntropyTest, AllRowsIgnored) {
  using T = typename TypeParam::Value;
  using L = typename TypeParam::Label;
  auto logits = randomValues<T>(3 * 4, 1);
  std::vector<L> labels(3, L(-100));
  T loss = T(5);
  ASSERT_TRUE(
      crossEntropy(logits.data(), labels.data(), &loss, 3, 4, -100).isOk());
  EXPECT_EQ(loss, T(0));
  const T dloss = T(1);
  std::vector<T> dlogits(12, T(5));
  ASSERT_TRUE(crossEntropyGrad(&dloss, logits.data(), labels.data(),
                               dlogits.data(), 3, 4, -100)
                  .isOk());
  for (T value : dlogits)
    EXPECT_EQ(value, T(0));
}

TYPED_TEST(CrossEntropyTest, StableOnLargeLogits) {
  using T = typename TypeParam::Value;
  using L = typename TypeParam::Label;
  std::vector<T> logits = {T(1000), T(1001), T(999)};
  std::vector<L> labels = {L(1)};
  T loss;
  ASSERT_TRUE(
      crossEntropy(logits.data(), labels.data(), &loss, 1, 3, -100).isOk());
  double e = std::exp(1.0);
  std::vector<T> losses = {loss};
  EXPECT_TRUE(allCloseTyped(losses, {std::log(1.0 + e + 1.0 / e) - 1.0}));
}

TYPED_TEST(CrossEntropyTest, LabelOutsideTheClassesIsAnError) {
  using T = typename TypeParam::Value;
  using L = typename TypeParam::Label;
  auto logits = randomValues<T>(3 * 4, 1);
  for (L bad : {L(4), L(-1), L(-99)}) {
    std::vector<L> labels = {L(0), L(-100), bad};
    T loss = T(5);
    Status status =
        crossEntropy(logits.data(), labels.data(), &loss, 3, 4, -100);
    ASSERT_FALSE(status.isOk());
    EXPECT_NE(status.message().find("label " + std::to_string(bad)),
              std::string::npos)
        << status.message();
    EXPECT_NE(status.message().find("row 2"), std::string::npos)
        << status.message();
    EXPECT_EQ(loss, T(5));

    const T dloss = T(1);
    std::vector<T> dlogits(12, T(5));
    status = crossEntropyGrad(&dloss, logits.data(), labels.data(),
                              dlogits.data(), 3, 4, -100);
    ASSERT_FALSE(status.isOk());
    EXPECT_NE(status.message().find("cross_entropy_grad"), std::string::npos);
    for (T value : dlogits)
      EXPECT_EQ(value, T(5));
  }
}

TEST(CrossEntropyGradCheck, MatchesFiniteDifferences) {
  const int64_t rows = 5, classes = 7;
  auto logits = randomValues<double>(rows * classes, 3, -2.0, 2.0);
  std::vector<int64_t> labels = {3, -100, 0, 6, 2};
  const double dloss = 1.0;
  std::vector<double> dlogits(rows * classes);
  ASSERT_TRUE(crossEntropyGrad(&dloss, logits.data(), labels.data(),
                               dlogits.data(), rows, classes, -100)
                  .isOk());
  const double h = 1e-6;
  for (size_t i = 0; i < logits.size(); ++i) {
    double saved = logits[i], plus, minus;
    logits[i] = saved + h;
    ASSERT_TRUE(
        crossEntropy(logits.data(), labels.data(), &plus, rows, classes, -100)
            .isOk());
    logits[i] = saved - h;
    ASSERT_TRUE(
        crossEntropy(logits.data(), labels.data(), &minus, rows, classes, -100)
            .isOk());
    logits[i] = saved;
    EXPECT_NEAR(dlogits[i], (plus - minus) / (2 * h), 1e-8) << i;
  }
}

} // namespace
