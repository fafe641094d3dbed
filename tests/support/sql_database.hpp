// A fresh PostgreSQL database built from a list of SQL files (a schema, then its data), on the
// throwaway cluster script/test starts (PGHOST/PGPORT/PGUSER). Dropped when the object goes away.
// ReferenceBank builds on it for the shipped reference schema; tests use it directly for other
// source schemas, such as the Fineract subset in tests/fixtures/fineract/.
#pragma once

#include <string>
#include <vector>

namespace etl::test {

class SqlDatabase {
 public:
  // Runs each file, in order, in the new database. Throws std::runtime_error when no cluster is
  // reachable, and pqxx::sql_error (naming the file) when a file fails. `create_options` are
  // appended to CREATE DATABASE (e.g. "ENCODING 'SQL_ASCII' ... TEMPLATE template0").
  explicit SqlDatabase(const std::vector<std::string>& sql_files,
                       const std::string& create_options = "");
  ~SqlDatabase();
  SqlDatabase(const SqlDatabase&) = delete;
  SqlDatabase& operator=(const SqlDatabase&) = delete;

  // libpq conninfo of this database.
  std::string conninfo() const;
  void exec(const std::string& sql) const;
  // First column of the first row, as text ("" for NULL or no row).
  std::string value(const std::string& sql) const;

 private:
  std::string name_;
};

}  // namespace etl::test
