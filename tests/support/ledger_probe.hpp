// A connection of the test's own on a ledger file, for what the Ledger's API does not show (rows
// of any table, a query plan) and for states no API call makes (a fixed start time, a newer
// schema). Each call opens and closes its connection, so it never holds a transaction or a lock
// across the code under test, whether that is a Ledger in this process or the binary.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace etl::test {

class LedgerProbe {
 public:
  explicit LedgerProbe(std::filesystem::path file) : file_(std::move(file)) {}

  // Rows of a query, each column as text ("" for NULL).
  std::vector<std::vector<std::string>> rows(const std::string& sql) const;
  // First column of the first row; "" when there is none.
  std::string value(const std::string& sql) const;
  // The same as a number (a count, an id); throws when it is not one.
  long long number(const std::string& sql) const;
  // Runs statements without results.
  void exec(const std::string& sql) const;

 private:
  std::filesystem::path file_;
};

}  // namespace etl::test
