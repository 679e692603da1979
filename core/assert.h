// Assertions that find LogAct Sim's own bugs. They stay on in every build mode
// (never <cassert>, which vanishes in release), print both operands, and abort.
// A checker never asserts on a user's trace: bad input is a Status, a violated
// invariant is a verdict. Assertions are for our invariants only.
//
// LOGACT_MAYBE(cond) documents a condition that is sometimes true and sometimes
// false; it compiles to nothing but states the negative space for a reader.
#pragma once

#include <sstream>
#include <string>

namespace logact {

// Prints "file:line: assertion failed: what" plus the registered repro context
// (seed and command, set by the simulator) to stderr and aborts.
[[noreturn]] void AssertFail(const char* file, int line, const std::string& what);

// The simulator registers "seed=N; repro: logact sim ..." here so that an
// assertion deep in a component names the run that reached it.
void SetAssertContext(std::string context);

}  // namespace logact

#define LOGACT_ASSERT(cond)                                  \
  do {                                                       \
    if (!(cond)) ::logact::AssertFail(__FILE__, __LINE__, #cond); \
  } while (0)

#define LOGACT_ASSERT_OP_(a, op, b)                                                 \
  do {                                                                              \
    const auto& logact_a_ = (a);                                                    \
    const auto& logact_b_ = (b);                                                    \
    if (!(logact_a_ op logact_b_)) {                                                \
      std::ostringstream logact_os_;                                                \
      logact_os_ << #a " " #op " " #b " (" << logact_a_ << " vs " << logact_b_ << ")"; \
      ::logact::AssertFail(__FILE__, __LINE__, logact_os_.str());                   \
    }                                                                               \
  } while (0)

#define LOGACT_ASSERT_EQ(a, b) LOGACT_ASSERT_OP_(a, ==, b)
#define LOGACT_ASSERT_NE(a, b) LOGACT_ASSERT_OP_(a, !=, b)
#define LOGACT_ASSERT_LT(a, b) LOGACT_ASSERT_OP_(a, <, b)
#define LOGACT_ASSERT_LE(a, b) LOGACT_ASSERT_OP_(a, <=, b)
#define LOGACT_ASSERT_GT(a, b) LOGACT_ASSERT_OP_(a, >, b)
#define LOGACT_ASSERT_GE(a, b) LOGACT_ASSERT_OP_(a, >=, b)
#define LOGACT_MAYBE(cond) static_cast<void>(sizeof(static_cast<bool>(cond)))
