// SwarmDb: see cli/swarm_db.h; the file layout is in docs/swarm_db.md.
//
// Why DELETE journal mode and not WAL (as the bus uses): a results file is
// copied off batch machines and merged; a single self-contained file without
// -wal/-shm companions is what survives a copy. Writes are batched into one
// transaction per call, so durability per row is not needed.
#include "cli/swarm_db.h"

#include <exception>
#include <filesystem>
#include <limits>
#include <map>
#include <sstream>
#include <tuple>

#include "cli/swarm_schema.h"

namespace logact::cli {
namespace {

std::string JoinWords(const std::vector<std::string>& words, char separator) {
  std::string out;
  for (const std::string& word : words) {
    if (!out.empty()) out += separator;
    out += word;
  }
  return out;
}

std::vector<std::string> SplitWords(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::string word;
  std::istringstream in(text);
  while (std::getline(in, word, separator)) {
    if (!word.empty()) out.push_back(word);
  }
  return out;
}

Status SqliteError(sqlite3* db, const std::string& what) {
  return UnavailableError(what + ": " + sqlite3_errmsg(db));
}

// A prepared statement that is finalized on every exit path.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement_, nullptr) != SQLITE_OK) {
      statement_ = nullptr;
    }
  }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return statement_; }
  Status PrepareStatus(const std::string& what) const {
    return statement_ != nullptr ? Status::Ok() : SqliteError(db_, what);
  }
  void BindText(int index, const std::string& text) {
    sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
  }
  std::string ColumnText(int index) const {
    const unsigned char* text = sqlite3_column_text(statement_, index);
    return text == nullptr
               ? std::string()
               : std::string(reinterpret_cast<const char*>(text),
                             static_cast<size_t>(sqlite3_column_bytes(statement_, index)));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

Result<SwarmRow> RowFromStatement(const Statement& statement) {
  SwarmRow row;
  sqlite3_stmt* s = statement.get();
  row.scenario = statement.ColumnText(0);
  const int64_t seed = sqlite3_column_int64(s, 1);
  if (seed < 0) return CorruptionError("swarm_runs: negative seed");
  row.seed = static_cast<uint64_t>(seed);
  row.faults = statement.ColumnText(2);
  row.outcome = statement.ColumnText(3);
  row.violations = SplitWords(statement.ColumnText(4), ' ');
  row.signature = statement.ColumnText(5);
  row.component = statement.ColumnText(6);
  row.fault_kinds = SplitWords(statement.ColumnText(7), ',');
  row.entries = sqlite3_column_int64(s, 8);
  row.steps = sqlite3_column_int64(s, 9);
  row.virtual_time_ms = sqlite3_column_int64(s, 10);
  row.wall_time_us = sqlite3_column_int64(s, 11);
  try {
    const Json paths = Json::parse(statement.ColumnText(12));
    for (const auto& [name, count] : paths.items()) row.recovery_paths[name] = count.get<int64_t>();
  } catch (const std::exception& e) {
    return CorruptionError("swarm_runs seed " + std::to_string(seed) +
                           ": recovery_paths is not a JSON object of counts: " + e.what());
  }
  row.message = statement.ColumnText(13);
  row.repro = statement.ColumnText(14);
  return row;
}

}  // namespace

bool SwarmRow::SameResult(const SwarmRow& other) const {
  return scenario == other.scenario && seed == other.seed && faults == other.faults &&
         outcome == other.outcome && violations == other.violations &&
         signature == other.signature && component == other.component &&
         fault_kinds == other.fault_kinds && entries == other.entries && steps == other.steps &&
         virtual_time_ms == other.virtual_time_ms && recovery_paths == other.recovery_paths &&
         message == other.message && repro == other.repro;
}

Json SwarmRow::ToJson() const {
  Json paths = Json::object();
  for (const auto& [name, count] : recovery_paths) paths[name] = count;
  return Json{{"scenario", scenario},
              {"seed", seed},
              {"faults", faults},
              {"outcome", outcome},
              {"violations", violations},
              {"signature", signature},
              {"component", component},
              {"fault_kinds", fault_kinds},
              {"entries", entries},
              {"steps", steps},
              {"virtual_time_ms", virtual_time_ms},
              {"wall_time_us", wall_time_us},
              {"recovery_paths", paths},
              {"message", message},
              {"repro", repro}};
}

Result<SwarmRow> SwarmRow::FromJson(const Json& json) {
  SwarmRow row;
  try {
    row.scenario = json.at("scenario").get<std::string>();
    row.seed = json.at("seed").get<uint64_t>();
    row.faults = json.at("faults").get<std::string>();
    row.outcome = json.at("outcome").get<std::string>();
    row.violations = json.at("violations").get<std::vector<std::string>>();
    row.signature = json.at("signature").get<std::string>();
    row.component = json.at("component").get<std::string>();
    row.fault_kinds = json.at("fault_kinds").get<std::vector<std::string>>();
    row.entries = json.at("entries").get<int64_t>();
    row.steps = json.at("steps").get<int64_t>();
    row.virtual_time_ms = json.at("virtual_time_ms").get<int64_t>();
    row.wall_time_us = json.at("wall_time_us").get<int64_t>();
    for (const auto& [name, count] : json.at("recovery_paths").items()) {
      row.recovery_paths[name] = count.get<int64_t>();
    }
    row.message = json.at("message").get<std::string>();
    row.repro = json.at("repro").get<std::string>();
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("swarm row: ") + e.what());
  }
  return row;
}

Result<std::unique_ptr<SwarmDb>> SwarmDb::Open(const std::string& path, bool create) {
  std::error_code error;
  if (!create && !std::filesystem::exists(path, error)) {
    return NotFoundError(path + ": no such swarm results database");
  }
  sqlite3* db = nullptr;
  const int flags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  std::unique_ptr<SwarmDb> out(new SwarmDb(db, path));
  if (rc != SQLITE_OK) return SqliteError(db, "cannot open " + path);
  sqlite3_busy_timeout(db, 10'000);
  LOGACT_TRY(out->InitializeOrValidate(create));
  return out;
}

SwarmDb::~SwarmDb() { sqlite3_close(db_); }

Status SwarmDb::Exec(const std::string& sql) const {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error != nullptr ? error : "unknown error";
    sqlite3_free(error);
    return UnavailableError(path_ + ": " + message);
  }
  return Status::Ok();
}

// A new file gets the schema; an existing one must carry our application id,
// magic and a format version we understand.
Status SwarmDb::InitializeOrValidate(bool create) {
  Statement probe(db_, "PRAGMA application_id");
  if (probe.get() == nullptr || sqlite3_step(probe.get()) != SQLITE_ROW) {
    // SQLITE_NOTADB surfaces here for a file that is not SQLite at all.
    return InvalidArgumentError(path_ + " is not a swarm results database (" + sqlite3_errmsg(db_) +
                                ")");
  }
  const int64_t application_id = sqlite3_column_int64(probe.get(), 0);
  Statement tables(db_, "SELECT count(*) FROM sqlite_master");
  if (tables.get() == nullptr || sqlite3_step(tables.get()) != SQLITE_ROW) {
    return InvalidArgumentError(path_ + " is not a swarm results database (" + sqlite3_errmsg(db_) +
                                ")");
  }
  const int64_t table_count = sqlite3_column_int64(tables.get(), 0);
  if (application_id == 0 && table_count == 0) {
    if (!create) return InvalidArgumentError(path_ + " is not a swarm results database (empty)");
    LOGACT_TRY(Exec("PRAGMA journal_mode=DELETE"));
    LOGACT_TRY(Exec("BEGIN IMMEDIATE"));
    Status created =
        Exec("PRAGMA application_id=" + std::to_string(swarm_schema::kApplicationId) + ";" +
             std::string(swarm_schema::kCreateSql) + "INSERT INTO swarm_meta VALUES ('" +
             std::string(swarm_schema::kMagicKey) + "','" + std::string(swarm_schema::kMagic) +
             "'),('" + std::string(swarm_schema::kFormatVersionKey) + "','" +
             std::to_string(swarm_schema::kFormatVersion) + "');");
    if (!created.ok()) {
      static_cast<void>(Exec("ROLLBACK"));
      return created;
    }
    return Exec("COMMIT");
  }
  if (application_id != swarm_schema::kApplicationId) {
    return InvalidArgumentError(path_ + " is not a swarm results database (application_id " +
                                std::to_string(application_id) + ")");
  }
  Statement meta(db_, "SELECT value FROM swarm_meta WHERE key = ?1");
  LOGACT_TRY(meta.PrepareStatus(path_ + ": swarm_meta"));
  meta.BindText(1, std::string(swarm_schema::kFormatVersionKey));
  if (sqlite3_step(meta.get()) != SQLITE_ROW) {
    return InvalidArgumentError(path_ + ": swarm_meta has no format_version");
  }
  const std::string version = meta.ColumnText(0);
  if (version != std::to_string(swarm_schema::kFormatVersion)) {
    return InvalidArgumentError(path_ + ": unsupported swarm format version " + version);
  }
  return Status::Ok();
}

Status SwarmDb::InsertLocked(const SwarmRow& row, bool replace) {
  if (row.seed > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return InvalidArgumentError("seed " + std::to_string(row.seed) + " exceeds 2^63-1");
  }
  Statement insert(db_, std::string(replace ? "INSERT OR REPLACE" : "INSERT") +
                            " INTO swarm_runs (" + std::string(swarm_schema::kRunColumns) +
                            ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)");
  LOGACT_TRY(insert.PrepareStatus(path_ + ": insert"));
  Json paths = Json::object();
  for (const auto& [name, count] : row.recovery_paths) paths[name] = count;
  insert.BindText(1, row.scenario);
  sqlite3_bind_int64(insert.get(), 2, static_cast<int64_t>(row.seed));
  insert.BindText(3, row.faults);
  insert.BindText(4, row.outcome);
  insert.BindText(5, JoinWords(row.violations, ' '));
  insert.BindText(6, row.signature);
  insert.BindText(7, row.component);
  insert.BindText(8, JoinWords(row.fault_kinds, ','));
  sqlite3_bind_int64(insert.get(), 9, row.entries);
  sqlite3_bind_int64(insert.get(), 10, row.steps);
  sqlite3_bind_int64(insert.get(), 11, row.virtual_time_ms);
  sqlite3_bind_int64(insert.get(), 12, row.wall_time_us);
  insert.BindText(13, paths.dump());
  insert.BindText(14, row.message);
  insert.BindText(15, row.repro);
  if (sqlite3_step(insert.get()) != SQLITE_DONE) {
    return SqliteError(db_, path_ + ": insert seed " + std::to_string(row.seed));
  }
  return Status::Ok();
}

Status SwarmDb::Write(const std::vector<SwarmRow>& rows) {
  LOGACT_TRY(Exec("BEGIN IMMEDIATE"));
  for (const SwarmRow& row : rows) {
    Status inserted = InsertLocked(row, /*replace=*/true);
    if (!inserted.ok()) {
      static_cast<void>(Exec("ROLLBACK"));
      return inserted;
    }
  }
  return Exec("COMMIT");
}

Result<std::vector<SwarmRow>> SwarmDb::ReadAll() const {
  Statement select(db_, "SELECT " + std::string(swarm_schema::kRunColumns) +
                            " FROM swarm_runs ORDER BY scenario, faults, seed");
  LOGACT_TRY(select.PrepareStatus(path_ + ": select"));
  std::vector<SwarmRow> rows;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(select.get())) == SQLITE_ROW) {
    LOGACT_ASSIGN_OR_RETURN(SwarmRow row, RowFromStatement(select));
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return SqliteError(db_, path_ + ": select");
  return rows;
}

Status SwarmDb::Merge(const std::vector<SwarmRow>& others, int64_t* added) {
  LOGACT_ASSIGN_OR_RETURN(std::vector<SwarmRow> mine, ReadAll());
  std::map<std::tuple<std::string, std::string, uint64_t>, const SwarmRow*> index;
  for (const SwarmRow& row : mine) index[{row.scenario, row.faults, row.seed}] = &row;
  std::vector<const SwarmRow*> fresh;
  for (const SwarmRow& row : others) {
    auto [it, inserted] = index.try_emplace({row.scenario, row.faults, row.seed}, &row);
    if (inserted) {
      fresh.push_back(&row);
    } else if (!it->second->SameResult(row)) {
      return InvalidArgumentError("conflicting results for scenario " + row.scenario + ", seed " +
                                  std::to_string(row.seed) + ", faults " + row.faults + ": '" +
                                  it->second->outcome + " " + it->second->signature + "' versus '" +
                                  row.outcome + " " + row.signature + "'");
    }
  }
  LOGACT_TRY(Exec("BEGIN IMMEDIATE"));
  for (const SwarmRow* row : fresh) {
    Status inserted = InsertLocked(*row, /*replace=*/false);
    if (!inserted.ok()) {
      static_cast<void>(Exec("ROLLBACK"));
      return inserted;
    }
  }
  if (added != nullptr) *added = static_cast<int64_t>(fresh.size());
  return Exec("COMMIT");
}

}  // namespace logact::cli
