// Status and Result<T>: the one error-handling style of LogAct Sim.
//
// A Status is a code plus a human-readable message; the OK status carries no
// message and costs nothing to return. Result<T> holds either a value or a
// non-OK Status, with method names borrowed from std::expected so that it can
// become an alias later. Both are [[nodiscard]]: a dropped error is a compile
// error, because simulated faults are expected results that every caller must
// handle (see STYLE.md §3). Third-party exceptions (nlohmann::json, CLI11, z3)
// are turned into a Status at their adapter; nothing throws across modules.
//
// Thread-safety: value types; no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace logact {

// A code exists only if some caller reacts to it differently.
enum class StatusCode : uint8_t {
  kOk = 0,
  kInvalidArgument,    // bad input: a malformed trace, policy, option or request
  kNotFound,           // a named thing does not exist (scenario, file, position)
  kCorruption,         // stored data failed validation (checksum, foreign database)
  kInternal,           // a bug in LogAct Sim itself
  kPermissionDenied,   // bus access control refused an append
  kResourceExhausted,  // an explicit limit of core/limits.h was hit
  kUnavailable,        // transient failure: retrying the same call may succeed
  kUnknownOutcome,     // the append may or may not be on the log: read before retrying
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "InvalidArgument: line 4: field 'ts': expected an integer".
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` and ": ".
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status&, const Status&) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgumentError(std::string m) {
  return Status(StatusCode::kInvalidArgument, std::move(m));
}
inline Status NotFoundError(std::string m) { return Status(StatusCode::kNotFound, std::move(m)); }
inline Status CorruptionError(std::string m) {
  return Status(StatusCode::kCorruption, std::move(m));
}
inline Status InternalError(std::string m) { return Status(StatusCode::kInternal, std::move(m)); }
inline Status PermissionDeniedError(std::string m) {
  return Status(StatusCode::kPermissionDenied, std::move(m));
}
inline Status ResourceExhaustedError(std::string m) {
  return Status(StatusCode::kResourceExhausted, std::move(m));
}
inline Status UnavailableError(std::string m) {
  return Status(StatusCode::kUnavailable, std::move(m));
}
inline Status UnknownOutcomeError(std::string m) {
  return Status(StatusCode::kUnknownOutcome, std::move(m));
}

// Result<T>: a T or a non-OK Status.
// REQUIRES: a Result is never constructed from an OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(state_).ok()) {
      state_ = Status(StatusCode::kInternal, "Result constructed from an OK status");
    }
  }

  bool has_value() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return has_value(); }

  // REQUIRES: has_value().
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The error; OK when has_value().
  Status status() const { return has_value() ? Status() : std::get<Status>(state_); }
  // REQUIRES: !has_value().
  const Status& error() const { return std::get<Status>(state_); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace logact

#define LOGACT_STATUS_CONCAT_INNER(a, b) a##b
#define LOGACT_STATUS_CONCAT(a, b) LOGACT_STATUS_CONCAT_INNER(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define LOGACT_TRY(expr)                          \
  do {                                            \
    ::logact::Status logact_try_status_ = (expr); \
    if (!logact_try_status_.ok()) {               \
      return logact_try_status_;                  \
    }                                             \
  } while (0)

// Evaluates `rexpr` (a Result<T>); on error returns its Status, else assigns the
// value to `lhs` (which may be a declaration: `auto x`).
#define LOGACT_ASSIGN_OR_RETURN(lhs, rexpr) \
  LOGACT_ASSIGN_OR_RETURN_IMPL(LOGACT_STATUS_CONCAT(logact_result_, __LINE__), lhs, rexpr)
#define LOGACT_ASSIGN_OR_RETURN_IMPL(result, lhs, rexpr) \
  auto result = (rexpr);                                 \
  if (!result.has_value()) {                             \
    return result.error();                               \
  }                                                      \
  lhs = std::move(result).value()
