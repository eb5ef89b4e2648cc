//===- CompileReport.cpp - gc-compile's report and memory picture ---------===//

#include "gc/Report/CompileReport.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::gc;

llvm::Expected<llvm::json::Value> mlir::gc::readJsonFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return llvm::createStringError(buffer.getError(), "cannot read '%s': %s",
                                   path.str().c_str(),
                                   buffer.getError().message().c_str());
  return llvm::json::parse((*buffer)->getBuffer());
}

llvm::json::Value mlir::gc::mergeReports(llvm::json::Value remat,
                                         llvm::json::Value memoryPlan,
                                         llvm::json::Object extra) {
  llvm::json::Object merged;
  if (llvm::json::Object *object = remat.getAsObject())
    merged = std::move(*object);
  merged["memory_plan"] = std::move(memoryPlan);
  for (auto &entry : extra)
    merged[entry.first] = std::move(entry.second);
  return llvm::json::Value(std::move(merged));
}

namespace {
/// Escapes text for SVG.
std::string escape(llvm::StringRef text) {
  std::string out;
  for (char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

double gib(double bytes) { return bytes / 1073741824.0; }
} // namespace

llvm::Error mlir::gc::writeMemoryTimelineSvg(const llvm::json::Object &remat,
                                             const llvm::json::Object &plan,
                                             llvm::raw_ostream &os) {
  auto number = [](const llvm::json::Object &object, llvm::StringRef key) {
    return object.getNumber(key).value_or(0.0);
  };
  const llvm::json::Array *buffers = plan.getArray("buffers");
  if (!buffers)
    return llvm::createStringError("the memory plan report has no buffers");
  double persistent = number(plan, "persistent_bytes");
  double arena = number(plan, "arena_bytes");
  double budget = number(remat, "budget_bytes");
  double noRemat = number(remat, "no_remat_peak_bytes");
  double simulatedPeak = number(remat, "peak_bytes");
  double end = 1;
  for (const llvm::json::Value &entry : *buffers)
    if (const llvm::json::Object *buffer = entry.getAsObject())
      end = std::max(end, number(*buffer, "last") + 1);
  double top = std::max({persistent + arena, budget, 1.0}) * 1.08;

  const double width = 1200, height = 640, left = 80, right = 190, bottom = 60,
               topMargin = 50;
  double plotWidth = width - left - right,
         plotHeight = height - topMargin - bottom;
  auto x = [&](double position) { return left + position / end * plotWidth; };
  auto y = [&](double bytes) {
    return topMargin + plotHeight - bytes / top * plotHeight;
  };

  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width
     << "\" height=\"" << height << "\" font-family=\"sans-serif\" "
     << "font-size=\"12\">\n";
  os << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  auto function = remat.getString("function");
  // Two figures, each named for what it measures: the memory the compiled
  // step allocates (drawn here), and gc-remat's simulated peak, which the
  // budget constrains; they differ only by the planner's alignment padding.
  os << "<text x=\"" << left << "\" y=\"22\" font-size=\"16\">Memory of @"
     << escape(function ? *function : "step") << " — planned "
     << llvm::format("%.2f", gib(persistent + arena)) << " GiB (persistent "
     << llvm::format("%.2f", gib(persistent)) << " GiB + arena "
     << llvm::format("%.2f", gib(arena)) << " GiB)</text>\n";
  os << "<text x=\"" << left << "\" y=\"40\" font-size=\"12\">gc-remat, solver "
     << escape(remat.getString("solver").value_or("?")) << ": simulated peak "
     << llvm::format("%.2f", gib(simulatedPeak)) << " GiB, budget "
     << llvm::format("%.2f", gib(budget)) << " GiB, "
     << llvm::format("%.2f", gib(noRemat)) << " GiB without remat</text>\n";

  // Persistent memory: parameters, inputs, optimizer state.
  os << "<rect x=\"" << x(0) << "\" y=\"" << y(persistent) << "\" width=\""
     << plotWidth << "\" height=\"" << (y(0) - y(persistent))
     << "\" fill=\"#bbbbbb\"><title>persistent: "
     << llvm::format("%.3f", gib(persistent)) << " GiB</title></rect>\n";
  // One rectangle per arena buffer.
  for (const llvm::json::Value &entry : *buffers) {
    const llvm::json::Object *buffer = entry.getAsObject();
    if (!buffer)
      continue;
    double offset = number(*buffer, "offset"), bytes = number(*buffer, "bytes");
    double first = number(*buffer, "first"), last = number(*buffer, "last");
    llvm::StringRef phase = buffer->getString("phase").value_or("backward");
    const char *color = phase == "forward"     ? "#4e79a7"
                        : phase == "recompute" ? "#e15759"
                                               : "#f28e2b";
    double yTop = y(persistent + offset + bytes);
    os << "<rect x=\"" << llvm::format("%.2f", x(first)) << "\" y=\""
       << llvm::format("%.2f", yTop) << "\" width=\""
       << llvm::format("%.2f", std::max(0.5, x(last + 1) - x(first)))
       << "\" height=\""
       << llvm::format("%.2f", std::max(0.3, y(persistent + offset) - yTop))
       << "\" fill=\"" << color << "\" fill-opacity=\"0.85\"><title>"
       << escape(buffer->getString("name").value_or("")) << " ("
       << llvm::format("%.1f", bytes / 1048576.0) << " MiB, " << phase
       << ")</title></rect>\n";
  }
  // Budget and axes.
  if (budget > 0)
    os << "<line x1=\"" << left << "\" x2=\"" << (left + plotWidth)
       << "\" y1=\"" << y(budget) << "\" y2=\"" << y(budget)
       << "\" stroke=\"black\" stroke-dasharray=\"6,4\"/>\n<text x=\""
       << (left + plotWidth - 4) << "\" y=\"" << (y(budget) - 6)
       << "\" text-anchor=\"end\">budget " << llvm::format("%.1f", gib(budget))
       << " GiB</text>\n";
  os << "<line x1=\"" << left << "\" x2=\"" << left << "\" y1=\"" << topMargin
     << "\" y2=\"" << y(0) << "\" stroke=\"black\"/>\n";
  os << "<line x1=\"" << left << "\" x2=\"" << (left + plotWidth) << "\" y1=\""
     << y(0) << "\" y2=\"" << y(0) << "\" stroke=\"black\"/>\n";
  double step = std::pow(10, std::floor(std::log10(gib(top) / 2)));
  for (double tick = 0; tick <= gib(top); tick += step)
    os << "<text x=\"" << (left - 8) << "\" y=\""
       << (y(tick * 1073741824.0) + 4) << "\" text-anchor=\"end\">"
       << llvm::format("%g", tick) << "</text>\n";
  os << "<text x=\"20\" y=\"" << (topMargin + plotHeight / 2)
     << "\" transform=\"rotate(-90 20 " << (topMargin + plotHeight / 2)
     << ")\" text-anchor=\"middle\">address (GiB)</text>\n";
  os << "<text x=\"" << (left + plotWidth / 2) << "\" y=\"" << (height - 20)
     << "\" text-anchor=\"middle\">schedule position (ops, forward then "
        "backward)</text>\n";
  // Legend.
  const std::pair<const char *, const char *> legend[] = {
      {"#bbbbbb", "persistent"},
      {"#4e79a7", "forward"},
      {"#f28e2b", "backward"},
      {"#e15759", "recomputed"}};
  for (auto [i, item] : llvm::enumerate(legend)) {
    double ly = topMargin + 30 + 22 * i;
    os << "<rect x=\"" << (left + plotWidth + 10) << "\" y=\"" << (ly - 10)
       << "\" width=\"14\" height=\"14\" fill=\"" << item.first
       << "\"/><text x=\"" << (left + plotWidth + 30) << "\" y=\"" << ly + 2
       << "\">" << item.second << "</text>\n";
  }
  os << "</svg>\n";
  return llvm::Error::success();
}
