// Digest: the FNV-1a 64-bit hash behind every component's StateDigest().
//
// A component folds its replicated state (a pure function of the played log
// prefix) into a Digest field by field and reports Hex(): 16 lowercase hex
// digits. Two replicas that played the same prefix produce the same digest,
// on any machine: the hash depends only on the bytes fed in, never on
// pointers, hash seeds or iteration order of unordered containers (callers
// feed ordered containers only). Strings are length-prefixed and integers are
// fed as 8 little-endian bytes, so ("ab","c") and ("a","bc") differ.
//
// Not cryptographic: it detects divergence between honest replicas, nothing
// more. Thread-safety: a value type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace logact {

class Digest {
 public:
  // Persisted in traces (state records): do not change.
  static constexpr uint64_t kOffsetBasis = 0xcbf29ce484222325ull;
  static constexpr uint64_t kPrime = 0x100000001b3ull;

  Digest& AddInt(int64_t value);
  Digest& AddBool(bool value) { return AddInt(value ? 1 : 0); }
  // Feeds the length, then the bytes.
  Digest& AddString(std::string_view bytes);

  uint64_t value() const { return hash_; }
  // 16 lowercase hex digits.
  std::string Hex() const;

 private:
  void AddByte(uint8_t byte) {
    hash_ ^= byte;
    hash_ *= kPrime;
  }
  uint64_t hash_ = kOffsetBasis;
};

// 16 lowercase hex digits of `value`, most significant first.
std::string HexDigits(uint64_t value);

}  // namespace logact
