// See core/replica_io.h.
#include "core/replica_io.h"

#include <utility>

namespace logact {

Result<Position> PrefixBus::Append(Entry&&) { return UnavailableError("read-only prefix"); }

Result<std::vector<Entry>> PrefixBus::Read(Position start, Position end, TypeFilter filter) const {
  if (end > end_) return InvalidArgumentError("read past the prefix");
  return inner_->Read(start, end, filter);
}

Result<Page> PrefixBus::Poll(Position start, TypeFilter filter, size_t max) const {
  if (start >= end_) return Page{{}, end_};
  LOGACT_ASSIGN_OR_RETURN(std::vector<Entry> entries, inner_->Read(start, end_, filter));
  Page page;
  page.next = end_;
  if (entries.size() > max) {
    page.next = entries[max].pos;
    entries.resize(max);
  }
  page.entries = std::move(entries);
  return page;
}

Result<LlmReply> RefusingLlm::Complete(const LlmRequest&) { return UnavailableError(who_); }

Result<ToolOutcome> RefusingEnvironment::Execute(const ToolCall&) { return UnavailableError(who_); }

}  // namespace logact
