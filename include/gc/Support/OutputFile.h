//===- OutputFile.h - Write a file, and say when the write fails -*- C++
//-*-===//
//
// LLVM's output streams end the process ("LLVM ERROR: IO failure on output
// stream") when a write failed and nobody looked; a full disk must instead
// be an error message and a non-zero exit, with no partial file left behind.
//
//===----------------------------------------------------------------------===//

#ifndef GC_SUPPORT_OUTPUTFILE_H
#define GC_SUPPORT_OUTPUTFILE_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::gc {

/// Creates `path` ("-" is stdout), lets `write` fill it and keeps it when
/// every byte was written. Otherwise the file is removed and the error says
/// which file and why. An error that `write` returns is passed on.
llvm::Error
writeOutputFile(llvm::StringRef path,
                llvm::function_ref<llvm::Error(llvm::raw_ostream &)> write);

/// Writes `text` to `path` the same way.
llvm::Error writeOutputFile(llvm::StringRef path, llvm::StringRef text);

/// Flushes `os`; when a write failed, clears the failure (so that the
/// stream does not end the process) and returns it as the error "cannot
/// write <what>: <reason>".
llvm::Error checkWritten(llvm::raw_fd_ostream &os, llvm::StringRef what);

} // namespace mlir::gc

#endif // GC_SUPPORT_OUTPUTFILE_H
