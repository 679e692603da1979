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
//
// Containers are walked through their underlying std::map/std::vector and
// scalars read through get_ptr: the lookups that share actions call this for
// every intent, and nlohmann's iterators and generic operator== were most of
// its cost.
inline bool SameJson(const Json& a, const Json& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Json::value_t::object: {
      const auto& x = *a.get_ptr<const Json::object_t*>();
      const auto& y = *b.get_ptr<const Json::object_t*>();
      if (x.size() != y.size()) return false;
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
        if (i->first != j->first || !SameJson(i->second, j->second)) return false;
      }
      return true;
    }
    case Json::value_t::array: {
      const auto& x = *a.get_ptr<const Json::array_t*>();
      const auto& y = *b.get_ptr<const Json::array_t*>();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!SameJson(x[i], y[i])) return false;
      }
      return true;
    }
    case Json::value_t::string:
      return *a.get_ptr<const Json::string_t*>() == *b.get_ptr<const Json::string_t*>();
    case Json::value_t::number_float:
      return std::bit_cast<uint64_t>(*a.get_ptr<const Json::number_float_t*>()) ==
             std::bit_cast<uint64_t>(*b.get_ptr<const Json::number_float_t*>());
    case Json::value_t::number_integer:
      return *a.get_ptr<const Json::number_integer_t*>() ==
             *b.get_ptr<const Json::number_integer_t*>();
    case Json::value_t::number_unsigned:
      return *a.get_ptr<const Json::number_unsigned_t*>() ==
             *b.get_ptr<const Json::number_unsigned_t*>();
    case Json::value_t::boolean:
      return *a.get_ptr<const Json::boolean_t*>() == *b.get_ptr<const Json::boolean_t*>();
    case Json::value_t::null:
      return true;
    default:
      return false;  // binary and discarded values are never matched
  }
}

}  // namespace logact
