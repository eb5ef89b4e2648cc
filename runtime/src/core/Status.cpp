//===- Status.cpp - gc_rt status objects ----------------------------------===//
//
// The object behind gc_rt_status_t: a code and a message. Success is the
// NULL status, so the common path allocates nothing. Reporting an error
// must not itself fail in a way the caller cannot see, so when the status
// object cannot be allocated a static out-of-memory status stands in for
// it; gc_rt_status_free recognises and keeps it.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

struct gc_rt_status_s {
  gc_rt_status_code_t code;
  std::string message;
};

namespace {
gc_rt_status_s &getStaticOutOfMemory() {
  // Never destroyed, so it outlives any caller, even one that reports an
  // error from a static destructor.
  static gc_rt_status_s *status = new gc_rt_status_s{
      GC_RT_OUT_OF_MEMORY, "out of host memory while reporting an error"};
  return *status;
}

// Build the static status at load time, when allocating cannot fail in
// practice, rather than at the moment memory has run out.
[[maybe_unused]] const gc_rt_status_s &kEagerOutOfMemory =
    getStaticOutOfMemory();
} // namespace

gc_rt_status_t gc::rt::getOutOfHostMemoryStatus() {
  return &getStaticOutOfMemory();
}

gc_rt_status_t gc::rt::makeStatus(gc_rt_status_code_t code,
                                  std::string message) {
  if (code == GC_RT_OK)
    return nullptr;
  gc_rt_status_s *status = new (std::nothrow) gc_rt_status_s{code, {}};
  if (!status)
    return getOutOfHostMemoryStatus();
  // Moving a string never allocates.
  status->message = std::move(message);
  return status;
}

extern "C" {

gc_rt_status_code_t gc_rt_status_code(gc_rt_status_t status) {
  return status ? status->code : GC_RT_OK;
}

const char *gc_rt_status_message(gc_rt_status_t status) {
  return status ? status->message.c_str() : "";
}

void gc_rt_status_free(gc_rt_status_t status) {
  if (status && status != &getStaticOutOfMemory())
    delete status;
}

} // extern "C"
