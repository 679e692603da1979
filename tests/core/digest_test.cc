// Tests for core/digest.h: the FNV-1a digest and DigestMemo.
#include "core/digest.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace logact {
namespace {

// A small deterministic generator (SplitMix64), so the test needs no seed stream.
struct SplitMix {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};

BOOST_AUTO_TEST_SUITE(DigestTest)

BOOST_AUTO_TEST_CASE(KnownValues) {
  // Goal: the digest is FNV-1a 64 over length-prefixed strings and LE integers
  // (persisted in traces). Method: values of the reference algorithm.
  BOOST_TEST(Digest().Hex() == "cbf29ce484222325");
  BOOST_TEST(Digest().AddBytes("a").Hex() == "af63dc4c8601ec8c");  // FNV-1a 64 of "a"
  Digest by_parts;
  by_parts.AddInt(3).AddBytes("abc");
  BOOST_TEST(by_parts.value() == Digest().AddString("abc").value());
}

BOOST_AUTO_TEST_CASE(AddIntFeedsItsEightLittleEndianBytes) {
  // Goal: AddInt, which folds the high zero bytes into one multiply, hashes
  // exactly its 8 little-endian bytes. Method: against AddBytes of those
  // bytes, from varied starting states, for edge values and every bit width.
  std::vector<int64_t> values = {0,
                                 1,
                                 -1,
                                 255,
                                 256,
                                 65535,
                                 65536,
                                 INT64_MAX,
                                 INT64_MIN,
                                 0x0100000000000000,
                                 0x00ff00ff00ff00ff};
  SplitMix rng{7};
  for (int bits = 1; bits <= 64; ++bits) {
    for (int i = 0; i < 50; ++i) {
      const uint64_t r = rng.Next();
      values.push_back(static_cast<int64_t>(bits == 64 ? r : r & ((uint64_t{1} << bits) - 1)));
    }
  }
  for (const int64_t value : values) {
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i) {
      bytes[static_cast<size_t>(i)] = static_cast<char>(static_cast<uint64_t>(value) >> (8 * i));
    }
    for (const char* prefix : {"", "x", "state"}) {
      Digest folded;
      Digest fed;
      folded.AddBytes(prefix).AddInt(value);
      fed.AddBytes(prefix).AddBytes(bytes);
      BOOST_TEST(folded.value() == fed.value(), "value " << value << " prefix '" << prefix << "'");
    }
  }
}

BOOST_AUTO_TEST_CASE(MemoFeedsExactlyLikeAddBytes) {
  // Goal: DigestMemo::AddBytes gives the digest of Digest::AddBytes for every
  // state and string: new strings, repeats with known and new low bytes,
  // strings below kBytesMin, and more strings than it remembers. Method: the
  // same random sequence of (state, string) fed both ways, compared each time.
  SplitMix rng{20261126};
  std::vector<std::string> pool;
  for (size_t i = 0; i < DigestMemo::kStrings + 8; ++i) {
    std::string text(rng.Next() % 200, '\0');
    for (char& c : text) c = static_cast<char>(rng.Next());
    pool.push_back(std::move(text));
  }
  pool.push_back(std::string(DigestMemo::kBytesMin, 'x'));
  pool.push_back(std::string(DigestMemo::kBytesMin - 1, 'y'));
  DigestMemo memo;
  Digest simple;
  Digest memoized;
  for (int i = 0; i < 20000; ++i) {
    // Mostly a few recurring strings (the memo's case), sometimes any of them.
    const std::string& text = pool[rng.Next() % (i % 7 == 0 ? pool.size() : 5)];
    if (i % 3 == 0) {
      const int64_t value = static_cast<int64_t>(rng.Next());
      simple.AddInt(value);
      memoized.AddInt(value);
    }
    simple.AddBytes(text);
    memo.AddBytes(&memoized, text);
    BOOST_TEST_REQUIRE(memoized.value() == simple.value(), "at step " << i);
  }
}

BOOST_AUTO_TEST_CASE(MemoCoversEveryLowByte) {
  // Goal: each of the 256 low bytes of the state gives the exact result, both
  // when it is first met and when it is met again. Method: random states fed
  // the same string until every low byte has been met twice.
  SplitMix rng{7};
  const std::string text = "ok: {\"message\":\"Transaction to UK12345678901234567890 sent.\"}";
  DigestMemo memo;
  std::vector<int> met(256, 0);
  int covered = 0;
  for (int i = 0; covered < 256 && i < 100000; ++i) {
    Digest simple;
    simple.AddInt(static_cast<int64_t>(rng.Next()));
    const uint64_t low = simple.value() & 0xff;
    Digest memoized = simple;
    simple.AddBytes(text);
    memo.AddBytes(&memoized, text);
    BOOST_TEST_REQUIRE(memoized.value() == simple.value(), "low byte " << low);
    if (++met[low] == 2) ++covered;
  }
  BOOST_TEST(covered == 256);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
