//===- NestingDepth.cpp - Bound the nesting of textual IR -----------------===//

#include "gc/Support/NestingDepth.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/SourceMgr.h"

std::optional<size_t> mlir::gc::findExcessiveNesting(llvm::StringRef text,
                                                     unsigned maxDepth) {
  unsigned depth = 0;
  for (size_t i = 0, e = text.size(); i < e; ++i) {
    switch (text[i]) {
    case '"': // A string literal; `\"` does not end it.
      for (++i; i < e && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
      break;
    case '/':
      if (i + 1 < e && text[i + 1] == '/')
        while (i < e && text[i] != '\n')
          ++i;
      break;
    case '-':
      if (i + 1 < e && text[i + 1] == '>')
        ++i;
      break;
    case '(':
    case '[':
    case '{':
    case '<':
      if (++depth > maxDepth)
        return i;
      break;
    case ')':
    case ']':
    case '}':
    case '>':
      if (depth > 0)
        --depth;
      break;
    default:
      break;
    }
  }
  return std::nullopt;
}

llvm::LogicalResult mlir::gc::checkNestingDepth(llvm::SourceMgr &sourceMgr,
                                                unsigned maxDepth) {
  for (unsigned id = 1, e = sourceMgr.getNumBuffers(); id <= e; ++id) {
    const llvm::MemoryBuffer *buffer = sourceMgr.getMemoryBuffer(id);
    std::optional<size_t> offset =
        findExcessiveNesting(buffer->getBuffer(), maxDepth);
    if (!offset)
      continue;
    sourceMgr.PrintMessage(
        llvm::SMLoc::getFromPointer(buffer->getBufferStart() + *offset),
        llvm::SourceMgr::DK_Error,
        llvm::Twine("brackets nest deeper than ") + llvm::Twine(maxDepth) +
            " levels, the most gc parses (expected at most " +
            llvm::Twine(maxDepth) + " open '(', '[', '{' or '<' at once)");
    return llvm::failure();
  }
  return llvm::success();
}
