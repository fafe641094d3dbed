// --dry-run DIR: the batches the run would send, as files, and nothing over HTTP.
// DIR/batch-NNNN.json holds each request body (communicationNumbers are placeholders: a real run
// draws fresh ones); DIR/plan.json the counts; DIR/held-back.jsonl each invalid row's reason.
// They hold customer data: files 0600, and DIR 0700 when the run creates it (an existing DIR
// keeps its mode).
#pragma once

#include <filesystem>
#include <fstream>
#include <vector>

#include "ledger/ledger.hpp"
#include "sync/sink.hpp"

namespace etl::sync {

class DryRunWriter : public Sink {
 public:
  DryRunWriter(std::filesystem::path dir, std::size_t batch_size, ledger::RunCounts& counts);

  void add(model::Customer customer, model::Action action) override;
  void flush() override;

  // One line per customer held back before sending (invalid, duplicate).
  void held_back(const std::string& ext_id, const std::string& outcome, const std::string& code,
                 const std::string& reason);
  // Writes plan.json.
  void finish(const std::string& window_start, const std::string& snapshot);

 private:
  std::filesystem::path dir_;
  std::size_t batch_size_;
  ledger::RunCounts& counts_;
  std::vector<std::pair<model::Customer, model::Action>> batch_;
  std::size_t batch_number_ = 0;
  long long creates_ = 0;
  long long updates_ = 0;
  std::ofstream held_back_;
};

}  // namespace etl::sync
