//===- OutputFile.cpp - Write a file, and say when the write fails --------===//

#include "gc/Support/OutputFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/ToolOutputFile.h"

llvm::Error mlir::gc::writeOutputFile(
    llvm::StringRef path,
    llvm::function_ref<llvm::Error(llvm::raw_ostream &)> write) {
  std::error_code ec;
  llvm::ToolOutputFile file(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return llvm::createStringError(ec, "cannot open '%s' for writing: %s",
                                   path.str().c_str(), ec.message().c_str());
  llvm::Error written = write(file.os());
  if (llvm::Error failure =
          mlir::gc::checkWritten(file.os(), "'" + path.str() + "'")) {
    llvm::consumeError(std::move(written));
    return failure;
  }
  if (written)
    return written;
  file.keep();
  return llvm::Error::success();
}

llvm::Error mlir::gc::checkWritten(llvm::raw_fd_ostream &os,
                                   llvm::StringRef what) {
  os.flush();
  if (!os.has_error())
    return llvm::Error::success();
  std::error_code failure = os.error();
  // Looked at: the stream no longer ends the process when destroyed.
  os.clear_error();
  return llvm::createStringError(failure, "cannot write %s: %s",
                                 what.str().c_str(), failure.message().c_str());
}

llvm::Error mlir::gc::writeOutputFile(llvm::StringRef path,
                                      llvm::StringRef text) {
  return mlir::gc::writeOutputFile(path, [&](llvm::raw_ostream &os) {
    os << text;
    return llvm::Error::success();
  });
}
