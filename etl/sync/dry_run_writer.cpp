#include "sync/dry_run_writer.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "amlyze/batch_api.hpp"
#include "util/errors.hpp"
#include "util/file_modes.hpp"

namespace etl::sync {
namespace {

// Batches hold full customer data: readable by the job's user only, whatever the umask.
constexpr auto kFileMode = std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;
constexpr auto kFolderMode = std::filesystem::perms::owner_all;

void create_private(const std::filesystem::path& path) {
  std::error_code ec;
  create_file(path, kFileMode, ec);
  if (ec) throw ConfigError(path.string() + ": cannot write the dry-run output: " + ec.message());
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  create_private(path);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw ConfigError(path.string() + ": cannot write the dry-run output");
}

}  // namespace

DryRunWriter::DryRunWriter(std::filesystem::path dir, std::size_t batch_size,
                           ledger::RunCounts& counts)
    : dir_(std::move(dir)), batch_size_(batch_size), counts_(counts) {
  std::error_code ec;
  create_folders(dir_, kFolderMode, ec);
  if (ec) throw ConfigError(dir_.string() + ": cannot create the dry-run folder: " + ec.message());
  create_private(dir_ / "held-back.jsonl");
  held_back_.open(dir_ / "held-back.jsonl", std::ios::trunc);
  if (!held_back_) throw ConfigError(dir_.string() + ": cannot write held-back.jsonl");
}

void DryRunWriter::add(model::Customer customer, model::Action action) {
  ++(action == model::Action::kCreate ? creates_ : updates_);
  batch_.emplace_back(std::move(customer), action);
  if (batch_.size() >= batch_size_) flush();
}

void DryRunWriter::flush() {
  if (batch_.empty()) return;
  ++batch_number_;
  std::vector<amlyze::OutgoingItem> items;
  for (std::size_t i = 0; i < batch_.size(); ++i) {
    const auto& [customer, action] = batch_[i];
    items.push_back({customer.ext_id,
                     "dry-run-" + std::to_string(batch_number_) + "-" + std::to_string(i + 1),
                     action, customer.hash, &customer.canonical});
  }
  char name[32];
  std::snprintf(name, sizeof name, "batch-%04zu.json", batch_number_);
  write_file(dir_ / name, amlyze::build_batch_body(items));
  ++counts_.batches;
  batch_.clear();
}

void DryRunWriter::held_back(const std::string& ext_id, const std::string& outcome,
                             const std::string& code, const std::string& reason) {
  held_back_ << nlohmann::json{{"customerExtId", ext_id},
                               {"outcome", outcome},
                               {"errorCode", code},
                               {"reason", reason}}
                    .dump()
             << '\n';
}

void DryRunWriter::finish(const std::string& window_start, const std::string& snapshot) {
  flush();
  held_back_.flush();
  const nlohmann::json plan = {
      {"windowStart", window_start}, {"snapshot", snapshot},       {"extracted", counts_.extracted},
      {"create", creates_},          {"update", updates_},         {"unchanged", counts_.unchanged},
      {"held", counts_.held},        {"invalid", counts_.invalid}, {"duplicate", counts_.duplicate},
      {"batches", counts_.batches}};
  write_file(dir_ / "plan.json", plan.dump(2) + "\n");
}

}  // namespace etl::sync
