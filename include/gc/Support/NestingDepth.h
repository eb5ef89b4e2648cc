//===- NestingDepth.h - Bound the nesting of textual IR ---------*- C++ -*-===//
//
// MLIR's parser descends recursively into every nested type, attribute,
// region and parenthesis, so a few tens of thousands of `tensor<` or `[`
// overflow the stack. gc's tools therefore scan their textual input once
// before parsing and reject nesting deeper than any real module needs, with
// the location of the first bracket too deep.
//
//===----------------------------------------------------------------------===//

#ifndef GC_SUPPORT_NESTINGDEPTH_H
#define GC_SUPPORT_NESTINGDEPTH_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/LogicalResult.h"

#include <optional>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace mlir::gc {

/// Deepest nesting of `(`, `[`, `{` and `<` that gc's tools parse. gc's
/// modules nest about ten levels; each level costs the parser a few hundred
/// bytes of stack (a few kilobytes under AddressSanitizer), so 256 levels
/// stay far below the 8 MiB main-thread stack.
constexpr unsigned kMaxNestingDepth = 256;

/// The offset in `text` of the first opening bracket that nests deeper than
/// `maxDepth`, or nullopt. String literals and `//` comments are skipped;
/// the `>` of `->` closes nothing.
std::optional<size_t> findExcessiveNesting(llvm::StringRef text,
                                           unsigned maxDepth);

/// Checks every buffer of `sourceMgr`; reports the first excess through it
/// (file:line:col, what was expected) and fails.
llvm::LogicalResult checkNestingDepth(llvm::SourceMgr &sourceMgr,
                                      unsigned maxDepth = kMaxNestingDepth);

} // namespace mlir::gc

#endif // GC_SUPPORT_NESTINGDEPTH_H
