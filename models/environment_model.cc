#include "models/environment_model.h"

#include <cstdint>

#include "core/assert.h"

namespace logact::models {

std::string EnvironmentModel::StateDigest() const { return DigestOfJson(StateJson()); }

std::optional<Action> EnvironmentModel::RecoveryProbe(const Action& /*action*/) const {
  return std::nullopt;
}

std::optional<bool> EnvironmentModel::ProbeShowsApplied(const Action& /*action*/, bool /*ok*/,
                                                        const Json& /*output*/,
                                                        int64_t /*applied_before*/) const {
  return std::nullopt;
}

std::string DigestOfJson(const Json& state) {
  // FNV-1a 64: tiny, portable and byte-order independent. It is not
  // collision resistant, which is fine: digests compare states that a
  // deterministic run produced, not adversarial inputs.
  constexpr uint64_t kOffsetBasis = 14695981039346656037ull;
  constexpr uint64_t kPrime = 1099511628211ull;
  uint64_t hash = kOffsetBasis;
  for (unsigned char byte : CompactJson(state)) {
    hash ^= byte;
    hash *= kPrime;
  }
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string digest(16, '0');
  for (int i = 15; i >= 0; --i) {
    digest[static_cast<size_t>(i)] = kHexDigits[hash & 0xf];
    hash >>= 4;
  }
  LOGACT_ASSERT_EQ(digest.size(), size_t{16});
  return digest;
}

Json ToolSchemasToJson(const ToolSchemas& schemas) {
  Json out = Json::object();
  for (const auto& [tool, schema] : schemas) {
    Json args = Json::object();
    for (const auto& [name, arg] : schema.args) {
      args[name] = std::string(ArgTypeName(arg.type)) + (arg.optional ? "?" : "");
    }
    Json entry = {{"args", std::move(args)}, {"writes", schema.writes}};
    if (schema.idempotent) entry["idempotent"] = true;
    out[tool] = std::move(entry);
  }
  return out;
}

}  // namespace logact::models
