// Random: seeded randomness, named at the call site.
//
// Every random decision in the engine and simulator is drawn from a Random.
// The simulator splits one seed into named streams (sim/rng.h), so adding a
// draw to one stream never reshuffles another. Only portable draws exist here:
// no std::*_distribution (they differ between standard libraries) and no
// floating point; probabilities are integer ratios.
#pragma once

#include <cstdint>

namespace logact {

// numerator / denominator, 0 <= numerator <= denominator, denominator > 0.
struct Ratio {
  uint64_t numerator = 0;
  uint64_t denominator = 1;
  bool IsZero() const { return numerator == 0; }
  friend bool operator==(const Ratio&, const Ratio&) = default;
};

class Random {
 public:
  virtual ~Random() = default;
  // 64 uniformly distributed bits.
  virtual uint64_t NextU64() = 0;

  // Uniform in [0, bound). REQUIRES: bound > 0. Unbiased (rejection sampling).
  uint64_t Uniform(uint64_t bound);
  // Uniform in [low, high]. REQUIRES: low <= high.
  int64_t UniformInRange(int64_t low, int64_t high);
  // True with probability ratio.numerator / ratio.denominator.
  bool Chance(Ratio ratio);
};

}  // namespace logact
