#include "support/sql_database.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <pqxx/pqxx>
#include <stdexcept>

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

SqlDatabase::SqlDatabase(const std::vector<std::string>& sql_files,
                         const std::string& create_options) {
  static std::atomic<int> counter{0};
  name_ = "amlyze_sql" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  {
    pqxx::connection admin(admin_conninfo());
    pqxx::nontransaction tx(admin);
    tx.exec0("DROP DATABASE IF EXISTS " + name_);
    tx.exec0("CREATE DATABASE " + name_ + " " + create_options);
  }
  for (const auto& file : sql_files) {
    try {
      exec(read_file(file));
    } catch (const pqxx::sql_error& e) {
      throw std::runtime_error(file + ": " + e.what());
    }
  }
}

SqlDatabase::~SqlDatabase() {
  try {
    pqxx::connection admin(admin_conninfo());
    pqxx::nontransaction tx(admin);
    tx.exec0("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // best effort: the cluster is thrown away after the test run anyway
  }
}

std::string SqlDatabase::conninfo() const { return "dbname=" + name_; }

void SqlDatabase::exec(const std::string& sql) const {
  pqxx::connection c(conninfo());
  pqxx::nontransaction tx(c);
  tx.exec(sql);
}

std::string SqlDatabase::value(const std::string& sql) const {
  pqxx::connection c(conninfo());
  pqxx::nontransaction tx(c);
  const pqxx::result r = tx.exec(sql);
  if (r.empty() || r[0][0].is_null()) return "";
  return r[0][0].c_str();
}

}  // namespace etl::test
