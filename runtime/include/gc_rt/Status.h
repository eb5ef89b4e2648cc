//===- Status.h - Success or an error message -------------------*- C++ -*-===//
//
// The result of a runtime operation that can fail on its data (an embedding
// id or a label out of range, an optimizer step below 1): either ok or an
// error carrying a human-readable message. Shape and attribute errors are
// the verifier's business and are not reported through Status.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_STATUS_H
#define GC_RT_STATUS_H

#include <string>
#include <utility>

namespace gc::rt {

/// Success, or failure with a message. Cheap to return when ok (an empty
/// string); callers must look at it, hence [[nodiscard]].
class [[nodiscard]] Status {
public:
  /// The success value.
  static Status ok() { return Status(true, std::string()); }
  /// A failure with the given message (one line, no trailing period).
  static Status error(std::string message) {
    return Status(false, std::move(message));
  }

  bool isOk() const { return success; }
  /// The error message; empty when ok.
  const std::string &message() const { return errorMessage; }

private:
  Status(bool isSuccess, std::string text)
      : success(isSuccess), errorMessage(std::move(text)) {}

  bool success;
  std::string errorMessage;
};

} // namespace gc::rt

#endif // GC_RT_STATUS_H
