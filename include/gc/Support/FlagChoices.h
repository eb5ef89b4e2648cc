//===- FlagChoices.h - A flag value among named choices ---------*- C++ -*-===//
//
// The one spelling of "this flag takes one of these words" for gc's
// command-line readers (gc-compile's --emit and --target, the BERT flags
// --hidden-act, --loss and --dtype), so every such error lists the accepted
// values the same way. Header-only; LLVM Support only.
//
//===----------------------------------------------------------------------===//

#ifndef GC_SUPPORT_FLAGCHOICES_H
#define GC_SUPPORT_FLAGCHOICES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <utility>

namespace mlir::gc {

/// The choice of `choices` named `value`, or the error "unsupported --flag
/// value 'value'; expected one of: a, b, ...".
template <typename T>
llvm::Expected<T>
lookupFlagChoice(llvm::StringRef flag, llvm::StringRef value,
                 llvm::ArrayRef<std::pair<llvm::StringRef, T>> choices) {
  for (const auto &[name, choice] : choices)
    if (name == value)
      return choice;
  std::string accepted;
  llvm::raw_string_ostream os(accepted);
  llvm::interleaveComma(choices, os,
                        [&](const auto &choice) { os << choice.first; });
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "unsupported --" + flag + " value '" + value +
                                     "'; expected one of: " + accepted);
}

} // namespace mlir::gc

#endif // GC_SUPPORT_FLAGCHOICES_H
