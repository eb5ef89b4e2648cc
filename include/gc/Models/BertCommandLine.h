//===- BertCommandLine.h - BERT configuration flags -------------*- C++ -*-===//
//
// The Hugging Face BertConfig fields as command-line flags (--layers,
// --hidden, ..., --batch, --seq), for the tools that build a BERT model. In
// the style of MLIR's registerAsmPrinterCLOptions: register before parsing
// the command line, then read the configuration. Defaults are BertConfig's.
//
//===----------------------------------------------------------------------===//

#ifndef GC_MODELS_BERTCOMMANDLINE_H
#define GC_MODELS_BERTCOMMANDLINE_H

#include "gc/Models/Bert.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

namespace mlir::gc {

/// Registers the BERT flags (in getBertCLCategory()).
void registerBertCLOptions();

/// The flags' category, for llvm::cl::HideUnrelatedOptions.
llvm::cl::OptionCategory &getBertCLCategory();

/// The configuration the flags describe; an unknown --hidden-act, --loss or
/// --dtype is an error naming the accepted values. Validation is
/// buildBertForward's.
llvm::Expected<BertConfig> getBertConfigFromCL();

/// Whether --batch was given on the command line.
bool isBatchSetOnCL();

} // namespace mlir::gc

#endif // GC_MODELS_BERTCOMMANDLINE_H
