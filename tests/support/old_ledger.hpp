// Ledgers as earlier versions of the job made them, for tests of what a new version does with
// them (stamping, forward migrations): written through SQLite directly, never through the job's
// own wrapper, so nothing of today's code touches them before the code under test does.
#pragma once

#include <filesystem>
#include <string>

namespace etl::test {

// Writes a SQLite file the way another program would. Throws std::runtime_error when SQLite
// refuses `sql`.
void make_sqlite(const std::filesystem::path& file, const std::string& sql);

// SQL that builds the schema of migrations/ledger/0001 up to `last_version` (read from the
// source tree) with their schema_migrations rows, as the version that shipped them left it.
std::string old_ledger_schema_sql(int last_version);

}  // namespace etl::test
