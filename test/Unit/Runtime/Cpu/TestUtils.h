//===- TestUtils.h - Helpers of the CPU kernel tests ------------*- C++ -*-===//
//
// Seeded random inputs, per-dtype tolerances and an element-by-element
// comparison that reports the first mismatch, shared by the unit tests of
// the CPU kernel library. References in the tests are computed in double
// from the (already rounded) typed inputs, so a float kernel is held to
// about its own rounding error.
//
//===----------------------------------------------------------------------===//

#ifndef GC_TEST_UNIT_RUNTIME_CPU_TESTUTILS_H
#define GC_TEST_UNIT_RUNTIME_CPU_TESTUTILS_H

#include "gc_rt/cpu/Kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <vector>

namespace gc::rt::cpu::unittest {

/// The float types every float kernel is instantiated for.
using FloatTypes = ::testing::Types<float, double>;

/// Relative and absolute tolerances of a comparison with a double reference.
template <typename T> struct Tolerance;
template <> struct Tolerance<float> {
  static constexpr double rel = 1e-5;
  static constexpr double abs = 1e-6;
};
template <> struct Tolerance<double> {
  static constexpr double rel = 1e-12;
  static constexpr double abs = 1e-12;
};

/// n values drawn uniformly from [lo, hi) with a fixed seed, rounded to T.
template <typename T>
std::vector<T> randomValues(int64_t n, uint32_t seed, double lo = -2.0,
                            double hi = 2.0) {
  std::mt19937 engine(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<T> values(static_cast<size_t>(n));
  for (T &value : values)
    value = static_cast<T>(dist(engine));
  return values;
}

/// n integers drawn uniformly from [lo, hi] with a fixed seed.
template <typename I>
std::vector<I> randomInts(int64_t n, uint32_t seed, int64_t lo, int64_t hi) {
  std::mt19937 engine(seed);
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  std::vector<I> values(static_cast<size_t>(n));
  for (I &value : values)
    value = static_cast<I>(dist(engine));
  return values;
}

template <typename T> std::vector<double> toDouble(const std::vector<T> &v) {
  return std::vector<double>(v.begin(), v.end());
}

/// Passes when |actual[i] - expected[i]| <= rel * scale[i] + abs for every
/// i, scale[i] being |expected[i]| unless `scales` gives it (e.g. the sum of
/// |a * b| of a dot product, whose rounding error is relative to that).
/// NaN matches NaN.
template <typename T>
::testing::AssertionResult
allClose(const std::vector<T> &actual, const std::vector<double> &expected,
         double rel, double abs, const std::vector<double> *scales = nullptr) {
  if (actual.size() != expected.size())
    return ::testing::AssertionFailure()
           << "size " << actual.size() << " != expected " << expected.size();
  size_t bad = 0, first = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    double a = static_cast<double>(actual[i]), e = expected[i];
    if (std::isnan(a) && std::isnan(e))
      continue;
    double scale = scales ? (*scales)[i] : std::fabs(e);
    if (std::fabs(a - e) <= rel * scale + abs)
      continue;
    if (bad++ == 0)
      first = i;
  }
  if (bad == 0)
    return ::testing::AssertionSuccess();
  std::ostringstream os;
  os.precision(17);
  os << bad << " of " << actual.size() << " elements differ; first at " << first
     << ": got " << static_cast<double>(actual[first]) << ", expected "
     << expected[first] << " (rel " << rel << ", abs " << abs << ")";
  return ::testing::AssertionFailure() << os.str();
}

/// allClose with the tolerances of T.
template <typename T>
::testing::AssertionResult allCloseTyped(const std::vector<T> &actual,
                                         const std::vector<double> &expected) {
  return allClose(actual, expected, Tolerance<T>::rel, Tolerance<T>::abs);
}

/// Row-major multi-index of a flat index.
inline std::vector<int64_t> unravel(int64_t flat,
                                    const std::vector<int64_t> &shape) {
  std::vector<int64_t> index(shape.size());
  for (size_t i = shape.size(); i-- > 0;) {
    index[i] = flat % shape[i];
    flat /= shape[i];
  }
  return index;
}

/// Row-major flat index of a multi-index.
inline int64_t ravel(const std::vector<int64_t> &index,
                     const std::vector<int64_t> &shape) {
  int64_t flat = 0;
  for (size_t i = 0; i < shape.size(); ++i)
    flat = flat * shape[i] + index[i];
  return flat;
}

inline int64_t product(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  return count;
}

} // namespace gc::rt::cpu::unittest

#endif // GC_TEST_UNIT_RUNTIME_CPU_TESTUTILS_H
