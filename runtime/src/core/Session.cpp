//===- Session.cpp - gc_rt sessions: one device each ----------------------===//
//
// A session parses its device string and owns the Device. Steps hold a
// reference to their session, so releasing the session before its steps is
// harmless: the device goes away with the last of them.
//
// Device strings are strict ("cpu" or "cuda:N" with N a decimal ordinal):
// a typo must not silently select a different device.
//
//===----------------------------------------------------------------------===//

#include "Device.h"
#include "Internal.h"

#include <climits>

using namespace gc::rt;

#if !GC_RT_HAVE_CUDA
gc_rt_status_t gc::rt::createCudaDevice(int ordinal,
                                        std::unique_ptr<Device> *out) {
  return makeStatus(GC_RT_UNAVAILABLE,
                    "cuda:" + std::to_string(ordinal) +
                        ": this gc_rt was built without CUDA");
}
#endif

namespace {
/// The ordinal of "cuda:N", or -1 when `device` does not have that form.
int parseCudaOrdinal(const std::string &device) {
  const std::string prefix = "cuda:";
  if (device.compare(0, prefix.size(), prefix) != 0 ||
      device.size() == prefix.size())
    return -1;
  long long ordinal = 0;
  for (size_t i = prefix.size(); i < device.size(); ++i) {
    char c = device[i];
    if (c < '0' || c > '9')
      return -1;
    ordinal = ordinal * 10 + (c - '0');
    if (ordinal > INT_MAX)
      return -1;
  }
  return static_cast<int>(ordinal);
}

void releaseSession(gc_rt_session_t *session) {
  if (session && session->references.fetch_sub(1) == 1)
    delete session;
}
} // namespace

extern "C" {

void gc_rt_session_options_initialize(gc_rt_session_options_t *options) {
  if (options) {
    options->device = "cpu";
    options->num_threads = 0;
  }
}

gc_rt_status_t gc_rt_session_create(const gc_rt_session_options_t *options,
                                    gc_rt_session_t **out_session) {
  return guardApiCall("gc_rt_session_create", [&]() -> gc_rt_status_t {
    if (!out_session)
      return makeStatus(GC_RT_INVALID_ARGUMENT,
                        "gc_rt_session_create: out_session is NULL");
    *out_session = nullptr;
    if (!options)
      return makeStatus(GC_RT_INVALID_ARGUMENT,
                        "gc_rt_session_create: options is NULL (fill them "
                        "with gc_rt_session_options_initialize)");
    std::string device = options->device ? options->device : "cpu";
    if (options->num_threads < 0)
      return makeStatus(GC_RT_INVALID_ARGUMENT,
                        "gc_rt_session_create: num_threads is " +
                            std::to_string(options->num_threads) +
                            "; expected 0 (the default) or a positive count");

    auto session = std::make_unique<gc_rt_session_s>();
    if (device == "cpu") {
      session->device = createCpuDevice();
    } else {
      int ordinal = parseCudaOrdinal(device);
      if (ordinal < 0)
        return makeStatus(GC_RT_INVALID_ARGUMENT,
                          "invalid device " + quote(device) +
                              ": expected 'cpu' or 'cuda:N' with N a device "
                              "ordinal (e.g. 'cuda:0')");
      GC_RT_RETURN_IF_ERROR(createCudaDevice(ordinal, &session->device));
    }
    session->numThreads = options->num_threads;
    *out_session = session.release();
    return nullptr;
  });
}

void gc_rt_session_release(gc_rt_session_t *session) {
  releaseSession(session);
}

const char *gc_rt_session_device_name(const gc_rt_session_t *session) {
  return session ? session->device->getName().c_str() : "";
}

} // extern "C"

void gc::rt::retainSession(gc_rt_session_t *session) { ++session->references; }

void gc::rt::releaseSessionReference(gc_rt_session_t *session) {
  releaseSession(session);
}
