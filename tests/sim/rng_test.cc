// Tests of sim/rng.h: the generator is the reference algorithm, streams are
// independent, and bounded draws are unbiased.
#include "sim/rng.h"

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

namespace logact::sim {
namespace {

std::vector<uint64_t> Draw(Random& rng, size_t n) {
  std::vector<uint64_t> out;
  for (size_t i = 0; i < n; ++i) out.push_back(rng.NextU64());
  return out;
}

BOOST_AUTO_TEST_SUITE(Rng)

// Goal: xoshiro256** matches its reference implementation (state {1,2,3,4}).
BOOST_AUTO_TEST_CASE(XoshiroMatchesReferenceOutputs) {
  auto rng = ::logact::sim::Rng::TEST_FromState({1, 2, 3, 4});
  const std::vector<uint64_t> expected = {11520u, 0u, 1509978240u, 1215971899390074240u};
  BOOST_TEST(Draw(rng, 4) == expected, boost::test_tools::per_element());
}

// Goal: SplitMix64 and FNV-1a 64 match their published reference values.
BOOST_AUTO_TEST_CASE(SplitMixAndFnvMatchReferenceValues) {
  uint64_t state = 1234567;
  BOOST_TEST(SplitMix64Next(&state) == 6457827717110365317u);
  BOOST_TEST(SplitMix64Next(&state) == 3203168211198807973u);
  BOOST_TEST(SplitMix64Next(&state) == 9817491932198370423u);
  BOOST_TEST(Fnv1a64("") == 0xcbf29ce484222325u);
  BOOST_TEST(Fnv1a64("a") == 0xaf63dc4c8601ec8cu);
  BOOST_TEST(Fnv1a64("foobar") == 0x85944171f73967e8u);
  BOOST_TEST(Fnv1a64Extend(Fnv1a64("foo"), "bar") == Fnv1a64("foobar"));
}

// Goal: a fixed seed gives fixed first outputs (golden values computed by an
// independent Python implementation); changing them changes every trace.
BOOST_AUTO_TEST_CASE(SeededOutputsAreGolden) {
  ::logact::sim::Rng zero(0);
  const std::vector<uint64_t> zero_expected = {11091344671253066420u, 13793997310169335082u,
                                               1900383378846508768u};
  BOOST_TEST(Draw(zero, 3) == zero_expected, boost::test_tools::per_element());
  ::logact::sim::Rng answer(42);
  const std::vector<uint64_t> answer_expected = {1546998764402558742u, 6990951692964543102u,
                                                 12544586762248559009u};
  BOOST_TEST(Draw(answer, 3) == answer_expected, boost::test_tools::per_element());
  const SeedStreams streams(42);
  BOOST_TEST(streams.StreamSeed("scheduler") == 4799450595875705863u);
  auto scheduler = streams.Stream("scheduler");
  const std::vector<uint64_t> scheduler_expected = {4613286567621690776u, 1387169214707989495u};
  BOOST_TEST(Draw(scheduler, 2) == scheduler_expected, boost::test_tools::per_element());
}

// Goal: drawing from one stream, or creating another, never changes a stream's draws.
BOOST_AUTO_TEST_CASE(StreamsAreIndependent) {
  const SeedStreams streams(7);
  auto b_alone = streams.Stream("b");
  const std::vector<uint64_t> expected = Draw(b_alone, 100);

  auto a = streams.Stream("a");
  Draw(a, 1000);
  auto c = streams.Stream("new.fault.kind");
  Draw(c, 10);
  auto b_again = streams.Stream("b");
  BOOST_TEST(Draw(b_again, 100) == expected, boost::test_tools::per_element());

  // Distinct names and distinct seeds give distinct sequences.
  auto a_fresh = streams.Stream("a");
  BOOST_TEST(Draw(a_fresh, 4) != std::vector<uint64_t>(expected.begin(), expected.begin() + 4));
  auto b_other_seed = SeedStreams(8).Stream("b");
  BOOST_TEST(Draw(b_other_seed, 4) !=
             std::vector<uint64_t>(expected.begin(), expected.begin() + 4));
  BOOST_TEST(SeedStreams(1).StreamSeed("x") != SeedStreams(2).StreamSeed("x"));
}

// Goal: Uniform(6) hits every residue about equally often (each count within
// 5% of the mean over 60,000 draws; a biased draw such as x % 6 on a skewed
// source, or an off-by-one bound, fails this).
BOOST_AUTO_TEST_CASE(UniformIsUnbiased) {
  ::logact::sim::Rng rng(2024);
  std::array<int, 6> counts{};
  for (int i = 0; i < 60'000; ++i) {
    const uint64_t v = rng.Uniform(6);
    BOOST_REQUIRE(v < 6);
    ++counts[v];
  }
  for (int count : counts) {
    BOOST_TEST(count > 9'500);
    BOOST_TEST(count < 10'500);
  }
  // A bound just above 2^63 rejects almost half of the raw draws; results stay in range.
  const uint64_t big = (uint64_t{1} << 63) + 1;
  for (int i = 0; i < 1000; ++i) BOOST_REQUIRE(rng.Uniform(big) < big);
}

// Replays a script of raw draws (each once, in order).
class ScriptedRandom final : public Random {
 public:
  explicit ScriptedRandom(std::vector<uint64_t> draws) : draws_(std::move(draws)) {}
  uint64_t NextU64() override {
    BOOST_REQUIRE(next_ < draws_.size());
    return draws_[next_++];
  }
  size_t used() const { return next_; }

 private:
  std::vector<uint64_t> draws_;
  size_t next_ = 0;
};

// Goal: Uniform rejects exactly the raw draws below 2^64 mod bound and maps
// the others to draw % bound (the values traces depend on), including the
// draws below the bound, where the threshold has to be computed. Method:
// scripted draws around the threshold for a small bound (2^64 mod 3 = 1) and
// a bound past 2^63 (2^64 mod (2^63 + 1) = 2^63 - 1).
BOOST_AUTO_TEST_CASE(UniformRejectsExactlyTheDrawsBelowTheThreshold) {
  struct Case {
    uint64_t bound;
    std::vector<uint64_t> draws;
    uint64_t expected;
    size_t used;
  };
  const uint64_t half = uint64_t{1} << 63;
  const Case cases[] = {
      {3, {0, 0, 5}, 2, 3},  // 0 < threshold 1: rejected twice
      {3, {1}, 1, 1},        // the threshold itself is accepted
      {3, {2}, 2, 1},        // below the bound, above the threshold
      {3, {UINT64_MAX}, UINT64_MAX % 3, 1},
      {half + 1, {half - 2, 7, half - 1}, half - 1, 3},  // 7 and 2^63 - 2 < 2^63 - 1
      {half + 1, {half + 1}, 0, 1},
      {half + 1, {UINT64_MAX}, UINT64_MAX % (half + 1), 1},
      {1, {0}, 0, 1},
  };
  for (const Case& c : cases) {
    ScriptedRandom random(c.draws);
    BOOST_TEST(random.Uniform(c.bound) == c.expected, "bound " << c.bound);
    BOOST_TEST(random.used() == c.used, "bound " << c.bound);
  }
}

// Goal: UniformInRange covers both ends of a closed range and nothing outside.
BOOST_AUTO_TEST_CASE(UniformInRangeIsInclusive) {
  ::logact::sim::Rng rng(5);
  std::array<int, 5> counts{};
  for (int i = 0; i < 5'000; ++i) {
    const int64_t v = rng.UniformInRange(-2, 2);
    BOOST_REQUIRE(v >= -2);
    BOOST_REQUIRE(v <= 2);
    ++counts[v + 2];
  }
  for (int count : counts) BOOST_TEST(count > 800);
  BOOST_TEST(rng.UniformInRange(9, 9) == 9);
}

// Goal: Chance(Ratio) is exact at 0 and 1 (and draws nothing at 0, so a
// fault rate of zero never moves its stream), and close to n/d otherwise.
BOOST_AUTO_TEST_CASE(ChanceFollowsTheRatio) {
  ::logact::sim::Rng rng(11);
  ::logact::sim::Rng twin(11);
  for (int i = 0; i < 1000; ++i) {
    BOOST_REQUIRE(!rng.Chance(Ratio{0, 1}));
    BOOST_REQUIRE(rng.Chance(Ratio{3, 3}));
  }
  BOOST_TEST(rng.NextU64() == twin.NextU64());  // neither edge consumed a draw
  int hits = 0;
  for (int i = 0; i < 40'000; ++i) hits += rng.Chance(Ratio{1, 4}) ? 1 : 0;
  BOOST_TEST(hits > 9'600);
  BOOST_TEST(hits < 10'400);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::sim
