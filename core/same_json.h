// SameJson: exact equality of two JSON values, for caches that must hand back
// a value indistinguishable from the one looked up.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

#include "core/json.h"

namespace logact {

// Exact equality of two JSON values: same types throughout (1 is not 1.0 and
// not 1u), doubles bit for bit (0.0 is not -0.0), so that equal values dump
// to equal text. nlohmann's operator== compares numbers across types.
inline bool SameJson(const Json& a, const Json& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Json::value_t::object: {
      if (a.size() != b.size()) return false;
      for (auto x = a.begin(), y = b.begin(); x != a.end(); ++x, ++y) {
        if (x.key() != y.key() || !SameJson(*x, *y)) return false;
      }
      return true;
    }
    case Json::value_t::array: {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (!SameJson(a[i], b[i])) return false;
      }
      return true;
    }
    case Json::value_t::number_float:
      return std::bit_cast<uint64_t>(a.get<double>()) == std::bit_cast<uint64_t>(b.get<double>());
    case Json::value_t::null:
    case Json::value_t::boolean:
    case Json::value_t::string:
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return a == b;
    default:
      return false;  // binary and discarded values are never matched
  }
}

}  // namespace logact
