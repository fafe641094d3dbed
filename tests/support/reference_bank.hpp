// A fresh PostgreSQL database holding the reference core-banking schema (migrations/
// reference_bank) and N generated customers, on the throwaway cluster script/test starts
// (PGHOST/PGPORT/PGUSER). Dropped when the object goes away.
#pragma once

#include <string>

namespace etl::test {

class ReferenceBank {
 public:
  // Throws std::runtime_error when no cluster is reachable (run the tests with script/test).
  explicit ReferenceBank(int customers = 0, int invalid_every = 0);
  ~ReferenceBank();
  ReferenceBank(const ReferenceBank&) = delete;
  ReferenceBank& operator=(const ReferenceBank&) = delete;

  // libpq conninfo of this database.
  std::string conninfo() const;
  void exec(const std::string& sql) const;
  // First column of the first row, as text ("" for NULL or no row).
  std::string value(const std::string& sql) const;

 private:
  std::string name_;
};

// Path of a file in the source tree.
std::string source_path(const std::string& relative);

}  // namespace etl::test
