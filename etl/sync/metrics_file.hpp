// The Prometheus textfile-collector file (node_exporter --collector.textfile.directory): written
// at the end of every run, successful or not, from the ledger's record of it, atomically (a temp
// file in the same folder, then rename) so the collector never reads half a file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "ledger/ledger.hpp"

namespace etl::sync {

// The file's text for `run`; `last_success_unix` is Ledger::last_success_unix (0 when none).
std::string render_metrics(const ledger::RunSummary& run,
                           std::optional<long long> last_success_unix);

// Writes the metrics of run `run_id` (and the time of the last successful run) to `file`.
// Throws LedgerError when the ledger cannot be read, std::runtime_error when the run is not in
// the ledger or the file cannot be written.
void write_metrics(const std::filesystem::path& file, ledger::Ledger& ledger, long long run_id);

}  // namespace etl::sync
