// The simulator's portable pseudo-random generator and its named streams (SPEC §4).
//
// One seed determines a whole simulation. SeedStreams splits it into named,
// independent streams: the seed of stream "scheduler" is a function of
// (seed, "scheduler") only, computed from a stable hash of the name (FNV-1a 64)
// mixed with the seed through SplitMix64. Adding a new stream, or drawing more
// from one, therefore never changes the draws of another stream.
//
// Rng is xoshiro256** (Blackman and Vigna), with its 256-bit state filled from
// a 64-bit seed by SplitMix64 as its authors recommend. Everything is integer
// arithmetic on uint64_t with defined wrap-around, so the same seed yields the
// same numbers with every compiler, standard library and machine: no
// std::*_distribution, no floating point. Bounded draws come from
// core/random.h (rejection sampling, unbiased).
//
// The values produced for a given seed are part of the trace format: changing
// any constant here changes every recorded simulation. Do not change them.
//
// Thread-safety: none; an Rng is a value owned by one user.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/random.h"

namespace logact::sim {

// FNV-1a 64 of `bytes` (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
uint64_t Fnv1a64(std::string_view bytes);
// Continues an FNV-1a 64 hash `hash` over `bytes` (for hashing several pieces).
uint64_t Fnv1a64Extend(uint64_t hash, std::string_view bytes);

// The SplitMix64 finaliser: a bijective mix of 64 bits with good avalanche.
uint64_t Mix64(uint64_t value);
// One SplitMix64 step: advances *state by the golden-ratio increment and
// returns the mixed value.
uint64_t SplitMix64Next(uint64_t* state);

// xoshiro256**, seeded by SplitMix64.
class Rng final : public Random {
 public:
  // The state is four successive SplitMix64 outputs starting from `seed`
  // (never all zero, which is xoshiro's one forbidden state).
  explicit Rng(uint64_t seed);
  uint64_t NextU64() override;

  // A generator with exactly this xoshiro state, to check the algorithm
  // against its reference outputs. REQUIRES: not all zero.
  static Rng TEST_FromState(const std::array<uint64_t, 4>& state);

 private:
  Rng() = default;
  std::array<uint64_t, 4> state_{};
};

// Derives independent named streams from one seed.
class SeedStreams {
 public:
  explicit SeedStreams(uint64_t seed) : seed_(seed) {}
  uint64_t seed() const { return seed_; }
  // The seed of stream `name`: Mix64(seed ^ Mix64(Fnv1a64(name)) ^ golden gamma).
  // The outer mix makes neighbouring seeds give unrelated streams.
  uint64_t StreamSeed(std::string_view name) const;
  // A fresh generator for stream `name`. Two calls with one name return
  // generators that produce the same sequence.
  Rng Stream(std::string_view name) const { return Rng(StreamSeed(name)); }

 private:
  uint64_t seed_;
};

}  // namespace logact::sim
