// RecordCollector: a TraceSink that keeps a copy of every record it is given,
// in order (entries through TraceSink's default OnEntry, that is as copies).
// For tests and tools that look at a whole run after it ended; a long run
// keeps every record in memory.
//
// Thread-safety: none. Determinism: a pure observer.
#pragma once

#include <vector>

#include "traces/trace_record.h"

namespace logact::traces {

class RecordCollector : public TraceSink {
 public:
  void OnHeader(const TraceHeader& h) override { header = h; }
  void OnRecord(const TraceRecord& r) override { records.push_back(r); }

  TraceHeader header;
  std::vector<TraceRecord> records;
};

}  // namespace logact::traces
