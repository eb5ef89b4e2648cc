//===- Support.cu - Error reporting of the CUDA kernels
//--------------------===//
//
// The Status builders behind the GC_RT_*_RETURN_IF_ERROR macros.
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include <string>

using namespace gc::rt;
using namespace gc::rt::cuda;
using namespace gc::rt::cuda::detail;

Status detail::cudaFailure(const char *kernel, const char *what,
                           cudaError_t error) {
  return Status::error(std::string(kernel) + ": " + what +
                       " failed: " + cudaGetErrorName(error) + " (" +
                       cudaGetErrorString(error) + ")");
}

Status detail::cublasFailure(const char *kernel, const char *what,
                             cublasStatus_t status) {
  return Status::error(std::string(kernel) + ": " + what +
                       " failed: " + cublasGetStatusName(status) + " (" +
                       cublasGetStatusString(status) + ")");
}

Status detail::invalidArgument(const char *kernel, const char *message) {
  return Status::error(std::string(kernel) + ": " + message);
}
