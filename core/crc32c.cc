// CRC-32C: see core/crc32c.h. Both paths keep the register in its
// pre-inverted form (initial value 0xFFFFFFFF, inverted again at the end), so
// they agree bit for bit; the tables are built at compile time from the
// persisted polynomial.
#include "core/crc32c.h"

#include <array>
#include <cstddef>
#include <cstring>

#include "core/sqlite_schema.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define LOGACT_CRC32C_X86 1
#include <nmmintrin.h>
#endif

namespace logact {
namespace {

using Tables = std::array<std::array<uint32_t, 256>, 8>;

// tables[0] is the byte-at-a-time table; tables[k][i] is the CRC of byte i
// followed by k zero bytes, so eight bytes are folded with eight lookups.
constexpr Tables MakeTables() {
  Tables tables{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1u) != 0 ? (crc >> 1) ^ sqlite_schema::kCrc32cPolynomial : crc >> 1;
    }
    tables[0][i] = crc;
  }
  for (size_t k = 1; k < tables.size(); ++k) {
    for (uint32_t i = 0; i < 256; ++i) {
      const uint32_t previous = tables[k - 1][i];
      tables[k][i] = (previous >> 8) ^ tables[0][previous & 0xFFu];
    }
  }
  return tables;
}
constexpr Tables kTables = MakeTables();

// Little-endian load whatever the host order (compilers turn it into one load on x86).
inline uint32_t Load32(const unsigned char* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

#ifdef LOGACT_CRC32C_X86
__attribute__((target("sse4.2"))) uint32_t HardwareImpl(const unsigned char* p, size_t n) {
  uint64_t crc = 0xFFFFFFFFu;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof(word));  // x86 is little-endian, as the CRC wants
    crc = _mm_crc32_u64(crc, word);
  }
  uint32_t crc32 = static_cast<uint32_t>(crc);
  for (; n > 0; ++p, --n) crc32 = _mm_crc32_u8(crc32, *p);
  return crc32 ^ 0xFFFFFFFFu;
}
#endif

}  // namespace

namespace crc32c_internal {

uint32_t Portable(std::string_view data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  uint32_t crc = 0xFFFFFFFFu;
  for (; n >= 8; p += 8, n -= 8) {
    const uint32_t low = crc ^ Load32(p);
    crc = kTables[7][low & 0xFFu] ^ kTables[6][(low >> 8) & 0xFFu] ^
          kTables[5][(low >> 16) & 0xFFu] ^ kTables[4][low >> 24] ^ kTables[3][p[4]] ^
          kTables[2][p[5]] ^ kTables[1][p[6]] ^ kTables[0][p[7]];
  }
  for (; n > 0; ++p, --n) crc = (crc >> 8) ^ kTables[0][(crc ^ *p) & 0xFFu];
  return crc ^ 0xFFFFFFFFu;
}

bool HardwareAvailable() {
#ifdef LOGACT_CRC32C_X86
  static const bool available = __builtin_cpu_supports("sse4.2") != 0;
  return available;
#else
  return false;
#endif
}

uint32_t Hardware(std::string_view data) {
#ifdef LOGACT_CRC32C_X86
  return HardwareImpl(reinterpret_cast<const unsigned char*>(data.data()), data.size());
#else
  return Portable(data);  // unreachable by contract; keeps the symbol on every platform
#endif
}

}  // namespace crc32c_internal

uint32_t Crc32c(std::string_view data) {
  if (crc32c_internal::HardwareAvailable()) return crc32c_internal::Hardware(data);
  return crc32c_internal::Portable(data);
}

}  // namespace logact
