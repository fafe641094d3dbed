// A fresh PostgreSQL database holding the reference core-banking schema (migrations/
// reference_bank) and N generated customers, on the throwaway cluster script/test starts
// (PGHOST/PGPORT/PGUSER). Dropped when the object goes away.
#pragma once

#include <string>

#include "support/sql_database.hpp"

namespace etl::test {

class ReferenceBank : public SqlDatabase {
 public:
  // Throws std::runtime_error when no cluster is reachable (run the tests with script/test).
  explicit ReferenceBank(int customers = 0, int invalid_every = 0);
};

// Path of a file in the source tree.
std::string source_path(const std::string& relative);

}  // namespace etl::test
