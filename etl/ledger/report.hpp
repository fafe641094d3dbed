// An audit query's answer as text (Ledger::audit returns it) and how `status` and `report` print
// it, so they show exactly what an auditor's sqlite3 shell would.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace etl::ledger {

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // NULL as ""

  bool operator==(const Table& other) const {
    return columns == other.columns && rows == other.rows;
  }
};

// Named parameters of an audit query, e.g. {":run_id", "3"}.
using Params = std::vector<std::pair<std::string, std::string>>;

// Aligned columns with a header line, for a terminal.
std::string format_table(const Table& table);

}  // namespace etl::ledger
