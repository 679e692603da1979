#include <iostream>

#include "cli/command.h"

namespace logact::cli {

int ReportError(const Status& status) {
  std::cerr << "logact: " << status.message() << "\n";
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kCorruption:
      return kExitBadInput;
    default:
      // Internal errors and I/O failures are not a property verdict; 2 keeps
      // "1" meaning exactly "an invariant failed".
      return kExitBadInput;
  }
}

}  // namespace logact::cli
