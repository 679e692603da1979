#include "core/assert.h"

#include <cstdio>
#include <cstdlib>

namespace logact {
namespace {
std::string& AssertContext() {
  static std::string context;
  return context;
}
}  // namespace

void SetAssertContext(std::string context) { AssertContext() = std::move(context); }

void AssertFail(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "%s:%d: assertion failed: %s\n", file, line, what.c_str());
  if (!AssertContext().empty()) std::fprintf(stderr, "  %s\n", AssertContext().c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace logact
