//===- EmbeddingTest.cpp - embedding and embedding_grad -------------------===//
//
// The gather and its scatter-add gradient for both float types and both id
// types, with repeated ids, against plain loops; and the error reported for
// an id outside the table, which must leave the result untouched.
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

using namespace gc::rt;
using namespace gc::rt::cpu;
using namespace gc::rt::cpu::unittest;

namespace {

template <typename Pair> class EmbeddingTest : public ::testing::Test {};
template <typename T, typename Id> struct TypePair {
  using Value = T;
  using Index = Id;
};
using EmbeddingTypes =
    ::testing::Types<TypePair<float, int32_t>, TypePair<float, int64_t>,
                     TypePair<double, int32_t>, TypePair<double, int64_t>>;
TYPED_TEST_SUITE(EmbeddingTest, EmbeddingTypes, );

TYPED_TEST(EmbeddingTest, GatherAndScatterAdd) {
  using T = typename TypeParam::Value;
  using Id = typename TypeParam::Index;
  const int64_t vocab = 7, numIds = 3 * 5;
  for (int64_t dim : {1, 3, 13}) {
    auto table = randomValues<T>(vocab * dim, static_cast<uint32_t>(dim));
    // Ids over [0, 5]: row 6 is never used, some rows repeat.
    auto ids = randomInts<Id>(numIds, 99, 0, vocab - 2);
    ids[0] = ids[1] = static_cast<Id>(vocab - 2);
    std::vector<T> rows(numIds * dim);
    Status status =
        embedding(table.data(), ids.data(), rows.data(), vocab, dim, numIds);
    ASSERT_TRUE(status.isOk()) << status.message();
    for (int64_t i = 0; i < numIds; ++i)
      for (int64_t j = 0; j < dim; ++j)
        ASSERT_EQ(rows[i * dim + j], table[ids[i] * dim + j]);

    auto grad = randomValues<T>(numIds * dim, static_cast<uint32_t>(dim + 1));
    std::vector<T> dtable(vocab * dim, T(123)); // Must be overwritten.
    status = embeddingGrad(grad.data(), ids.data(), dtable.data(), vocab, dim,
                           numIds);
    ASSERT_TRUE(status.isOk()) << status.message();
    std::vector<double> expected(vocab * dim, 0.0);
    for (int64_t i = 0; i < numIds; ++i)
      for (int64_t j = 0; j < dim; ++j)
        expected[ids[i] * dim + j] += grad[i * dim + j];
    EXPECT_TRUE(allCloseTyped(dtable, expected)) << "dim " << dim;
    for (int64_t j = 0; j < dim; ++j)
      EXPECT_EQ(dtable[(vocab - 1) * dim + j], T(0));
  }
}

TYPED_TEST(EmbeddingTest, PaddingIdxReceivesNoGradient) {
  using T = typename TypeParam::Value;
  using Id = typename TypeParam::Index;
  const int64_t vocab = 4, dim = 3;
  std::vector<Id> ids = {0, 2, 0, 1, 2};
  auto grad = randomValues<T>(ids.size() * dim, 5);
  std::vector<T> dtable(vocab * dim);
  Status status = embeddingGrad(grad.data(), ids.data(), dtable.data(), vocab,
                                dim, static_cast<int64_t>(ids.size()),
                                /*paddingIdx=*/2);
  ASSERT_TRUE(status.isOk()) << status.message();
  for (int64_t j = 0; j < dim; ++j) {
    EXPECT_EQ(dtable[0 * dim + j], grad[0 * dim + j] + grad[2 * dim + j]);
    EXPECT_EQ(dtable[1 * dim + j], grad[3 * dim + j]);
    EXPECT_EQ(dtable[2 * dim + j], T(0)) << "the padding row";
    EXPECT_EQ(dtable[3 * dim + j], T(0));
  }
}

TYPED_TEST(EmbeddingTest, IdOutsideTheTableIsAnError) {
  using T = typename TypeParam::Value;
  using Id = typename TypeParam::Index;
  const int64_t vocab = 5, dim = 3;
  auto table = randomValues<T>(vocab * dim, 1);
  for (Id bad : {Id(5), Id(-1), Id(1000)}) {
    std::vector<Id> ids = {0, 4, bad, 2};
    std::vector<T> rows(ids.size() * dim, T(7));
    Status status =
        embedding(table.data(), ids.data(), rows.data(), vocab, dim, 4);
    ASSERT_FALSE(status.isOk());
    const std::string &message = status.message();
    EXPECT_NE(message.find("id " + std::to_string(bad)), std::string::npos)
        << message;
    EXPECT_NE(message.find("position 2"), std::string::npos) << message;
    EXPECT_NE(message.find("5)"), std::string::npos) << message;
    for (T value : rows)
      EXPECT_EQ(value, T(7)); // Left unwritten.

    std::vector<T> grad(ids.size() * dim, T(1)), dtable(vocab * dim, T(7));
    status =
        embeddingGrad(grad.data(), ids.data(), dtable.data(), vocab, dim, 4);
    ASSERT_FALSE(status.isOk());
    EXPECT_NE(status.message().find("embedding_grad"), std::string::npos);
    EXPECT_NE(status.message().find("id " + std::to_string(bad)),
              std::string::npos);
    for (T value : dtable)
      EXPECT_EQ(value, T(7));
  }
}

TEST(EmbeddingMessage, IsExact) {
  const float table[] = {1, 2, 3, 4};
  const int64_t ids[] = {1, 9};
  float rows[4];
  Status status = embedding(table, ids, rows, 2, 2, 2);
  EXPECT_EQ(status.message(),
            "embedding: id 9 at flat position 1 is outside the table's [0, 2)");
}

} // namespace
