#include "core/digest.h"

namespace logact {

Digest& Digest::AddInt(int64_t value) {
  // Little-endian bytes of the two's-complement value: independent of the host.
  const auto bits = static_cast<uint64_t>(value);
  for (int i = 0; i < 8; ++i) AddByte(static_cast<uint8_t>(bits >> (8 * i)));
  return *this;
}

Digest& Digest::AddString(std::string_view bytes) {
  AddInt(static_cast<int64_t>(bytes.size()));
  for (char c : bytes) AddByte(static_cast<uint8_t>(c));
  return *this;
}

std::string Digest::Hex() const { return HexDigits(hash_); }

std::string HexDigits(uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kDigits[value & 0xf];
    value >>= 4;
  }
  return out;
}

}  // namespace logact
