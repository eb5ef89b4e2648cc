//===- FuzzSupport.cpp - Shared pieces of gc's fuzz targets ---------------===//

#include "FuzzSupport.h"

#include <cstdio>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace {
std::string &getScratchPath() {
  static std::string path;
  return path;
}
void removeScratchFiles() {
  std::remove(getScratchPath().c_str());
  std::remove((getScratchPath() + ".copy").c_str());
}
} // namespace

const std::string &gc::fuzz::writeScratchFile(const uint8_t *data,
                                              size_t size) {
  static const std::string &path = getScratchPath() = [] {
    struct stat info;
    std::string directory = stat("/dev/shm", &info) == 0 ? "/dev/shm" : "/tmp";
    std::string result =
        directory + "/gc-fuzz-" + std::to_string(getpid()) + ".input";
    std::atexit(removeScratchFiles);
    return result;
  }();
  FILE *file = std::fopen(path.c_str(), "wb");
  if (!file || std::fwrite(data, 1, size, file) != size ||
      std::fclose(file) != 0) {
    std::perror(path.c_str());
    std::abort();
  }
  return path;
}
