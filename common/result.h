// Expected failures (bad file, missing feature, no permission) travel as values
// with a message a user can act on; exceptions are for the truly exceptional.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace pagescope {

// What kind of failure, for callers that map it to an exit code
// (app/command.h's exit_code).
enum class ErrorKind {
  kFailure,
  kUsage,
  kPermission,
  kUnsupported,
  kInterrupted,       // stopped by SIGINT/SIGTERM/SIGHUP; what was begun was undone
  kCaptureDisagrees,  // the work ran, but its capture fails the check against the kernel's own counters
};

struct Error {
  std::string message;  // one line, names the problem: "run.psc: not a pagescope capture (bad magic)"
  ErrorKind kind = ErrorKind::kFailure;
};

// A value or an Error. (std::expected is C++23; this is the subset we need.)
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Success or an Error.
class Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error.message)), kind_(error.kind), failed_(true) {}
  static Status Ok() { return {}; }
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string& message() const { return error_; }  // empty when ok()
  ErrorKind kind() const { return kind_; }              // meaningful only when !ok()

 private:
  std::string error_;
  ErrorKind kind_ = ErrorKind::kFailure;
  bool failed_ = false;
};

}  // namespace pagescope
