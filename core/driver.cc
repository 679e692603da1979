#include "core/driver.h"

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "core/assert.h"
#include "core/digest.h"
#include "core/fencing.h"
#include "core/inference_format.h"
#include "core/limits.h"
#include "core/play_log.h"
#include "core/recent_values.h"
#include "core/snapshot_codec.h"

namespace logact {
namespace {

constexpr TypeFilter kPlays = {EntryType::kMail,   EntryType::kInfIn,  EntryType::kInfOut,
                               EntryType::kIntent, EntryType::kOutput, EntryType::kResult,
                               EntryType::kCommit, EntryType::kAbort,  EntryType::kElect};

// What the driver would do next, given its state and the clock.
enum class Next {
  kNone,         // nothing to do until a new entry arrives
  kWait,         // a timer (LLM latency or retry backoff) is not due yet
  kElect,        // boot: append our elect
  kAppendReply,  // append the Llm's reply as inf_out
  kAct,          // append the intent/output/error inf_in of the last inf_out
  kAppendInput,  // append the buffered inputs as inf_in
  kInfer,        // ask the Llm
  kGiveUp,       // too many failed inferences: append an output saying so
};

// Replicated knowledge about one live intent.
struct IntentStatus {
  bool decided = false;   // its first decision has been played
  bool resolved = false;  // a result, a restart marker naming it, or a first-decision abort
};

// The first run of digits that starts in the first kNumberSearchBytes bytes
// of `text`, as [begin, end), or [0, 0) when there is none.
constexpr size_t kNumberSearchBytes = 32;
std::pair<size_t, size_t> FirstNumber(std::string_view text) {
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  const size_t head = std::min(text.size(), kNumberSearchBytes);
  size_t begin = 0;
  while (begin < head && !is_digit(text[begin])) ++begin;
  if (begin == head) return {0, 0};
  size_t end = begin;
  while (end < text.size() && is_digit(text[end])) ++end;
  return {begin, end};
}

// Appends what Digest::AddInt feeds for `value`: its 8 little-endian bytes,
// in one append (eight push_backs, each checking the capacity, were ~0.8% of
// a bank run: two per turn).
void AppendIntBytes(int64_t value, std::string* out) {
  const auto bits = static_cast<uint64_t>(value);
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(bits >> (8 * i));
  out->append(bytes, sizeof(bytes));
}

}  // namespace

struct Driver::State {
  DriverOptions options;
  std::string principal;
  Position played = 0;
  ElectionState election;

  // Replicated state: a pure function of [0, played).
  // The Llm request, kept across inferences: its messages are the last
  // kConversationTurnsMax turns. Rebuilding it for every call copied the
  // whole conversation each time, which made a long run quadratic.
  LlmRequest request;
  int64_t conversation_turns = 0;
  uint64_t conversation_digest = 0;
  DigestMemo conversation_memo;            // derived: only saves work on repeated turns
  std::string turn_head;                   // AddTurn's scratch buffer, kept for its capacity
  std::vector<std::string> pending_lines;  // inputs since the last inf_in
  int64_t mail_dropped = 0;                // mail beyond kMailBufferMax since the last inf_in
  bool awaiting_reply = false;             // the last inf_in has no inf_out after it
  std::optional<std::string> unacted;      // the last inf_out, not yet acted on
  // ... parsed once when played (Act reuses it), and whether it is an action.
  std::shared_ptr<const Result<InferenceOutcome>> unacted_outcome;
  bool unacted_is_action = false;
  // The last 8 distinct replies with their parsed form: a plan's replies
  // repeat from task to task, and parsing is a pure function of the text, so
  // a reply seen recently is not parsed again (it only saves work).
  RecentValues<std::string, std::shared_ptr<const Result<InferenceOutcome>>, 8> parsed_replies;
  int64_t malformed_streak = 0;              // consecutive malformed inf_outs
  std::map<Position, IntentStatus> intents;  // live intents, until decided and resolved
  std::set<Position> open;                   // live intents not resolved: in flight
  int64_t outputs = 0;
  uint64_t events_digest = 0;  // running digest of intents, decisions and results

  // This instance (not replicated).
  enum class Elect { kNotSent, kSent, kUnknown } elect = Elect::kNotSent;
  Position elect_pos = kNoPosition;
  Position elect_search_from = 0;
  int64_t elect_epoch = 0;
  bool booted = false;  // our elect has been played
  bool stopped = false;
  int64_t epoch = 0;
  struct Reply {
    std::string text;
    int64_t tokens = 0;
    int64_t ready_ms = 0;
  };
  std::optional<Reply> reply;  // the Llm answered; waiting for its latency
  int64_t llm_failures = 0;    // consecutive Llm errors for the current inference
  int64_t retry_at_ms = 0;
  std::string last_llm_error;
  // The position and ApproximateTokens of the last inf_in this instance
  // appended with an acknowledged position (derived: the entry at that
  // position is the one appended, so its text has that count).
  Position own_input_pos = kNoPosition;
  int64_t own_input_tokens = -1;

  Next NextAction() const;
  void Play(const Entry& entry);
  void PlayElect(const Entry& entry);
  void PlayIntent(const Entry& entry);
  void PlayResolution(Position intent, std::string line);
  void AddTurn(std::string_view role, const std::string& text, int64_t tokens);
  void Fold(int64_t a, int64_t b) {
    events_digest =
        Digest().AddInt(static_cast<int64_t>(events_digest)).AddInt(a).AddInt(b).value();
  }
  int64_t attempts() const { return malformed_streak + llm_failures; }
  std::shared_ptr<const Result<InferenceOutcome>> ParseReply(const std::string& text);
  void SetUnacted(const std::string& text);

  Status Append(Entry entry);
  Status AppendInputEntry(std::string text);
  Status AppendElect();
  Status AppendReply();
  Status Act();
  Status AppendInput();
  Status Infer();
  Status GiveUp(const std::string& why);
};

Next Driver::State::NextAction() const {
  if (stopped) return Next::kNone;
  if (!booted) return elect == Elect::kSent ? Next::kNone : Next::kElect;
  const int64_t now = options.clock->NowMs();
  if (reply.has_value()) return now >= reply->ready_ms ? Next::kAppendReply : Next::kWait;
  if (unacted.has_value()) {
    // Only a hand-made log can hold a reply's action while another intent is in flight.
    if (unacted_is_action && !open.empty()) return Next::kNone;
    return Next::kAct;
  }
  // At most one intent in flight: inputs wait until it has a result or an abort.
  if (!open.empty()) return Next::kNone;
  if (!pending_lines.empty() || mail_dropped > 0) return Next::kAppendInput;
  if (!awaiting_reply) return Next::kNone;
  if (attempts() >= options.inference_attempts_max) return Next::kGiveUp;
  return now >= retry_at_ms ? Next::kInfer : Next::kWait;
}

void Driver::State::AddTurn(std::string_view role, const std::string& text, int64_t tokens) {
  // Digest().AddInt(previous).AddString(role).AddString(text), fed in parts:
  // a turn often repeats an earlier one but for a number near its start
  // ("result of intent 24: ok: <the same output>"), so everything before
  // that number (the role, both lengths, "result of intent ") and everything
  // after it goes through the memo, and only the previous digest and the
  // number's digits are fed byte by byte.
  const std::string_view bytes(text);
  const auto [number_begin, number_end] = FirstNumber(bytes);
  turn_head.clear();
  AppendIntBytes(static_cast<int64_t>(role.size()), &turn_head);
  turn_head.append(role);
  AppendIntBytes(static_cast<int64_t>(bytes.size()), &turn_head);
  turn_head.append(bytes.substr(0, number_begin));
  Digest digest;
  digest.AddInt(static_cast<int64_t>(conversation_digest));
  conversation_memo.AddBytes(&digest, turn_head);
  digest.AddBytes(bytes.substr(number_begin, number_end - number_begin));
  conversation_memo.AddBytes(&digest, bytes.substr(number_end));
  conversation_digest = digest.value();
  ++conversation_turns;
  std::deque<LlmMessage>& messages = request.messages;
  // A bounded context window: the oldest turn falls out first (a deque: the
  // other turns stay where they are; shifting them was ~5% of a simulation).
  // The turn that falls out lends its strings' buffers to the new one.
  LlmMessage turn;
  if (messages.size() >= limits::kConversationTurnsMax) {
    turn = std::move(messages.front());
    messages.pop_front();
  }
  turn.role.assign(role);
  turn.text.assign(text);
  turn.tokens = tokens;
  messages.push_back(std::move(turn));
}

void Driver::State::Play(const Entry& entry) {
  switch (entry.type) {
    case EntryType::kElect:
      PlayElect(entry);
      break;
    case EntryType::kMail:
      if (pending_lines.size() < limits::kMailBufferMax) {
        pending_lines.push_back(RenderMailLine(entry.mail()));
      } else {
        ++mail_dropped;
      }
      break;
    case EntryType::kInfIn:
      // Our own inf_in (acknowledged at this position) carries the count
      // AppendInput or Act made of its text: the model need not count it again.
      AddTurn("user", entry.inference().text,
              entry.pos == own_input_pos ? own_input_tokens : int64_t{-1});
      pending_lines.clear();  // an inf_in carries every input before it
      mail_dropped = 0;
      awaiting_reply = true;
      unacted.reset();  // an "error:" inf_in answers a malformed reply
      break;
    case EntryType::kInfOut:
      AddTurn("assistant", entry.inference().text, -1);
      awaiting_reply = false;
      SetUnacted(entry.inference().text);
      malformed_streak = unacted_outcome->has_value() ? 0 : malformed_streak + 1;
      reply.reset();  // the log has the answer: ours, or one that landed after kUnknownOutcome
      llm_failures = 0;
      break;
    case EntryType::kIntent:
      PlayIntent(entry);
      break;
    case EntryType::kOutput:
      awaiting_reply = false;
      unacted.reset();
      malformed_streak = 0;
      llm_failures = 0;
      ++outputs;
      break;
    case EntryType::kCommit: {
      auto it = intents.find(entry.decision().intent);
      if (it != intents.end() && !it->second.decided) {
        it->second.decided = true;
        Fold(entry.decision().intent, 1);
        if (it->second.resolved) intents.erase(it);  // nothing about it can change now
      }
      break;
    }
    case EntryType::kAbort: {
      // Only a first decision counts: an abort after a commit is ignored.
      auto it = intents.find(entry.decision().intent);
      if (it == intents.end() || it->second.decided) break;
      it->second.decided = true;
      Fold(entry.decision().intent, 2);
      PlayResolution(entry.decision().intent, RenderAbortLine(entry.decision()));
      break;
    }
    case EntryType::kResult:
      // A restart marker with nothing pending (-1) tells the model nothing.
      if (entry.result().intent < 0) break;
      Fold(entry.result().intent, entry.result().restart ? 3 : 4);
      PlayResolution(entry.result().intent, RenderResultLine(entry.result()));
      break;
    default:
      LOGACT_ASSERT(false);
  }
}

std::shared_ptr<const Result<InferenceOutcome>> Driver::State::ParseReply(const std::string& text) {
  if (const auto* parsed =
          parsed_replies.Find([&](const std::string& seen) { return seen == text; })) {
    return *parsed;
  }
  return parsed_replies.Remember(
      text, std::make_shared<const Result<InferenceOutcome>>(ParseInferenceOutput(text)));
}

void Driver::State::SetUnacted(const std::string& text) {
  unacted = text;
  unacted_outcome = ParseReply(text);
  unacted_is_action =
      unacted_outcome->has_value() && std::holds_alternative<Action>(**unacted_outcome);
}

void Driver::State::PlayElect(const Entry& entry) {
  const ElectPayload& elect_payload = entry.elect();
  const bool counted = election.Apply(elect_payload);
  if (booted) {
    if (counted) stopped = true;  // a newer driver took over: we are fenced
    return;
  }
  if (elect == Elect::kUnknown && entry.pos >= elect_search_from &&
      elect_payload.driver == options.name && elect_payload.epoch == elect_epoch) {
    elect = Elect::kSent;  // our append with an unknown outcome did land
    elect_pos = entry.pos;
  }
  if (elect != Elect::kSent || entry.pos != elect_pos) return;
  booted = true;
  if (counted) {
    epoch = elect_payload.epoch;
  } else {
    stopped = true;  // a higher epoch was elected before ours landed
  }
}

void Driver::State::PlayIntent(const Entry& entry) {
  // A fenced intent is void; in particular it does not act on an inf_out, so a
  // new leader acts on a reply that only a fenced driver answered.
  if (election.IsFenced(entry.intent())) return;
  intents.emplace(entry.pos, IntentStatus{});
  open.insert(entry.pos);
  unacted.reset();
  Fold(entry.pos, 0);
}

void Driver::State::PlayResolution(Position intent, std::string line) {
  auto it = intents.find(intent);
  if (it == intents.end() || it->second.resolved) return;
  it->second.resolved = true;
  // Decided and resolved: every later entry naming it is ignored, whether it
  // is kept or not, so it is dropped (the map stays as small as the intents
  // in flight instead of growing with the run).
  if (it->second.decided) intents.erase(it);
  open.erase(intent);
  pending_lines.push_back(std::move(line));
}

Status Driver::State::Append(Entry entry) {
  // The state changes only when the entry is played back: on kUnknownOutcome
  // the next Step finds it on the log (or not) and acts accordingly, so an
  // intent is never appended twice.
  Result<Position> pos = options.bus->Append(std::move(entry));
  return pos.status();
}

Status Driver::State::AppendElect() {
  elect_epoch = election.max_epoch_seen() + 1;
  elect_search_from = options.bus->Tail();
  Result<Position> pos = options.bus->Append(MakeElect(principal, options.name, elect_epoch));
  if (!pos.has_value()) {
    elect = pos.error().code() == StatusCode::kUnknownOutcome ? Elect::kUnknown : Elect::kNotSent;
    return pos.error();
  }
  elect = Elect::kSent;
  elect_pos = *pos;
  return Status::Ok();
}

Status Driver::State::AppendReply() {
  LOGACT_ASSERT(reply.has_value());
  LOGACT_TRY(Append(MakeInference(EntryType::kInfOut, principal, reply->text, reply->tokens)));
  reply.reset();
  return Status::Ok();
}

Status Driver::State::Act() {
  LOGACT_ASSERT(unacted.has_value());
  LOGACT_ASSERT(unacted_outcome != nullptr);
  const Result<InferenceOutcome>& outcome = *unacted_outcome;
  if (outcome.has_value()) {
    if (const Action* action = std::get_if<Action>(&*outcome)) {
      LOGACT_ASSERT(open.empty());
      LOGACT_ASSERT_GT(epoch, 0);
      return Append(MakeIntent(principal, *action, options.name, epoch));
    }
    return Append(MakeOutput(principal, std::get<FinalAnswer>(*outcome).text));
  }
  LOGACT_ASSERT_GT(malformed_streak, 0);
  if (attempts() >= options.inference_attempts_max) return GiveUp(outcome.error().message());
  // Ask again; inputs that arrived meanwhile ride along.
  std::string text = RenderMalformedLine(outcome.error().message());
  for (const std::string& line : pending_lines) text += "\n" + line;
  return AppendInputEntry(std::move(text));
}

Status Driver::State::AppendInputEntry(std::string text) {
  const int64_t tokens = ApproximateTokens(text);
  Result<Position> pos =
      options.bus->Append(MakeInference(EntryType::kInfIn, principal, std::move(text), tokens));
  if (!pos.has_value()) return pos.error();
  own_input_pos = *pos;
  own_input_tokens = tokens;
  return Status::Ok();
}

Status Driver::State::AppendInput() {
  std::string text;
  for (const std::string& line : pending_lines) {
    if (!text.empty()) text += "\n";
    text += line;
  }
  if (mail_dropped > 0) {
    if (!text.empty()) text += "\n";
    text += std::to_string(mail_dropped) + " more mail dropped: the buffer is full";
  }
  LOGACT_ASSERT(!text.empty());
  return AppendInputEntry(std::move(text));
}

Status Driver::State::Infer() {
  Result<LlmReply> answer = options.llm->Complete(request);
  const int64_t now = options.clock->NowMs();
  if (!answer.has_value()) {
    // Absorbed: retried after a backoff, bounded by inference_attempts_max.
    ++llm_failures;
    last_llm_error = answer.error().ToString();
    retry_at_ms = now + options.llm_retry_backoff_ms;
    return Status::Ok();
  }
  Reply pending;
  pending.tokens =
      answer->completion_tokens > 0 ? answer->completion_tokens : ApproximateTokens(answer->text);
  pending.text = std::move(answer->text);
  pending.ready_ms = now + std::max<int64_t>(0, answer->latency_ms);
  reply = std::move(pending);
  if (now < reply->ready_ms) return Status::Ok();
  return AppendReply();
}

Status Driver::State::GiveUp(const std::string& why) {
  const std::string text = "gave up after " + std::to_string(attempts()) +
                           " failed inferences: " + (why.empty() ? last_llm_error : why);
  return Append(MakeOutput(principal, text));
}

// ---------------------------------------------------------------------------
// Driver

Driver::Driver(DriverOptions options) : state_(std::make_unique<State>()) {
  LOGACT_ASSERT(options.bus != nullptr);
  LOGACT_ASSERT(options.clock != nullptr);
  LOGACT_ASSERT(options.llm != nullptr);
  LOGACT_ASSERT_GT(options.inference_attempts_max, 0);
  LOGACT_ASSERT_GT(options.llm_retry_backoff_ms, 0);
  state_->principal = "driver/" + options.name;
  state_->request.caller = state_->principal;
  state_->options = std::move(options);
}

Driver::~Driver() = default;

const std::string& Driver::principal() const { return state_->principal; }

bool Driver::HasWork() const {
  const State& s = *state_;
  if (s.stopped) return false;
  if (s.options.bus->Tail() > s.played) return true;
  const Next next = s.NextAction();
  return next != Next::kNone && next != Next::kWait;
}

int64_t Driver::NextWakeMs() const {
  const State& s = *state_;
  if (s.stopped) return kNeverMs;
  if (s.reply.has_value()) return s.reply->ready_ms;
  if (s.awaiting_reply && s.llm_failures > 0) return s.retry_at_ms;
  return kNeverMs;
}

Status Driver::Step() {
  State& s = *state_;
  if (s.stopped) return Status::Ok();
  LOGACT_TRY(PlayLog(*s.options.bus, kPlays, &s.played, [&s](const Entry& e) { s.Play(e); }));
  // An elect with an unknown outcome that a full replay did not find was lost.
  if (!s.booted && s.elect == State::Elect::kUnknown) s.elect = State::Elect::kNotSent;
  switch (s.NextAction()) {
    case Next::kNone:
    case Next::kWait:
      return Status::Ok();
    case Next::kElect:
      return s.AppendElect();
    case Next::kAppendReply:
      return s.AppendReply();
    case Next::kAct:
      return s.Act();
    case Next::kAppendInput:
      return s.AppendInput();
    case Next::kInfer:
      return s.Infer();
    case Next::kGiveUp:
      return s.GiveUp("");
  }
  return InternalError("unreachable");
}

bool Driver::Stopped() const { return state_->stopped; }

std::string Driver::StateDigest() const {
  const State& s = *state_;
  Digest digest;
  digest.AddInt(s.played);
  const auto& leader = s.election.leader();
  digest.AddBool(leader.has_value());
  if (leader.has_value()) digest.AddString(leader->driver).AddInt(leader->epoch);
  digest.AddInt(s.election.max_epoch_seen());
  digest.AddInt(s.conversation_turns).AddInt(static_cast<int64_t>(s.conversation_digest));
  digest.AddInt(static_cast<int64_t>(s.pending_lines.size()));
  for (const std::string& line : s.pending_lines) digest.AddString(line);
  digest.AddInt(s.mail_dropped).AddBool(s.awaiting_reply).AddBool(s.unacted.has_value());
  if (s.unacted.has_value()) digest.AddString(*s.unacted);
  digest.AddInt(s.malformed_streak).AddInt(s.outputs);
  digest.AddInt(static_cast<int64_t>(s.events_digest));
  for (Position p : s.open) digest.AddInt(p);
  return digest.Hex();
}

Position Driver::played() const { return state_->played; }

// Snapshots: every replicated field of State; `open` and the parsed form of
// the unacted reply are derived on Restore.
std::optional<Snapshot> Driver::TakeSnapshot() const {
  const State& s = *state_;
  if (s.played == 0) return std::nullopt;
  Json fields = Json::object();
  fields["election"] = snapshot_codec::EncodeElection(s.election);
  Json messages = Json::array();
  for (const LlmMessage& message : s.request.messages) {
    messages.push_back(Json::array({message.role, message.text}));
  }
  fields["messages"] = std::move(messages);
  fields["conversation_turns"] = s.conversation_turns;
  fields["conversation_digest"] = s.conversation_digest;
  fields["pending_lines"] = s.pending_lines;
  fields["mail_dropped"] = s.mail_dropped;
  fields["awaiting_reply"] = s.awaiting_reply;
  if (s.unacted.has_value()) fields["unacted"] = *s.unacted;
  fields["malformed_streak"] = s.malformed_streak;
  Json intents = Json::array();
  for (const auto& [pos, status] : s.intents) {
    intents.push_back(Json::array({pos, status.decided, status.resolved}));
  }
  fields["intents"] = std::move(intents);
  fields["outputs"] = s.outputs;
  fields["events_digest"] = s.events_digest;
  return snapshot_codec::Make("driver", std::move(fields), s.played);
}

Status Driver::Restore(const Snapshot& snapshot) {
  State& s = *state_;
  LOGACT_ASSERT_EQ(s.played, 0);
  LOGACT_ASSIGN_OR_RETURN(Json fields, snapshot_codec::Open(snapshot, "driver"));
  return snapshot_codec::Guard("driver", [&]() -> Status {
    ElectionState election;
    LOGACT_TRY(snapshot_codec::DecodeElection(fields.at("election"), &election));
    std::deque<LlmMessage> messages;
    for (const Json& message : fields.at("messages")) {
      messages.push_back({message.at(0).get<std::string>(), message.at(1).get<std::string>()});
    }
    if (messages.size() > limits::kConversationTurnsMax) {
      return CorruptionError("driver snapshot: conversation beyond the window");
    }
    std::map<Position, IntentStatus> intents;
    std::set<Position> open;
    for (const Json& item : fields.at("intents")) {
      const Position pos = item.at(0).get<Position>();
      const IntentStatus status{item.at(1).get<bool>(), item.at(2).get<bool>()};
      if (!status.resolved) open.insert(pos);
      intents.emplace(pos, status);
    }
    s.played = snapshot.last_pos + 1;
    s.election = std::move(election);
    s.request.messages = std::move(messages);
    s.conversation_turns = fields.at("conversation_turns").get<int64_t>();
    s.conversation_digest = fields.at("conversation_digest").get<uint64_t>();
    s.pending_lines = fields.at("pending_lines").get<std::vector<std::string>>();
    s.mail_dropped = fields.at("mail_dropped").get<int64_t>();
    s.awaiting_reply = fields.at("awaiting_reply").get<bool>();
    s.unacted.reset();
    s.unacted_outcome.reset();
    s.unacted_is_action = false;
    if (fields.contains("unacted")) s.SetUnacted(fields.at("unacted").get<std::string>());
    s.malformed_streak = fields.at("malformed_streak").get<int64_t>();
    s.intents = std::move(intents);
    s.open = std::move(open);
    s.outputs = fields.at("outputs").get<int64_t>();
    s.events_digest = fields.at("events_digest").get<uint64_t>();
    return Status::Ok();
  });
}

int64_t Driver::epoch() const { return state_->epoch; }

}  // namespace logact
