// One function per sub-command; each returns the exit code.
#pragma once

#include <filesystem>
#include <iosfwd>

#include "sync/run_job.hpp"

namespace etl::cli {

int command_run(const std::filesystem::path& config, const sync::RunOptions& options,
                std::ostream& out);
int command_status(const std::filesystem::path& config, std::ostream& out);
int command_report(const std::filesystem::path& config, long long run_id, std::ostream& out);

// The end-of-run summary printed on stdout.
void print_summary(const sync::RunResult& result, std::ostream& out);

}  // namespace etl::cli
