#include "ledger/report.hpp"

#include <algorithm>

#include "util/embedded.hpp"
#include "util/errors.hpp"

namespace etl::ledger {

Table run_audit_query(Database& db, const std::string& name, const Params& params) {
  const auto& files = embedded::files();
  const auto it = files.find("sql/audit/" + name);
  if (it == files.end()) throw LedgerError("no audit query named " + name);
  Statement s(db, it->second);
  for (const auto& [key, value] : params) s.bind_named(key, value);
  Table t;
  while (s.step()) {
    if (t.columns.empty()) t.columns = s.column_names();
    std::vector<std::string> row;
    for (std::size_t c = 0; c < t.columns.size(); ++c) row.push_back(s.text(static_cast<int>(c)));
    t.rows.push_back(std::move(row));
  }
  if (t.columns.empty()) t.columns = s.column_names();
  return t;
}

std::string format_table(const Table& t) {
  std::vector<std::size_t> width(t.columns.size());
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    width[c] = t.columns[c].size();
    for (const auto& row : t.rows) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  const auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      out += cells[c];
      if (c + 1 < cells.size()) out += std::string(width[c] - cells[c].size() + 2, ' ');
    }
    out += '\n';
  };
  line(t.columns);
  for (const auto& row : t.rows) line(row);
  return out;
}

}  // namespace etl::ledger
