#include "core/digest.h"

#include <utility>

#include "core/assert.h"

namespace logact {

Digest& Digest::AddString(std::string_view bytes) {
  AddInt(static_cast<int64_t>(bytes.size()));
  return AddBytes(bytes);
}

Digest& Digest::AddBytes(std::string_view bytes) {
  for (char c : bytes) AddByte(static_cast<uint8_t>(c));
  return *this;
}

DigestMemo::Known& DigestMemo::Find(std::string_view bytes) {
  for (const std::unique_ptr<Known>& known : known_) {
    if (known->bytes == bytes) return *known;
  }
  auto made = std::make_unique<Known>();
  made->bytes = std::string(bytes);
  for (size_t i = 0; i < bytes.size(); ++i) made->power *= Digest::kPrime;
  if (known_.size() < kStrings) {
    known_.push_back(std::move(made));
    return *known_.back();
  }
  LOGACT_ASSERT_LT(next_, kStrings);
  const size_t slot = next_;
  next_ = (next_ + 1) % kStrings;
  known_[slot] = std::move(made);
  return *known_[slot];
}

void DigestMemo::AddBytes(Digest* digest, std::string_view bytes) {
  if (bytes.size() < kBytesMin) {
    digest->AddBytes(bytes);
    return;
  }
  Known& known = Find(bytes);
  const uint64_t low = digest->hash_ & 0xff;
  if (!known.has[low]) {
    // C_T(low) = f_T(low) - low * P^n: f_T of the state whose only bits are `low`.
    Digest from_low;
    from_low.hash_ = low;
    from_low.AddBytes(bytes);
    known.offsets[low] = from_low.hash_ - low * known.power;
    known.has.set(low);
  }
  digest->hash_ = digest->hash_ * known.power + known.offsets[low];
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
