#include "ledger/sqlite.hpp"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "util/errors.hpp"

namespace etl::ledger {

namespace {

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

// A read-only connection to a WAL database needs the -wal and -shm files and creates them when
// they are missing (and can be created), leaving them behind. They exist while a run has the
// ledger open: then read through them, to see what the run has committed. Without them the file
// holds every commit and is read alone ("immutable"), creating nothing; were a run to start and
// checkpoint during that read, the read could fail: ask again.
std::string read_only_name(const std::string& path) {
  if (exists(path + "-wal")) return path;
  std::string uri = "file:";
  for (const unsigned char c : path) {
    if (std::isalnum(c) != 0 || std::strchr("/-_.~", c) != nullptr) {
      uri += static_cast<char>(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", c);
      uri += escaped;
    }
  }
  return uri + "?immutable=1";
}

}  // namespace

Database::Database(const std::string& path, OpenMode mode) : path_(path) {
  // Before SQLite initialises: its allocation statistics take a process-wide mutex on every
  // malloc and free (a tenth of the ledger thread's time), and nothing here reads them.
  static const int no_memstatus = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)no_memstatus;
  const bool read_only = mode == OpenMode::kReadOnly;
  const std::string name = read_only ? read_only_name(path) : path;
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
                    (name != path ? SQLITE_OPEN_URI : 0) | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(name.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw LedgerError(path + ": cannot open the ledger: " + why);
  }
  sqlite3_busy_timeout(db_, 5000);
  sqlite3_extended_result_codes(db_, 1);
  if (read_only) return;
  // Before WAL mode, whose switch writes the file's header: the stamp is then in the file itself,
  // not only in a WAL that a kill could leave behind. An empty file has nothing to roll back:
  // no journal, which spares a run's start three fsyncs.
  if (mode == OpenMode::kNew) {
    exec("PRAGMA journal_mode = OFF; PRAGMA application_id = " + std::to_string(kApplicationId));
  }
  // FULL: every commit is on disk when it returns. The ledger commits once per batch (its
  // intents must be on disk before the request) and groups every other write into those
  // commits, so FULL costs one fsync per batch. A larger page cache than SQLite's 2 MB keeps the
  // indexes a lookup walks in memory.
  exec(
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; "
      "PRAGMA cache_size = -4096; PRAGMA wal_autocheckpoint = 8192;");
}

Database::~Database() { sqlite3_close_v2(db_); }

void Database::exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string why = error != nullptr ? error : "unknown error";
    sqlite3_free(error);
    throw LedgerError(path_ + ": " + why + " (in: " + sql.substr(0, 60) + ")");
  }
}

void Database::fail(const std::string& what) const {
  throw LedgerError(path_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

Statement::Statement(Database& db, const std::string& sql) : db_(db), sql_(sql) {
  if (sqlite3_prepare_v3(db.handle(), sql.c_str(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK) {
    db.fail("cannot prepare \"" + sql.substr(0, 60) + "\"");
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, std::string_view value) {
  if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    db_.fail("cannot bind parameter " + std::to_string(index));
  }
  return *this;
}

Statement& Statement::bind(int index, long long value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) {
    db_.fail("cannot bind parameter " + std::to_string(index));
  }
  return *this;
}

Statement& Statement::bind_optional(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Statement& Statement::bind_optional(int index, const std::optional<int>& value) {
  return value ? bind(index, static_cast<long long>(*value)) : bind_null(index);
}

Statement& Statement::bind_optional(int index, const std::optional<long long>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) {
    db_.fail("cannot bind parameter " + std::to_string(index));
  }
  return *this;
}

Statement& Statement::bind_blob(int index, const void* data, std::size_t size) {
  if (sqlite3_bind_blob(stmt_, index, data, static_cast<int>(size), SQLITE_TRANSIENT) !=
      SQLITE_OK) {
    db_.fail("cannot bind parameter " + std::to_string(index));
  }
  return *this;
}

Statement& Statement::bind_named(const std::string& name, const std::string& value) {
  const int index = sqlite3_bind_parameter_index(stmt_, name.c_str());
  return index > 0 ? bind(index, value) : *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const std::string why = sqlite3_errmsg(db_.handle());
  sqlite3_reset(stmt_);
  throw LedgerError(db_.path() + ": " + why + " (in: " + sql_.substr(0, 60) + ")");
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  return p == nullptr ? std::string()
                      : std::string(reinterpret_cast<const char*>(p),
                                    static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

long long Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

std::optional<long long> Statement::optional_integer(int column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

bool Statement::is_blob(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_BLOB;
}

std::string_view Statement::blob(int column) const {
  const void* p = sqlite3_column_blob(stmt_, column);
  return p == nullptr
             ? std::string_view()
             : std::string_view(static_cast<const char*>(p),
                                static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::vector<std::string> Statement::column_names() const {
  std::vector<std::string> out;
  for (int c = 0; c < sqlite3_column_count(stmt_); ++c)
    out.emplace_back(sqlite3_column_name(stmt_, c));
  return out;
}

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!open_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (const std::exception&) {
    // already rolled back by SQLite after an I/O error
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace etl::ledger
