// Runs an audit query (one of the sql/audit/*.sql files compiled into the binary) and returns its
// rows as text, so `status` shows exactly what an auditor's sqlite3 shell would.
#pragma once

#include <string>
#include <vector>

#include "ledger/sqlite.hpp"

namespace etl::ledger {

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // NULL as ""
};

// Named parameters of an audit query, e.g. {":run_id", "3"}.
using Params = std::vector<std::pair<std::string, std::string>>;

// `name` is the file name under sql/audit/, e.g. "recent_runs.sql". Throws LedgerError.
Table run_audit_query(Database& db, const std::string& name, const Params& params = {});

// Aligned columns with a header line, for a terminal.
std::string format_table(const Table& table);

}  // namespace etl::ledger
