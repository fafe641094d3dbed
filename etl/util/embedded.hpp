// Text files compiled into the binary at build time (ledger migrations, audit SQL), so the job
// works from any working directory and after install. See cmake/EmbedFiles.cmake.
#pragma once

#include <map>
#include <string>

namespace etl::embedded {

// Relative path inside the repository (e.g. "migrations/ledger/0001_init.sql") -> file contents.
const std::map<std::string, std::string>& files();

}  // namespace etl::embedded
