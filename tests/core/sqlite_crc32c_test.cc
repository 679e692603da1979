// Tests of core/crc32c.h: the SSE4.2 and the portable slicing-by-8 paths agree
// with the CRC-32C catalogue and with each other, at every length and alignment.
#include "core/crc32c.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>

#include "core/sqlite_schema.h"

namespace logact {
namespace {

// The byte-at-a-time definition, the reference both fast paths must match.
uint32_t Reference(std::string_view data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1u) != 0 ? (crc >> 1) ^ sqlite_schema::kCrc32cPolynomial : crc >> 1;
    }
  }
  return crc ^ 0xFFFFFFFFu;
}

BOOST_AUTO_TEST_SUITE(SqliteCrc32c)

// Both paths give the catalogue check value and 0 for the empty input.
BOOST_AUTO_TEST_CASE(CheckValueOnEveryPath) {
  BOOST_CHECK_EQUAL(Crc32c("123456789"), sqlite_schema::kCrc32cCheckValue);
  BOOST_CHECK_EQUAL(crc32c_internal::Portable("123456789"), sqlite_schema::kCrc32cCheckValue);
  BOOST_CHECK_EQUAL(crc32c_internal::Portable(""), 0u);
  BOOST_CHECK_EQUAL(Crc32c(""), 0u);
  if (crc32c_internal::HardwareAvailable()) {
    BOOST_CHECK_EQUAL(crc32c_internal::Hardware("123456789"), sqlite_schema::kCrc32cCheckValue);
    BOOST_CHECK_EQUAL(crc32c_internal::Hardware(""), 0u);
  }
}

// Every length 0..300 at every offset 0..7 of a pseudo-random buffer: the fast paths equal
// the bitwise definition (covers the 8-byte loops, their tails and unaligned starts).
BOOST_AUTO_TEST_CASE(PathsAgreeAtEveryLengthAndAlignment) {
  std::string buffer(320, '\0');
  uint64_t state = 0x9E3779B97F4A7C15u;
  for (char& c : buffer) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    c = static_cast<char>(state >> 56);
  }
  const bool hardware = crc32c_internal::HardwareAvailable();
  int mismatches = 0;
  for (size_t offset = 0; offset < 8; ++offset) {
    for (size_t length = 0; length + offset <= 300; ++length) {
      const std::string_view data(buffer.data() + offset, length);
      const uint32_t expected = Reference(data);
      if (crc32c_internal::Portable(data) != expected) ++mismatches;
      if (hardware && crc32c_internal::Hardware(data) != expected) ++mismatches;
      if (Crc32c(data) != expected) ++mismatches;
    }
  }
  BOOST_CHECK_EQUAL(mismatches, 0);
  // The value depends on the bytes: flipping one bit changes it.
  std::string flipped = buffer;
  flipped[100] ^= 0x01;
  BOOST_CHECK_NE(Crc32c(flipped), Crc32c(buffer));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
