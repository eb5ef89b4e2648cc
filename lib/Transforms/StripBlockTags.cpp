//===- StripBlockTags.cpp - Remove gc.block tags --------------------------===//

#include "gc/Dialect/GcDialect.h"
#include "gc/Transforms/Passes.h"

#define DEBUG_TYPE "gc-strip-block-tags"

namespace mlir::gc {
#define GEN_PASS_DEF_STRIPBLOCKTAGS
#include "gc/Transforms/Passes.h.inc"
} // namespace mlir::gc

using namespace mlir;
using namespace mlir::gc;

namespace {
struct StripBlockTagsPass : gc::impl::StripBlockTagsBase<StripBlockTagsPass> {
  void runOnOperation() override {
    getOperation()->walk([&](Operation *op) {
      if (op->removeAttr(GcDialect::getBlockTagAttrName()))
        ++numStripped;
    });
  }
};
} // namespace
