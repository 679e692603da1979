#include "core/random.h"

#include "core/assert.h"

namespace logact {

uint64_t Random::Uniform(uint64_t bound) {
  LOGACT_ASSERT_GT(bound, 0u);
  // Reject the draws below threshold = 2^64 mod bound, so that every residue
  // is equally likely. threshold < bound, so a draw >= bound (all but a
  // bound / 2^64 share of them) is accepted without computing it: the same
  // values, one 64-bit division fewer per call.
  for (;;) {
    const uint64_t r = NextU64();
    if (r >= bound || r >= (0 - bound) % bound) return r % bound;
  }
}

int64_t Random::UniformInRange(int64_t low, int64_t high) {
  LOGACT_ASSERT_LE(low, high);
  const uint64_t span = static_cast<uint64_t>(high) - static_cast<uint64_t>(low);
  if (span == UINT64_MAX) return static_cast<int64_t>(NextU64());
  return static_cast<int64_t>(static_cast<uint64_t>(low) + Uniform(span + 1));
}

bool Random::Chance(Ratio ratio) {
  LOGACT_ASSERT_GT(ratio.denominator, 0u);
  LOGACT_ASSERT_LE(ratio.numerator, ratio.denominator);
  if (ratio.numerator == 0) return false;
  if (ratio.numerator == ratio.denominator) return true;
  return Uniform(ratio.denominator) < ratio.numerator;
}

}  // namespace logact
