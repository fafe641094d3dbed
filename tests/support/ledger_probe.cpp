#include "support/ledger_probe.hpp"

#include "ledger/sqlite.hpp"

namespace etl::test {

std::vector<std::vector<std::string>> LedgerProbe::rows(const std::string& sql) const {
  ledger::Database db(file_.string());
  ledger::Statement s(db, sql);
  std::vector<std::vector<std::string>> out;
  const std::size_t columns = s.column_names().size();
  while (s.step()) {
    std::vector<std::string> row;
    for (std::size_t c = 0; c < columns; ++c) row.push_back(s.text(static_cast<int>(c)));
    out.push_back(std::move(row));
  }
  return out;
}

std::string LedgerProbe::value(const std::string& sql) const {
  const auto found = rows(sql);
  return found.empty() || found[0].empty() ? "" : found[0][0];
}

long long LedgerProbe::number(const std::string& sql) const { return std::stoll(value(sql)); }

void LedgerProbe::exec(const std::string& sql) const {
  ledger::Database db(file_.string());
  db.exec(sql);
}

}  // namespace etl::test
