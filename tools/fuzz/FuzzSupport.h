//===- FuzzSupport.h - Shared pieces of gc's fuzz targets -------*- C++ -*-===//
//
// Each fuzz target is a libFuzzer entry point (LLVMFuzzerTestOneInput) over
// one reader of user input. A crash, an AddressSanitizer or UBSan report, or
// a timeout is a finding; a rejected input is a normal outcome. See
// scripts/fuzz.sh for how they run and docs/testing.md for the targets.
//
//===----------------------------------------------------------------------===//

#ifndef GC_TOOLS_FUZZ_FUZZSUPPORT_H
#define GC_TOOLS_FUZZ_FUZZSUPPORT_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace gc::fuzz {

/// Writes `size` bytes to a file private to this process (in /dev/shm when
/// it exists) and returns its path; readers that take a path read it.
const std::string &writeScratchFile(const uint8_t *data, size_t size);

} // namespace gc::fuzz

#endif // GC_TOOLS_FUZZ_FUZZSUPPORT_H
