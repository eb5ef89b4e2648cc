//===- Budget.cpp - Parsing memory budgets --------------------------------===//

#include "gc/Remat/Budget.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace gc::remat;

std::optional<BudgetSpec> gc::remat::parseBudget(const std::string &text,
                                                 std::string &error) {
  auto fail = [&](const std::string &why) -> std::optional<BudgetSpec> {
    error = "invalid budget '" + text + "': " + why +
            "; expected bytes with an optional KiB/MiB/GiB/TiB or "
            "KB/MB/GB/TB suffix, or a fraction of the peak without "
            "rematerialization such as 0.5x";
    return std::nullopt;
  };
  if (text.empty())
    return fail("it is empty");
  const char *begin = text.c_str();
  char *end = nullptr;
  double number = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(number))
    return fail("it does not start with a number");
  std::string suffix(end);
  if (number <= 0)
    return fail("it is not positive");

  BudgetSpec spec;
  if (suffix == "x") {
    spec.fraction = number;
    return spec;
  }
  struct Unit {
    const char *name;
    double scale;
  };
  static const Unit units[] = {{"", 1},
                               {"B", 1},
                               {"KiB", 1024.0},
                               {"MiB", 1048576.0},
                               {"GiB", 1073741824.0},
                               {"TiB", 1099511627776.0},
                               {"KB", 1e3},
                               {"MB", 1e6},
                               {"GB", 1e9},
                               {"TB", 1e12}};
  for (const Unit &unit : units) {
    if (suffix != unit.name)
      continue;
    double bytes = std::floor(number * unit.scale);
    if (bytes < 1 || bytes > 9.2e18)
      return fail("it is out of range");
    spec.bytes = static_cast<int64_t>(bytes);
    return spec;
  }
  return fail("unknown suffix '" + suffix + "'");
}

std::string gc::remat::formatBytes(int64_t bytes) {
  static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (std::fabs(value) >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  if (unit == 0)
    std::snprintf(text, sizeof(text), "%lld B", static_cast<long long>(bytes));
  else
    std::snprintf(text, sizeof(text), "%.2f %s", value, units[unit]);
  return text;
}
