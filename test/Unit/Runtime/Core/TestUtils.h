//===- TestUtils.h - Helpers of the gc_rt C API tests -----------*- C++ -*-===//
//
// Owning wrappers for the C handles (so a failed ASSERT leaks nothing),
// status checks that print the message, a scratch directory, and the toy
// step opened on a CPU session in one call.
//
//===----------------------------------------------------------------------===//

#ifndef GC_TEST_UNIT_RUNTIME_CORE_TESTUTILS_H
#define GC_TEST_UNIT_RUNTIME_CORE_TESTUTILS_H

#include "ToyStep.h"

#include "gc_rt/Runtime.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

namespace gc_rt_test {

struct StatusDeleter {
  void operator()(gc_rt_status_s *status) const { gc_rt_status_free(status); }
};
/// A status that frees itself.
using Status = std::unique_ptr<gc_rt_status_s, StatusDeleter>;

struct SessionDeleter {
  void operator()(gc_rt_session_t *session) const {
    gc_rt_session_release(session);
  }
};
using Session = std::unique_ptr<gc_rt_session_t, SessionDeleter>;

struct StepDeleter {
  void operator()(gc_rt_step_t *step) const { gc_rt_step_release(step); }
};
using Step = std::unique_ptr<gc_rt_step_t, StepDeleter>;

inline std::string messageOf(const Status &status) {
  return gc_rt_status_message(status.get());
}

#define EXPECT_RT_OK(expr)                                                     \
  do {                                                                         \
    ::gc_rt_test::Status gcStatus_(expr);                                      \
    EXPECT_EQ(gc_rt_status_code(gcStatus_.get()), GC_RT_OK)                    \
        << gc_rt_status_message(gcStatus_.get());                              \
  } while (false)
#define ASSERT_RT_OK(expr)                                                     \
  do {                                                                         \
    ::gc_rt_test::Status gcStatus_(expr);                                      \
    ASSERT_EQ(gc_rt_status_code(gcStatus_.get()), GC_RT_OK)                    \
        << gc_rt_status_message(gcStatus_.get());                              \
  } while (false)

/// Expects `message` to contain each of `parts`.
inline void expectMentions(const std::string &message,
                           std::initializer_list<std::string> parts) {
  for (const std::string &part : parts)
    EXPECT_NE(message.find(part), std::string::npos)
        << "message: " << message << "\nlacks: " << part;
}

/// Expects `status` to fail with `code` and a message containing `parts`.
inline void expectError(const Status &status, gc_rt_status_code_t code,
                        std::initializer_list<std::string> parts) {
  ASSERT_NE(status, nullptr) << "expected an error, got success";
  EXPECT_EQ(gc_rt_status_code(status.get()), code) << messageOf(status);
  expectMentions(messageOf(status), parts);
}

inline Session createSession(const char *device, Status &status) {
  gc_rt_session_options_t options;
  gc_rt_session_options_initialize(&options);
  options.device = device;
  gc_rt_session_t *session = nullptr;
  status.reset(gc_rt_session_create(&options, &session));
  return Session(session);
}

inline Session createCpuSession() {
  Status status;
  Session session = createSession("cpu", status);
  EXPECT_EQ(status, nullptr) << messageOf(status);
  return session;
}

inline Step loadStep(gc_rt_session_t *session, const std::string &path,
                     Status &status) {
  gc_rt_step_t *step = nullptr;
  status.reset(gc_rt_step_load(session, path.c_str(), &step));
  return Step(step);
}

/// Reads tensor `name` as `count` elements of T.
template <typename T>
std::vector<T> readTensor(gc_rt_step_t *step, const char *name, size_t count) {
  std::vector<T> values(count);
  Status status(
      gc_rt_step_read_tensor(step, name, values.data(), count * sizeof(T)));
  EXPECT_EQ(status, nullptr) << messageOf(status);
  return values;
}

template <typename T> T readScalar(gc_rt_step_t *step, const char *name) {
  return readTensor<T>(step, name, 1)[0];
}

inline std::vector<uint8_t> readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

inline void writeFile(const std::string &path,
                      const std::vector<uint8_t> &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char *>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

/// The toy step on a CPU session, for tests that only need a working step.
class ToyStepTest : public ::testing::Test {
protected:
  void SetUp() override {
    session = createCpuSession();
    ASSERT_NE(session, nullptr);
    Status status;
    step = loadStep(session.get(), GC_TOY_STEP, status);
    ASSERT_EQ(status, nullptr) << messageOf(status);
    ASSERT_NE(step, nullptr);
    char pattern[] = "/tmp/gc-rt-test-XXXXXX";
    const char *tmp = std::getenv("TMPDIR");
    std::string templ = tmp && *tmp ? std::string(tmp) + "/gc-rt-test-XXXXXX"
                                    : std::string(pattern);
    std::vector<char> buffer(templ.begin(), templ.end());
    buffer.push_back('\0');
    ASSERT_NE(::mkdtemp(buffer.data()), nullptr) << std::strerror(errno);
    directory = buffer.data();
  }
  void TearDown() override {
    step.reset();
    session.reset();
    if (!directory.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(directory, ignored);
    }
  }
  std::string pathOf(const std::string &name) const {
    return directory + "/" + name;
  }

  Session session;
  Step step;
  /// A scratch directory, removed after the test.
  std::string directory;
};

} // namespace gc_rt_test

#endif // GC_TEST_UNIT_RUNTIME_CORE_TESTUTILS_H
