//===- FuzzSupport.cpp - Shared pieces of gc's fuzz targets ---------------===//

#include "FuzzSupport.h"

#include <cstdio>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace {
/// The scratch file's path; never destroyed, so that the exit handler that
/// removes the file can still read it.
const std::string &getScratchPath() {
  static const std::string *path = [] {
    struct stat info;
    std::string directory = stat("/dev/shm", &info) == 0 ? "/dev/shm" : "/tmp";
    return new std::string(directory + "/gc-fuzz-" + std::to_string(getpid()) +
                           ".input");
  }();
  return *path;
}

void removeScratchFiles() {
  std::remove(getScratchPath().c_str());
  std::remove((getScratchPath() + ".copy").c_str());
}
} // namespace

const std::string &gc::fuzz::writeScratchFile(const uint8_t *data,
                                              size_t size) {
  static const bool registered = std::atexit(removeScratchFiles) == 0;
  (void)registered;
  const std::string &path = getScratchPath();
  FILE *file = std::fopen(path.c_str(), "wb");
  if (!file || std::fwrite(data, 1, size, file) != size ||
      std::fclose(file) != 0) {
    std::perror(path.c_str());
    std::abort();
  }
  return path;
}
