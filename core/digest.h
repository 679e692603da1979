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

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace logact {

class Digest {
 public:
  // Persisted in traces (state records): do not change.
  static constexpr uint64_t kOffsetBasis = 0xcbf29ce484222325ull;
  static constexpr uint64_t kPrime = 0x100000001b3ull;

  // Feeds the 8 little-endian bytes of the two's-complement value.
  Digest& AddInt(int64_t value) {
    // Independent of the host. Feeding a zero byte is h -> h * P, so the
    // zero bytes above the highest non-zero one fold into one multiply by
    // P^k: the same hash with 1-2 dependent multiplies instead of 8 for the
    // small counts and positions that most calls feed.
    int fed = 0;
    for (auto rest = static_cast<uint64_t>(value); rest != 0; rest >>= 8, ++fed) {
      AddByte(static_cast<uint8_t>(rest));
    }
    hash_ *= kPrimePowers[static_cast<size_t>(8 - fed)];
    return *this;
  }
  Digest& AddBool(bool value) { return AddInt(value ? 1 : 0); }
  // Feeds the length, then the bytes.
  Digest& AddString(std::string_view bytes);
  // Feeds the bytes alone, without their length (what AddString does after
  // the length). Callers that split one string into parts use it.
  Digest& AddBytes(std::string_view bytes);

  uint64_t value() const { return hash_; }
  // 16 lowercase hex digits.
  std::string Hex() const;

 private:
  static constexpr std::array<uint64_t, 9> kPrimePowers = [] {
    std::array<uint64_t, 9> powers{};
    uint64_t power = 1;
    for (uint64_t& p : powers) {
      p = power;
      power *= kPrime;
    }
    return powers;
  }();

  void AddByte(uint8_t byte) {
    hash_ ^= byte;
    hash_ *= kPrime;
  }
  uint64_t hash_ = kOffsetBasis;

  friend class DigestMemo;
};

// DigestMemo: Digest::AddBytes for byte strings that recur (a long
// conversation repeats its replies and tool outputs task after task), in a
// compare and a multiply per repeat instead of a multiply per byte. The
// result is exactly that of AddBytes: the memo changes the work, not the hash.
//
// Why it is exact: one FNV-1a step h -> (h ^ b) * P turns h ^ b into h + e
// where e depends only on h's low byte, and the low byte of the result
// depends only on h's low byte too. By induction, feeding the n bytes of T
// turns h into h * P^n + C_T(h mod 256). For the last kStrings distinct
// strings of at least kBytesMin bytes the memo keeps P^n and C_T of each low
// byte met so far (found by feeding T once from that low byte); anything
// else is fed byte by byte.
//
// Determinism: lookups scan in insertion order; no hashing, no addresses.
// Thread-safety: none.
class DigestMemo {
 public:
  static constexpr size_t kStrings = 32;
  // Shorter strings are fed directly: a look-up would cost about as much.
  static constexpr size_t kBytesMin = 16;

  // Same as digest->AddBytes(bytes).
  void AddBytes(Digest* digest, std::string_view bytes);

 private:
  struct Known {
    std::string bytes;
    uint64_t power = 1;                 // P^n, n = bytes.size()
    std::array<uint64_t, 256> offsets;  // C_T(low byte), where `has` is set
    std::bitset<256> has;
  };
  Known& Find(std::string_view bytes);

  std::vector<std::unique_ptr<Known>> known_;  // at most kStrings
  size_t next_ = 0;                            // replaced next once known_ is full
};

// 16 lowercase hex digits of `value`, most significant first.
std::string HexDigits(uint64_t value);

}  // namespace logact
