#include "support/reference_bank.hpp"

#include <filesystem>
#include <set>

namespace etl::test {
namespace {

std::vector<std::string> reference_migrations() {
  std::set<std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(source_path("migrations/reference_bank"))) {
    if (entry.path().extension() == ".sql") files.insert(entry.path().string());
  }
  return {files.begin(), files.end()};
}

}  // namespace

std::string source_path(const std::string& relative) {
  return std::string(AMLYZE_SOURCE_DIR) + "/" + relative;
}

ReferenceBank::ReferenceBank(int customers, int invalid_every)
    : SqlDatabase(reference_migrations()) {
  if (customers > 0) {
    exec("SELECT core.generate_customers(" + std::to_string(customers) + ", 1, " +
         std::to_string(invalid_every) + ")");
  }
}

}  // namespace etl::test
