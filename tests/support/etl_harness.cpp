#include "support/etl_harness.hpp"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <stdexcept>

#include "support/ledger_probe.hpp"
#include "util/ids.hpp"

namespace etl::test {

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          ("amlyze-etl-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void write_text(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
}

EtlHarness::EtlHarness(int customers, int invalid_every)
    : bank_(std::make_unique<ReferenceBank>(customers, invalid_every)),
      token_("test-token-" + new_uuid()) {
  start(bank_->conninfo(), source_path("sql/extract_customers.sql"));
}

EtlHarness::EtlHarness(std::unique_ptr<SqlDatabase> source, const std::string& extract_sql)
    : source_(std::move(source)), token_("test-token-" + new_uuid()) {
  if (!source_) throw std::invalid_argument("EtlHarness: no source database");
  start(source_->conninfo(), extract_sql);
}

ReferenceBank& EtlHarness::bank() {
  if (!bank_) throw std::logic_error("this harness reads a SqlDatabase, not the reference bank");
  return *bank_;
}

SqlDatabase& EtlHarness::source() {
  if (!source_) throw std::logic_error("this harness reads the reference bank: use bank()");
  return *source_;
}

void EtlHarness::start(const std::string& conninfo, const std::string& extract_sql) {
  sandbox_ =
      std::make_unique<sandbox::SandboxServer>(sandbox::SandboxOptions{"127.0.0.1", 0, token_});
  const int port = sandbox_->start();
  config_ = {
      {"source", {{"conninfo", conninfo}, {"extract_sql", extract_sql}, {"lookback_seconds", 300}}},
      {"amlyze",
       {{"base_url", "http://127.0.0.1:" + std::to_string(port)},
        {"token_env", "AMLYZE_TEST_TOKEN"},
        {"requester", "CORE_BANKING"},
        {"batch_size", 100}}},
      {"ledger", {{"path", "../var/ledger.sqlite"}}}};
}

std::vector<std::string> EtlHarness::etl_argv(const std::vector<std::string>& args) {
  write_text(config_path(), config_.dump(2));
  std::vector<std::string> argv = {AMLYZE_ETL_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--config");
  argv.push_back(config_path().string());
  return argv;
}

ProcessResult EtlHarness::etl(const std::vector<std::string>& args,
                              std::map<std::string, std::string> env) {
  env.emplace("AMLYZE_TEST_TOKEN", token_);
  return run_process(etl_argv(args), env);
}

std::unique_ptr<BackgroundProcess> EtlHarness::start_etl(const std::vector<std::string>& args,
                                                         std::map<std::string, std::string> env) {
  env.emplace("AMLYZE_TEST_TOKEN", token_);
  return std::make_unique<BackgroundProcess>(etl_argv(args), env);
}

std::vector<std::vector<std::string>> EtlHarness::ledger_rows(const std::string& sql) const {
  return LedgerProbe(ledger_path()).rows(sql);
}

std::string EtlHarness::ledger_value(const std::string& sql) const {
  return LedgerProbe(ledger_path()).value(sql);
}

long long EtlHarness::ledger_number(const std::string& sql) const {
  return LedgerProbe(ledger_path()).number(sql);
}

}  // namespace etl::test
