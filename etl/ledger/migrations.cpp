#include "ledger/migrations.hpp"

#include <map>

#include "util/embedded.hpp"
#include "util/errors.hpp"

namespace etl::ledger {
namespace {

constexpr std::string_view kPrefix = "migrations/ledger/";

// version -> (name, sql), from the embedded files; the version is the file name's number.
std::map<int, std::pair<std::string, std::string>> embedded_migrations() {
  std::map<int, std::pair<std::string, std::string>> out;
  for (const auto& [path, sql] : embedded::files()) {
    if (path.compare(0, kPrefix.size(), kPrefix) != 0) continue;
    const std::string name = path.substr(kPrefix.size());
    out[std::stoi(name)] = {name, sql};
  }
  return out;
}

// 0 for a ledger without a migrations table (made, but killed before its first migration).
int schema_version(Database& db) {
  if (!has_migrations_table(db)) return 0;
  Statement current(db, "SELECT coalesce(max(version), 0) FROM schema_migrations");
  current.step();
  const int version = static_cast<int>(current.integer(0));
  if (version > latest_migration()) {
    throw LedgerError(db.path() + ": ledger schema version " + std::to_string(version) +
                      " is newer than this amlyze-etl knows (" +
                      std::to_string(latest_migration()) + "); upgrade amlyze-etl");
  }
  return version;
}

}  // namespace

bool has_migrations_table(Database& db) {
  Statement table(db,
                  "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                  "name = 'schema_migrations'");
  return table.step();
}

void check_schema(Database& db) {
  const int version = schema_version(db);
  if (version < latest_migration()) {
    throw LedgerError(db.path() + ": ledger schema version " + std::to_string(version) +
                      " is older than this amlyze-etl's (" + std::to_string(latest_migration()) +
                      "); the next run upgrades it");
  }
}

int latest_migration() {
  const auto all = embedded_migrations();
  return all.empty() ? 0 : all.rbegin()->first;
}

void migrate(Database& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
      "NULL, applied_at TEXT NOT NULL)");
  const int version = schema_version(db);
  Statement record(db,
                   "INSERT INTO schema_migrations (version, name, applied_at) "
                   "VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ'))");
  for (const auto& [number, migration] : embedded_migrations()) {
    if (number <= version) continue;
    Transaction tx(db);
    db.exec(migration.second);
    record.bind(1, static_cast<long long>(number)).bind(2, migration.first).run();
    tx.commit();
  }
}

}  // namespace etl::ledger
