#include "sim/rng.h"

#include "core/assert.h"

namespace logact::sim {
namespace {
constexpr uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ull;
constexpr uint64_t kFnvPrime = 0x100000001b3ull;
constexpr uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ull;

uint64_t RotateLeft(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

uint64_t Fnv1a64Extend(uint64_t hash, std::string_view bytes) {
  for (const char c : bytes) {
    hash ^= static_cast<uint8_t>(c);
    hash *= kFnvPrime;
  }
  return hash;
}

uint64_t Fnv1a64(std::string_view bytes) { return Fnv1a64Extend(kFnvOffsetBasis, bytes); }

uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t SplitMix64Next(uint64_t* state) {
  *state += kGoldenGamma;
  return Mix64(*state);
}

Rng::Rng(uint64_t seed) {
  uint64_t sm = seed;
  for (uint64_t& word : state_) word = SplitMix64Next(&sm);
  // SplitMix64 is a bijection of its counter, so four consecutive outputs
  // cannot all be zero; assert it anyway since xoshiro would be stuck at zero.
  LOGACT_ASSERT((state_[0] | state_[1] | state_[2] | state_[3]) != 0);
}

Rng Rng::TEST_FromState(const std::array<uint64_t, 4>& state) {
  LOGACT_ASSERT((state[0] | state[1] | state[2] | state[3]) != 0);
  Rng rng;
  rng.state_ = state;
  return rng;
}

uint64_t Rng::NextU64() {
  const uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
  const uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = RotateLeft(state_[3], 45);
  return result;
}

uint64_t SeedStreams::StreamSeed(std::string_view name) const {
  return Mix64(seed_ ^ Mix64(Fnv1a64(name)) ^ kGoldenGamma);
}

}  // namespace logact::sim
