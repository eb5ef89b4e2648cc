//===- ReportSink.cpp - One report file for a function pass ---------------===//
//
// See ReportSink.h.
//
//===----------------------------------------------------------------------===//

#include "gc/Transforms/ReportSink.h"

#include "gc/Support/OutputFile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/JSON.h"

#include <map>
#include <mutex>
#include <set>

using namespace mlir;
using namespace mlir::gc;

namespace {
struct PathReports {
  /// The module the reports belong to; another module starts afresh.
  Operation *module = nullptr;
  std::map<std::string, std::string> byFunction;
};

std::mutex &sinkMutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<std::string, PathReports> &sinkReports() {
  static auto *reports = new std::map<std::string, PathReports>();
  return *reports;
}

/// Per module with a collector: kind -> function -> report.
using CollectedReports =
    std::map<std::string, std::map<std::string, std::string>>;
std::map<Operation *, CollectedReports> &collectedReports() {
  static auto *reports = new std::map<Operation *, CollectedReports>();
  return *reports;
}

/// The names of the functions with a body directly in `module` (not a
/// walk: other threads are rewriting the bodies).
std::set<std::string> getDefinedFunctions(Operation *module) {
  std::set<std::string> names;
  if (module)
    for (Region &region : module->getRegions())
      for (Operation &op : region.getOps())
        if (auto function = dyn_cast<func::FuncOp>(op);
            function && !function.isExternal())
          names.insert(function.getSymName().str());
  return names;
}
} // namespace

llvm::Error mlir::gc::writeFunctionReport(llvm::StringRef path,
                                          Operation *module,
                                          llvm::StringRef function,
                                          std::string report) {
  std::lock_guard<std::mutex> lock(sinkMutex());
  PathReports &reports = sinkReports()[path.str()];
  if (reports.module != module) {
    reports.module = module;
    reports.byFunction.clear();
  }
  reports.byFunction[function.str()] = report;
  // Only this module's functions: a module allocated where an earlier one
  // was (gc-opt --split-input-file) must not inherit its reports.
  std::set<std::string> defined = getDefinedFunctions(module);
  for (auto it = reports.byFunction.begin(); it != reports.byFunction.end();)
    it = defined.count(it->first) || it->first == function
             ? std::next(it)
             : reports.byFunction.erase(it);
  if (defined.size() <= 1)
    return writeOutputFile(path, report);
  return writeOutputFile(path, [&](llvm::raw_ostream &os) {
    os << "{\n  \"functions\": {";
    bool first = true;
    for (const auto &[name, text] : reports.byFunction) {
      os << (first ? "\n    " : ",\n    ") << llvm::json::Value(name) << ": "
         << llvm::StringRef(text).rtrim();
      first = false;
    }
    os << "\n  }\n}\n";
    return llvm::Error::success();
  });
}

ReportCollector::ReportCollector(Operation *module) : module(module) {
  std::lock_guard<std::mutex> lock(sinkMutex());
  collectedReports()[module].clear();
}

ReportCollector::~ReportCollector() {
  std::lock_guard<std::mutex> lock(sinkMutex());
  collectedReports().erase(module);
}

std::map<std::string, std::string>
ReportCollector::get(llvm::StringRef kind) const {
  std::lock_guard<std::mutex> lock(sinkMutex());
  CollectedReports &reports = collectedReports()[module];
  auto it = reports.find(kind.str());
  return it == reports.end() ? std::map<std::string, std::string>()
                             : it->second;
}

bool mlir::gc::isReportWanted(llvm::StringRef path, Operation *module) {
  if (!path.empty())
    return true;
  std::lock_guard<std::mutex> lock(sinkMutex());
  return collectedReports().count(module) != 0;
}

llvm::Error mlir::gc::publishFunctionReport(llvm::StringRef kind,
                                            llvm::StringRef path,
                                            Operation *module,
                                            llvm::StringRef function,
                                            std::string report) {
  {
    std::lock_guard<std::mutex> lock(sinkMutex());
    auto collector = collectedReports().find(module);
    if (collector != collectedReports().end())
      collector->second[kind.str()][function.str()] = report;
  }
  if (path.empty())
    return llvm::Error::success();
  return writeFunctionReport(path, module, function, std::move(report));
}
