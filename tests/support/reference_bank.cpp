#include "support/reference_bank.hpp"

#include <pqxx/pqxx>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "util/text.hpp"

namespace etl::test {
namespace {

std::string admin_conninfo() {
  if (std::getenv("PGPORT") == nullptr) {
    throw std::runtime_error(
        "no PostgreSQL for the tests: run them with script/test, which starts a throwaway "
        "cluster and sets PGHOST/PGPORT/PGUSER");
  }
  return "dbname=postgres";
}

}  // namespace

std::string source_path(const std::string& relative) {
  return std::string(AMLYZE_SOURCE_DIR) + "/" + relative;
}

ReferenceBank::ReferenceBank(int customers, int invalid_every) {
  static std::atomic<int> counter{0};
  name_ = "amlyze_t" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  {
    pqxx::connection admin(admin_conninfo());
    pqxx::nontransaction tx(admin);
    tx.exec0("DROP DATABASE IF EXISTS " + name_);
    tx.exec0("CREATE DATABASE " + name_);
  }
  std::set<std::filesystem::path> migrations;
  for (const auto& entry :
       std::filesystem::directory_iterator(source_path("migrations/reference_bank"))) {
    if (entry.path().extension() == ".sql") migrations.insert(entry.path());
  }
  for (const auto& file : migrations) exec(read_file(file.string()));
  if (customers > 0) {
    exec("SELECT core.generate_customers(" + std::to_string(customers) + ", 1, " +
         std::to_string(invalid_every) + ")");
  }
}

ReferenceBank::~ReferenceBank() {
  try {
    pqxx::connection admin(admin_conninfo());
    pqxx::nontransaction tx(admin);
    tx.exec0("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // best effort: the cluster is thrown away after the test run anyway
  }
}

std::string ReferenceBank::conninfo() const { return "dbname=" + name_; }

void ReferenceBank::exec(const std::string& sql) const {
  pqxx::connection c(conninfo());
  pqxx::nontransaction tx(c);
  tx.exec(sql);
}

std::string ReferenceBank::value(const std::string& sql) const {
  pqxx::connection c(conninfo());
  pqxx::nontransaction tx(c);
  const pqxx::result r = tx.exec(sql);
  if (r.empty() || r[0][0].is_null()) return "";
  return r[0][0].c_str();
}

}  // namespace etl::test
