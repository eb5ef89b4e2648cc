//===- Budget.h - Parsing memory budgets ------------------------*- C++ -*-===//

#ifndef GC_REMAT_BUDGET_H
#define GC_REMAT_BUDGET_H

#include <cstdint>
#include <optional>
#include <string>

namespace gc::remat {

/// A memory budget as written by a user: a byte count, or a fraction of the
/// peak without rematerialization.
struct BudgetSpec {
  std::optional<int64_t> bytes;
  std::optional<double> fraction;

  /// The budget in bytes given the peak without rematerialization.
  int64_t resolve(int64_t noRematPeak) const {
    return bytes ? *bytes
                 : static_cast<int64_t>(*fraction *
                                        static_cast<double>(noRematPeak));
  }
};

/// Parses `123`, `123B`, `1.5KiB`/`MiB`/`GiB`/`TiB` (powers of 1024),
/// `KB`/`MB`/`GB`/`TB` (powers of 1000) or `0.5x`. On error returns nullopt
/// and sets `error` to what was expected and what was found.
std::optional<BudgetSpec> parseBudget(const std::string &text,
                                      std::string &error);

/// `75.00 GiB`-style rendering of a byte count.
std::string formatBytes(int64_t bytes);

} // namespace gc::remat

#endif // GC_REMAT_BUDGET_H
