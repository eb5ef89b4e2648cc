//===- SharedLibrary.cpp - libgc_rt.so ------------------------------------===//
//
// The shared library's own translation unit: it holds no code. libgc_rt.so
// is the static GcRuntime linked whole, with only the C API of
// gc_rt/Runtime.h exported (gc_rt.map); including the header here checks
// that it compiles as the library's interface.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/Runtime.h"
