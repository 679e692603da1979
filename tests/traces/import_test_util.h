// Helpers shared by the importer tests: entry lookups on an imported run.
#pragma once

#include <string>
#include <vector>

#include "traces/import_run.h"

namespace logact::traces::testing {

inline std::vector<Entry> Entries(const ImportedRun& run) {
  std::vector<Entry> entries;
  for (const TraceRecord& record : run.records) {
    if (const Entry* entry = std::get_if<Entry>(&record)) entries.push_back(*entry);
  }
  return entries;
}

inline std::vector<Entry> OfType(const ImportedRun& run, EntryType type) {
  std::vector<Entry> out;
  for (const Entry& entry : Entries(run)) {
    if (entry.type == type) out.push_back(entry);
  }
  return out;
}

inline int CountFlags(const ImportedRun& run, const std::string& kind) {
  int n = 0;
  for (const ImportFlag& flag : run.flags) n += flag.kind == kind ? 1 : 0;
  return n;
}

// The type names of the entries, in order, joined by spaces.
inline std::string TypeSequence(const ImportedRun& run) {
  std::string out;
  for (const Entry& entry : Entries(run)) {
    if (!out.empty()) out += " ";
    out += EntryTypeName(entry.type);
  }
  return out;
}

}  // namespace logact::traces::testing
