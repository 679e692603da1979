// The native half of the Z3 trace checker: reads records into numbers and
// replays the log prefix only where the context needs it (acceptance,
// fencing, the policy in force). No invariant is judged here.
#include "verify/trace_facts.h"

#include <limits>
#include <string>
#include <unordered_map>

#include "core/access_control.h"
#include "core/fencing.h"
#include "core/policy_state.h"
#include "core/safety_spec.h"
#include "traces/trace_format.h"

namespace logact::verify {
namespace {

// Interns strings to dense ids (first seen, first numbered).
class Interner {
 public:
  int64_t Id(const std::string& text) {
    const auto [it, inserted] = ids_.emplace(text, static_cast<int64_t>(ids_.size()));
    return it->second;
  }

 private:
  std::unordered_map<std::string, int64_t> ids_;  // never iterated: ids are insertion order
};

// JSON equality treats 1, 1u and 1.0 as equal: canonicalise numbers so that
// equal values print equally, then intern the dump.
Json CanonicalNumbers(const Json& json) {
  if (json.is_object()) {
    Json out = Json::object();
    for (auto it = json.begin(); it != json.end(); ++it) out[it.key()] = CanonicalNumbers(*it);
    return out;
  }
  if (json.is_array()) {
    Json out = Json::array();
    for (const Json& item : json) out.push_back(CanonicalNumbers(item));
    return out;
  }
  if (json.is_number_unsigned() &&
      json.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Json(static_cast<int64_t>(json.get<uint64_t>()));
  }
  if (json.is_number_float()) {
    const double value = json.get<double>();
    if (value >= -9.2e18 && value <= 9.2e18 &&
        value == static_cast<double>(static_cast<int64_t>(value))) {
      return Json(static_cast<int64_t>(value));
    }
  }
  return json;
}

int RoleOf(std::string_view author, std::string_view* name) {
  const size_t slash = author.find('/');
  if (slash == std::string_view::npos || slash + 1 >= author.size()) return -1;
  for (const Role candidate : {Role::kDriver, Role::kVoter, Role::kDecider, Role::kExecutor,
                               Role::kAdmin, Role::kExternal}) {
    if (RoleName(candidate) == author.substr(0, slash)) {
      *name = author.substr(slash + 1);
      return static_cast<int>(candidate);
    }
  }
  return -1;
}

PolicyFacts PolicyFactsOf(const PolicyState& state, Interner* types) {
  PolicyFacts facts;
  facts.policy = state.decider();
  facts.kind = facts.policy.kind;
  facts.types_listed = facts.policy.types_listed;
  facts.k = facts.policy.k;
  facts.timeout_ms = facts.policy.timeout_ms;
  facts.version = state.version();
  for (const std::string& type : facts.policy.types) facts.types.push_back(types->Id(type));
  return facts;
}

// The replay of the context: acceptance, election and policy state.
struct Context {
  Position expected = 0;
  ElectionState election;
  PolicyState policy;
  std::map<Position, int64_t> accepted_at;  // position -> record index
  std::map<int64_t, size_t> intent_of_record;
};

void EntryFacts(const Entry& entry, int64_t index, Context* context, Interner* names,
                Interner* types, Interner* actions, TraceFacts* facts) {
  RecordFacts& record = facts->records.back();
  record.kind = FactKind::kEntry;
  record.pos = entry.pos;
  record.type = static_cast<int>(entry.type);
  record.ts = entry.ts;
  std::string_view author_name;
  record.role = RoleOf(entry.author, &author_name);
  if (record.role >= 0) record.author_name = names->Id(std::string(author_name));
  std::string_view field;
  if (const std::string* named = NamedPrincipal(entry, &field)) record.named = names->Id(*named);
  record.accepted =
      entry.pos != std::numeric_limits<Position>::max() && entry.pos >= context->expected;
  if (record.accepted) {
    context->expected = entry.pos + 1;
    context->accepted_at[entry.pos] = index;
  }
  switch (entry.type) {
    case EntryType::kIntent:
      record.action = actions->Id(entry.intent().action.tool + '\0' +
                                  CanonicalNumbers(entry.intent().action.args).dump());
      if (record.accepted) {
        IntentFacts intent;
        intent.record = index;
        intent.fenced = context->election.IsFenced(entry.intent());
        record.fenced = intent.fenced;
        intent.policy = PolicyFactsOf(context->policy, types);
        context->intent_of_record[index] = facts->intents.size();
        facts->intents.push_back(std::move(intent));
      }
      break;
    case EntryType::kVote:
      record.has_ref = true;
      record.ref = entry.vote().intent;
      record.approve = entry.vote().approve;
      record.vote_type = types->Id(entry.vote().voter_type);
      break;
    case EntryType::kCommit:
    case EntryType::kAbort:
      record.has_ref = true;
      record.ref = entry.decision().intent;
      record.timeout = entry.type == EntryType::kAbort && entry.decision().timeout;
      break;
    case EntryType::kResult:
      record.restart = entry.result().restart;
      record.has_ref = !(record.restart && entry.result().intent == kNoPosition);
      record.ref = entry.result().intent;
      break;
    case EntryType::kElect:
      if (record.accepted) (void)context->election.Apply(entry.elect());
      break;
    case EntryType::kPolicy:
      record.version = entry.policy().version;
      record.expected = entry.policy().expected_version;
      if (record.accepted) (void)context->policy.Apply(entry.policy());
      break;
    default:
      break;
  }
}

void ReplayEnvironment(const traces::EffectRecord& effect, models::EnvironmentModel* model) {
  const auto schema = model->schemas().find(effect.action.tool);
  if (schema == model->schemas().end() || !schema->second.writes) return;
  ToolCall call;
  call.action = &effect.action;
  call.intent = effect.intent;
  if (effect.extra.is_object()) {
    const auto key = effect.extra.find(std::string(traces::kFieldIdempotencyKey));
    if (key != effect.extra.end() && key->is_string())
      call.idempotency_key = key->get<std::string>();
  }
  (void)model->Execute(call);
}

// Sorts each referencing record under the intent its reference lands on.
void AttachReferences(Context* context, TraceFacts* facts) {
  for (size_t index = 0; index < facts->records.size(); ++index) {
    RecordFacts& record = facts->records[index];
    if (!record.has_ref) continue;
    if (record.kind == FactKind::kEntry && !record.accepted) continue;
    const auto at = context->accepted_at.find(record.ref);
    if (at == context->accepted_at.end()) continue;
    record.target = at->second;
    const auto intent_index = context->intent_of_record.find(at->second);
    if (intent_index == context->intent_of_record.end()) continue;
    IntentFacts& intent = facts->intents[intent_index->second];
    const int64_t i = static_cast<int64_t>(index);
    if (record.kind == FactKind::kEffect) {
      intent.effects.push_back(i);
    } else if (record.type == static_cast<int>(EntryType::kVote)) {
      intent.votes.push_back(i);
      intent.votes_by_type[record.vote_type].push_back(i);
    } else if (record.type == static_cast<int>(EntryType::kResult)) {
      intent.results.push_back(i);
    } else {
      intent.decisions.push_back(i);
    }
  }
}

}  // namespace

TraceFacts BuildTraceFacts(const std::vector<traces::TraceRecord>& records,
                           const properties::CheckOptions& options) {
  TraceFacts facts;
  facts.records.reserve(records.size());
  Context context;
  Interner names, types, actions, digests;
  std::unique_ptr<models::EnvironmentModel> model;
  if (options.make_environment) model = options.make_environment();
  facts.has_spec = options.spec != nullptr;
  facts.has_environment = model != nullptr;
  for (size_t index = 0; index < records.size(); ++index) {
    facts.records.emplace_back();
    RecordFacts& record = facts.records.back();
    record.line = static_cast<int64_t>(index) + 2;
    const traces::TraceRecord& source = records[index];
    if (const Entry* entry = std::get_if<Entry>(&source)) {
      EntryFacts(*entry, static_cast<int64_t>(index), &context, &names, &types, &actions, &facts);
    } else if (const auto* effect = std::get_if<traces::EffectRecord>(&source)) {
      ++facts.effects;
      record.kind = FactKind::kEffect;
      record.ts = effect->ts;
      record.has_ref = true;
      record.ref = effect->intent;
      record.action =
          actions.Id(effect->action.tool + '\0' + CanonicalNumbers(effect->action.args).dump());
      record.forbidden = options.spec != nullptr && IsForbidden(*options.spec, effect->action);
      if (model != nullptr) ReplayEnvironment(*effect, model.get());
    } else if (const auto* state = std::get_if<traces::StateRecord>(&source)) {
      record.kind = FactKind::kState;
      if (state->target == traces::kEnvTarget) {
        facts.env_state_record = static_cast<int64_t>(index);
        facts.env_digest = digests.Id(state->digest);
        if (model != nullptr) facts.model_digest = digests.Id(model->StateDigest());
      }
    }
  }
  AttachReferences(&context, &facts);
  return facts;
}

}  // namespace logact::verify
