#include "support/old_ledger.hpp"

#include <sqlite3.h>

#include <map>
#include <stdexcept>

#include "support/reference_bank.hpp"
#include "util/text.hpp"

namespace etl::test {

void make_sqlite(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot create " + file.string());
  }
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  const std::string why = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error(file.string() + ": " + why);
}

std::string old_ledger_schema_sql(int last_version) {
  // By version: the file names say it (0001_init.sql), as the migration runner reads them.
  std::map<int, std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(source_path("migrations/ledger"))) {
    const std::string name = entry.path().filename().string();
    const int version = std::stoi(name);
    if (version <= last_version) files[version] = name;
  }
  if (files.size() != static_cast<std::size_t>(last_version)) {
    throw std::runtime_error("migrations/ledger has no complete 0001-" +
                             std::to_string(last_version));
  }
  std::string sql =
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at TEXT NOT NULL);";
  for (const auto& [version, name] : files) {
    sql += read_file(source_path("migrations/ledger/" + name));
    sql += ";INSERT INTO schema_migrations VALUES (" + std::to_string(version) + ", '" + name +
           "', '2026-01-01T00:00:00Z');";
  }
  return sql;
}

}  // namespace etl::test
