// End-to-end fixture: a reference bank database (or another source database with its extract
// query), the sandbox on a loopback port, a temporary folder with a config file and a ledger, and
// the real amlyze-etl binary run against them.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sandbox/sandbox_server.hpp"
#include "support/process.hpp"
#include "support/reference_bank.hpp"
#include "support/sql_database.hpp"

namespace etl::test {

// A folder under the system temp dir, removed at the end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void write_text(const std::filesystem::path& file, const std::string& text);

class EtlHarness {
 public:
  explicit EtlHarness(int customers, int invalid_every = 0);
  // The same against another source database, read with the extract query `extract_sql` (a path).
  EtlHarness(std::unique_ptr<SqlDatabase> source, const std::string& extract_sql);

  // The reference bank; throws std::logic_error for a harness built on a SqlDatabase.
  ReferenceBank& bank();
  // The source database; throws std::logic_error for a harness built on the reference bank.
  SqlDatabase& source();
  sandbox::SandboxServer& sandbox() { return *sandbox_; }
  const std::string& token() const { return token_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path ledger_path() const { return dir_.path() / "var" / "ledger.sqlite"; }
  std::filesystem::path config_path() const { return dir_.path() / "config" / "etl.jsonc"; }

  // The config written before each run; tests may change it.
  nlohmann::json& config() { return config_; }

  // Runs `amlyze-etl <args...> --config <config>` with the token in its environment.
  ProcessResult etl(const std::vector<std::string>& args,
                    std::map<std::string, std::string> env = {});
  // Starts `amlyze-etl <args...> --config <config>` in the background.
  std::unique_ptr<BackgroundProcess> start_etl(const std::vector<std::string>& args,
                                               std::map<std::string, std::string> env = {});
  // Rows of a query on the ledger, each column as text ("" for NULL), through a LedgerProbe.
  std::vector<std::vector<std::string>> ledger_rows(const std::string& sql) const;
  // First column of the first row.
  std::string ledger_value(const std::string& sql) const;
  // The same as a number (a count, an id); throws when it is not one.
  long long ledger_number(const std::string& sql) const;

 private:
  void start(const std::string& conninfo, const std::string& extract_sql);
  std::vector<std::string> etl_argv(const std::vector<std::string>& args);

  TempDir dir_;
  std::unique_ptr<ReferenceBank> bank_;
  std::unique_ptr<SqlDatabase> source_;
  std::string token_;
  std::unique_ptr<sandbox::SandboxServer> sandbox_;
  nlohmann::json config_;
};

}  // namespace etl::test
