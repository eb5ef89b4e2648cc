//===- CompilerTest.cpp - compileStep from C++ ----------------------------===//
//
// The compiler library without gc-compile: a BERT built in C++ compiles to
// libstep.so with one report.json assembled from the passes' collected
// reports (no temporary report files); the stages stop where asked; a
// module of two functions gets one report per function from the same
// pipeline; errors come back as llvm::Error values.
//
//===----------------------------------------------------------------------===//

#include "gc/Compiler/Compiler.h"
#include "gc/Models/Bert.h"
#include "gc/Transforms/ReportSink.h"

#include "gc/Dialect/GcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <string>

using namespace mlir;
using namespace mlir::gc;

namespace {
BertConfig tinyConfig() {
  BertConfig config;
  config.vocabSize = 32;
  config.hiddenSize = 8;
  config.numHiddenLayers = 2;
  config.numAttentionHeads = 2;
  config.intermediateSize = 16;
  config.maxPositionEmbeddings = 16;
  config.batchSize = 2;
  config.seqLength = 4;
  return config;
}

class CompilerTest : public ::testing::Test {
protected:
  void SetUp() override {
    context.loadDialect<GcDialect, func::FuncDialect>();
    module = ModuleOp::create(UnknownLoc::get(&context));
    ASSERT_FALSE(llvm::errorToBool(
        buildBertForward(*module, tinyConfig(), "step").takeError()));
    llvm::SmallString<128> dir;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("gc-compiler-test", dir));
    directory = std::string(dir);
    options.progress = &progress;
  }
  void TearDown() override { llvm::sys::fs::remove_directories(directory); }

  std::string path(llvm::StringRef file) const {
    llvm::SmallString<256> joined(directory);
    llvm::sys::path::append(joined, file);
    return std::string(joined);
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  std::string directory;
  std::string progressText;
  llvm::raw_string_ostream progress{progressText};
  CompileOptions options;
};

TEST_F(CompilerTest, LibraryWithOneReport) {
  options.directory = path("lib");
  llvm::Expected<CompileResult> result = compileStep(*module, options);
  ASSERT_TRUE(static_cast<bool>(result)) << llvm::toString(result.takeError());
  EXPECT_TRUE(llvm::sys::fs::exists(result->libraryPath));
  EXPECT_EQ(result->reportPath, path("lib/report.json"));
  EXPECT_GT(result->arenaBytes, 0);
  EXPECT_GT(result->emission.runtimeKernels, 0);

  auto text = llvm::MemoryBuffer::getFile(result->reportPath);
  ASSERT_TRUE(static_cast<bool>(text));
  llvm::Expected<llvm::json::Value> report =
      llvm::json::parse((*text)->getBuffer());
  ASSERT_TRUE(static_cast<bool>(report));
  const llvm::json::Object *object = report->getAsObject();
  ASSERT_NE(object, nullptr);
  // The remat report, the memory plan and the driver's fields, in one.
  EXPECT_TRUE(object->getObject("memory_plan"));
  EXPECT_TRUE(object->getObject("compile_time_s"));
  EXPECT_EQ(object->getString("target"), "cpu");
  EXPECT_EQ(object->getInteger("arena_bytes"), result->arenaBytes);
  EXPECT_TRUE(llvm::sys::fs::exists(path("lib/memory.svg")));
  // The CPU step is costed on the CPU's profile unless a device is named.
  EXPECT_NE(progressText.find("device cpu"), std::string::npos);
  // No temporary report files are left (or made) beside it.
  std::error_code error;
  for (llvm::sys::fs::directory_iterator it(path("lib"), error), end;
       it != end && !error; it.increment(error))
    EXPECT_EQ(llvm::StringRef(it->path()).find(".tmp"), llvm::StringRef::npos)
        << it->path();
}

TEST_F(CompilerTest, StagesStopWhereAsked) {
  options.stage = CompileStage::Plan;
  options.reportPath = path("plan.json");
  llvm::Expected<CompileResult> result = compileStep(*module, options);
  ASSERT_TRUE(static_cast<bool>(result)) << llvm::toString(result.takeError());
  auto function = *module->getOps<func::FuncOp>().begin();
  EXPECT_TRUE(function->hasAttr(GcDialect::getArenaBytesAttrName()));
  // Planned, not lowered: no storage assignments and no library.
  bool lowered = false;
  function.walk([&](Operation *op) {
    lowered |= op->hasAttr(GcDialect::getStorageAttrName());
  });
  EXPECT_FALSE(lowered);
  EXPECT_TRUE(llvm::sys::fs::exists(path("plan.json")));
  EXPECT_FALSE(llvm::sys::fs::exists(path("libstep.so")));
  // Without a target, the cost model's device is the H100.
  EXPECT_NE(progressText.find("device h100"), std::string::npos);
}

TEST_F(CompilerTest, TwoFunctionsReportEach) {
  ASSERT_FALSE(llvm::errorToBool(
      buildBertForward(*module, tinyConfig(), "other").takeError()));
  options.stage = CompileStage::Plan;
  options.reportPath = path("two.json");
  llvm::Expected<CompileResult> result = compileStep(*module, options);
  ASSERT_TRUE(static_cast<bool>(result)) << llvm::toString(result.takeError());
  auto text = llvm::MemoryBuffer::getFile(path("two.json"));
  ASSERT_TRUE(static_cast<bool>(text));
  llvm::Expected<llvm::json::Value> report =
      llvm::json::parse((*text)->getBuffer());
  ASSERT_TRUE(static_cast<bool>(report));
  const llvm::json::Object *functions =
      report->getAsObject()->getObject("functions");
  ASSERT_NE(functions, nullptr);
  for (const char *name : {"step", "other"}) {
    const llvm::json::Object *one = functions->getObject(name);
    ASSERT_NE(one, nullptr) << name;
    EXPECT_TRUE(one->getObject("memory_plan")) << name;
  }
}

TEST_F(CompilerTest, ALibraryIsOneFunction) {
  ASSERT_FALSE(llvm::errorToBool(
      buildBertForward(*module, tinyConfig(), "other").takeError()));
  options.directory = path("two");
  llvm::Expected<CompileResult> result = compileStep(*module, options);
  ASSERT_FALSE(static_cast<bool>(result));
  EXPECT_EQ(llvm::toString(result.takeError()),
            "a compiled step is one function, but the module defines 2");
  // Refused before the pipeline ran: the functions are still forward ones.
  EXPECT_TRUE(progressText.empty()) << progressText;
}

TEST_F(CompilerTest, ErrorsAreValues) {
  // A library needs a directory.
  llvm::Expected<CompileResult> noDirectory = compileStep(*module, options);
  ASSERT_FALSE(static_cast<bool>(noDirectory));
  EXPECT_NE(llvm::toString(noDirectory.takeError()).find("output directory"),
            std::string::npos);

  // A compiler that does not exist.
  options.directory = path("bad");
  options.cxx = path("no-such-compiler");
  llvm::Expected<CompileResult> noCompiler = compileStep(*module, options);
  ASSERT_FALSE(static_cast<bool>(noCompiler));
  EXPECT_NE(llvm::toString(noCompiler.takeError())
                .find("does not exist or is not executable"),
            std::string::npos);
}

TEST(ReportCollectorTest, CollectsOnlyItsModule) {
  MLIRContext context;
  OwningOpRef<ModuleOp> mine = ModuleOp::create(UnknownLoc::get(&context));
  OwningOpRef<ModuleOp> other = ModuleOp::create(UnknownLoc::get(&context));
  EXPECT_FALSE(isReportWanted("", mine->getOperation()));
  {
    ReportCollector collector(mine->getOperation());
    EXPECT_TRUE(isReportWanted("", mine->getOperation()));
    EXPECT_FALSE(isReportWanted("", other->getOperation()));
    ASSERT_FALSE(llvm::errorToBool(
        publishFunctionReport("remat", "", mine->getOperation(), "f", "{}")));
    ASSERT_FALSE(llvm::errorToBool(
        publishFunctionReport("remat", "", other->getOperation(), "g", "{}")));
    auto reports = collector.get("remat");
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_EQ(reports.begin()->first, "f");
    EXPECT_TRUE(collector.get("plan").empty());
  }
  EXPECT_FALSE(isReportWanted("", mine->getOperation()));
}
} // namespace
