#include "sync/run_job.hpp"

#include <chrono>
#include <cstdlib>
#include <unordered_set>
#include <vector>

#include "amlyze/batch_api.hpp"
#include "amlyze/http_client.hpp"
#include "ledger/run_lock.hpp"
#include "model/transform.hpp"
#include "source/extract_cursor.hpp"
#include "sync/batch_sender.hpp"
#include "sync/dry_run_writer.hpp"
#include "sync/metrics_file.hpp"
#include "sync/planner.hpp"
#include "sync/progress.hpp"
#include "sync/token.hpp"
#include "util/errors.hpp"
#include "util/exit_codes.hpp"
#include "util/log.hpp"
#include "util/stop_signal.hpp"
#include "util/text.hpp"

namespace etl::sync {
namespace {

constexpr long long kLoggedHoldBacks = 20;

std::string read_sql(const SourceConfig& source) {
  try {
    return read_file(source.extract_sql.string());
  } catch (const std::exception& e) {
    throw ConfigError(std::string(e.what()) + " (source.extract_sql)");
  }
}

// Per-run state of the extract loop, kept together so each step stays small.
class RunLoop {
 public:
  RunLoop(const Config& config, const RunOptions& options, const RunPlan& plan,
          ledger::Ledger& ledger, RunResult& result, ResendGate gate)
      : config_(config),
        options_(options),
        run_plan_(plan),
        ledger_(ledger),
        result_(result),
        counts_(result.counts),
        gate_(std::move(gate)) {}

  void run(const std::string& sql, const Token& token) {
    make_sink(token);
    if (run_plan_.selects_retry_candidates) {
      retry_selected(sql);
    } else {
      source::ExtractCursor cursor(config_.source.conninfo,
                                   config_.source.idle_transaction_warn_seconds);
      const auto watermark = run_plan_.from_watermark ? ledger_.watermark() : std::nullopt;
      cursor.open(sql, config_.source.extract_sql.string(), watermark,
                  config_.source.lookback_seconds);
      open_transactions_ = cursor.open_transactions();
      started(cursor);
      if (run_plan_.advances_watermark) {
        for (const auto& warning : open_transactions_.warnings(config_.source.lookback_seconds)) {
          log_warn(warning);
        }
      }
      read_all(cursor);
      cursor.close();
    }
    sink_->flush();
    report_held_back();
    if (!run_plan_.records_in_ledger) {
      dry_writer_->finish(result_.window_start, result_.snapshot);
    } else if (run_plan_.advances_watermark) {
      advance_watermark();
    }
  }

 private:
  static constexpr std::size_t kRetryChunk = 5000;
  static constexpr std::size_t kSlice = 250;  // rows per ledger lookup

  void started(const source::ExtractCursor& cursor) {
    progress_.set_estimate(cursor.estimated_rows());
    result_.window_start = cursor.window_start();
    result_.snapshot = cursor.snapshot_time();
    if (run_plan_.records_in_ledger) {
      ledger_.set_window(result_.run_id, result_.window_start, result_.snapshot);
    }
    log_info("run " + std::to_string(result_.run_id) + " (" + mode_name(result_.mode) +
             "): reading customers changed since " + result_.window_start);
    if (const auto& asked = cursor.overridden_encoding()) {
      log_warn("source.conninfo/PGCLIENTENCODING asked for " + *asked +
               "; amlyze-etl reads UTF8 (the connection was switched to UTF8)");
    }
  }

  // `retry`: re-read the selected customers' current rows, in chunks, and resend them.
  void retry_selected(const std::string& sql) {
    const std::vector<std::string> ids = ledger_.retry_candidates(options_.ext_id);
    log_info("retry: " + std::to_string(ids.size()) + " customers to re-read and resend");
    for (std::size_t at = 0; at < ids.size(); at += kRetryChunk) {
      const std::vector<std::string> chunk(
          ids.begin() + static_cast<long>(at),
          ids.begin() + static_cast<long>(std::min(ids.size(), at + kRetryChunk)));
      source::ExtractCursor cursor(config_.source.conninfo,
                                   config_.source.idle_transaction_warn_seconds);
      cursor.open(sql, config_.source.extract_sql.string(), std::nullopt,
                  config_.source.lookback_seconds, &chunk);
      if (at == 0) started(cursor);
      read_all(cursor);
      cursor.close();
    }
    result_.not_in_source = static_cast<long long>(ids.size()) - counts_.extracted;
    if (result_.not_in_source > 0) {
      log_warn(std::to_string(result_.not_in_source) +
               " customers to retry are no longer returned by the extract query");
    }
  }

  void report_held_back() {
    const long long held_back = counts_.invalid + counts_.duplicate;
    if (held_back > kLoggedHoldBacks) {
      log_warn(std::to_string(held_back) + " customers held back in all (" +
               std::to_string(held_back - kLoggedHoldBacks) +
               " more than logged above): see sql/audit/not_accepted_last_run.sql");
    }
  }

  void make_sink(const Token& token) {
    const auto batch_size = static_cast<std::size_t>(config_.amlyze.batch_size);
    if (!run_plan_.sends) {
      auto writer = std::make_unique<DryRunWriter>(*options_.dry_run_dir, batch_size, counts_);
      dry_writer_ = writer.get();
      sink_ = std::move(writer);
      return;
    }
    const AmlyzeConfig& a = config_.amlyze;
    // One connection per request in flight: each sender thread keeps its own alive.
    std::vector<amlyze::HttpPoster*> posters;
    for (int i = 0; i < a.max_in_flight; ++i) {
      http_.push_back(
          std::make_unique<amlyze::HttpClient>(amlyze::HttpOptions{a.timeout_seconds, a.ca_file}));
      posters.push_back(http_.back().get());
    }
    const RetrySettings retry{a.max_attempts, a.retry_initial_ms, a.retry_max_ms,
                              a.retry_budget_seconds * 1000LL, a.max_failed_batches};
    const bool saves = run_plan_.amlyze_saves;
    SenderSettings settings{a.base_url + (saves ? amlyze::kBatchPath : amlyze::kValidatePath),
                            saves ? "batch-customers" : "validate-batch-customers",
                            token.value,
                            token.source,
                            batch_size,
                            result_.run_id,
                            retry,
                            std::move(gate_)};
    auto sender =
        std::make_unique<BatchSender>(settings, ledger_, posters, counts_, Backoff(retry));
    sender_ = sender.get();
    sink_ = std::move(sender);
  }

  void read_all(source::ExtractCursor& cursor) {
    model::RowValues row;
    const model::TransformOptions transform{
        config_.amlyze.requester, config_.amlyze.business_unit, {config_.classifiers}};
    while (cursor.fetch(config_.source.fetch_size)) {
      const bool first_chunk = plan_.column_count == 0;
      if (first_chunk) {
        plan_ = model::plan_columns(cursor.columns(), config_.source.extract_sql.string(),
                                    config_.amlyze.business_unit.has_value());
        sink_->hold(true);
      }
      for (std::size_t from = 0; from < cursor.rows(); from += kSlice) {
        read_slice(cursor, from, std::min(cursor.rows(), from + kSlice), row, transform);
      }
      if (first_chunk) sink_->hold(false);
      if (counts_.extracted % 100000 < static_cast<long long>(cursor.rows())) {
        log_info("progress: " + std::to_string(counts_.extracted) + " customers read");
      }
    }
    // An empty result still has columns: check the contract even when nothing changed.
    if (plan_.column_count == 0 && !cursor.columns().empty()) {
      model::plan_columns(cursor.columns(), config_.source.extract_sql.string(),
                          config_.amlyze.business_unit.has_value());
    }
  }

  // Rows [from, to) of the fetched chunk: transformed, then their ledger states read in one call
  // (as they were before these rows), then planned. Slices, not the whole chunk, bound the
  // transformed customers held at once.
  void read_slice(source::ExtractCursor& cursor, std::size_t from, std::size_t to,
                  model::RowValues& row, const model::TransformOptions& transform) {
    slice_.clear();
    ids_.clear();
    for (std::size_t i = from; i < to; ++i) {
      throw_if_stop_requested();
      progress_.tick();
      cursor.row(i, row);
      slice_.push_back(model::transform_row(plan_, row, transform));
      slice_.back().payload = nlohmann::json();  // validated and serialized: `canonical` is sent
      ids_.push_back(slice_.back().ext_id);
    }
    const std::vector<std::optional<ledger::CustomerState>> states = ledger_.customers(ids_);
    chunk_ids_.clear();
    try {
      for (std::size_t i = 0; i < slice_.size(); ++i) handle(std::move(slice_[i]), states[i]);
    } catch (...) {
      hand_over_touched();  // the customers decided before the stop may have been sent
      throw;
    }
    hand_over_touched();
  }

  // One hand-over per slice, after its batches went on: the fields a touch sets are not the
  // ones an intent or answer sets, so their order in the worker does not matter.
  void hand_over_touched() {
    ledger_.touch(result_.run_id, std::move(touched_));
    touched_.clear();
  }

  void handle(model::Customer c, const std::optional<ledger::CustomerState>& state) {
    ++counts_.extracted;
    if (const model::Problem* p = model::first_mapping_problem(c.problems)) mapping_error(c, *p);
    if (c.ext_id.empty()) return hold_back(c, ledger::Outcome::kInvalid, c.problems);
    // Earlier slices' rows are in the ledger's state; this slice's are not yet.
    const bool seen = run_plan_.writes_customer_state
                          ? (state && state->last_seen_run == result_.run_id) ||
                                !chunk_ids_.insert(c.ext_id).second
                          : !seen_.insert(c.ext_id).second;
    Decision decision = decide(c, state, seen, run_plan_.selects_retry_candidates);
    if (run_plan_.sends_unchanged &&
        (decision == Decision::kUnchanged || decision == Decision::kHeld)) {
      decision = Decision::kUpdate;
    }
    if (run_plan_.writes_customer_state && decision != Decision::kDuplicate) {
      touched_.push_back({c.ext_id, c.entity_type, c.hash, c.changed_at});
    }
    switch (decision) {
      case Decision::kDuplicate:
        return hold_back(c, ledger::Outcome::kDuplicate,
                         {{"ETL.DUPLICATE", "customerExtId",
                           "appears more than once in this extract (a join that fans out?); "
                           "the first row was kept"}});
      case Decision::kInvalid:
        return hold_back(c, ledger::Outcome::kInvalid, c.problems);
      case Decision::kUnchanged:
        ++counts_.unchanged;
        return;
      case Decision::kHeld:
        ++counts_.held;
        return;
      case Decision::kCreate:
      case Decision::kUpdate:
        return sink_->add(std::move(c), decision == Decision::kCreate ? model::Action::kCreate
                                                                      : model::Action::kUpdate);
    }
  }

  void hold_back(const model::Customer& c, ledger::Outcome outcome,
                 const model::Problems& problems) {
    ++(outcome == ledger::Outcome::kDuplicate ? counts_.duplicate : counts_.invalid);
    const std::string code = problems.empty() ? "ETL.INVALID" : problems.front().code;
    const std::string reason = model::describe(problems);
    const std::string who = c.ext_id.empty() ? "a row without customerExtId" : c.ext_id;
    // The ledger has every one; the log shows the first few so a bad mapping does not flood it.
    if (counts_.invalid + counts_.duplicate <= kLoggedHoldBacks) {
      log_warn("held back " + who + ": " + reason);
    }
    if (run_plan_.records_in_ledger) {
      ledger_.record_unsent(result_.run_id, c.ext_id, c.hash, outcome, code, reason);
    } else {
      dry_writer_->held_back(c.ext_id, ledger::outcome_name(outcome), code, reason);
    }
  }

  [[noreturn]] void mapping_error(const model::Customer& c, const model::Problem& p) {
    // Batches already taken by a sender go out and are recorded whatever happens now: wait for
    // them, so the message says truly whether anything was sent.
    if (sender_ != nullptr) sender_->stop();
    const std::string column = p.path.substr(0, p.path.find_first_of(".["));
    throw ConfigError(
        config_.source.extract_sql.string() + ": column \"" + column +
        "\" does not fit the mapping contract: " + p.path + ": " + p.message +
        " (first seen in customerExtId " + (c.ext_id.empty() ? "?" : c.ext_id) +
        "). Fix the query; " +
        (batches_sent() == 0 ? "nothing was sent." : "the batches sent before are in the ledger."));
  }

  // The sender threads count their batches under their lock; a dry run counts in this thread.
  long long batches_sent() { return sender_ ? sender_->batches_sent() : counts_.batches; }

  // The snapshot time, but never past the start of another session's transaction open at the
  // snapshot (its changes are not in this extract and carry that start as their change time),
  // nor past a customer still without a final outcome.
  void advance_watermark() {
    const source::OpenTransactions& open = open_transactions_;
    const auto previous = ledger_.watermark();
    if (open.prepared > 0 && !previous) return;  // a prepared transaction's start is unknown
    std::string next = result_.snapshot;
    if (const auto limit = open.limit(); limit && *limit < next) next = *limit;
    if (open.oldest_start && *open.oldest_start == next) {
      log_info("watermark held back by " + open.describe_oldest());
    }
    if (open.prepared > 0 && *previous < next) next = *previous;
    const auto& oldest = sender_->oldest_unfinished();
    if (oldest && *oldest < next) next = *oldest;
    ledger_.set_watermark(next, result_.run_id);
    result_.watermark_after = next;
  }

  const Config& config_;
  const RunOptions& options_;  // the dry-run folder, retry's customer; the rest is in run_plan_
  const RunPlan& run_plan_;
  ledger::Ledger& ledger_;
  RunResult& result_;
  ledger::RunCounts& counts_;
  ResendGate gate_;  // handed to the sender
  model::ColumnPlan plan_;
  std::vector<std::unique_ptr<amlyze::HttpClient>> http_;
  std::unique_ptr<Sink> sink_;
  BatchSender* sender_ = nullptr;
  DryRunWriter* dry_writer_ = nullptr;
  Progress progress_{counts_};
  source::OpenTransactions open_transactions_;  // at the snapshot of a `run`
  std::unordered_set<std::string> seen_;        // runs that leave customer state alone
  std::unordered_set<std::string> chunk_ids_;   // the current slice's, not yet in the ledger
  std::vector<model::Customer> slice_;
  std::vector<std::string> ids_;
  std::vector<ledger::Seen> touched_;  // the current slice's, handed to the ledger at its end
};

// A killed run's requests may still be applied by AMLYZE after a newer request for the same
// customer, so its cut-off customers wait for its last intent plus the grace. The wait happens
// in the sender, before the first batch that holds one of them: the extract and every other
// customer go on meanwhile.
ResendGate resend_gate(ledger::Ledger& ledger, const AmlyzeConfig& amlyze, long long run_id) {
  const ledger::UnsettledSends unsettled =
      ledger.unsettled_sends(run_id, amlyze.resend_grace_seconds, amlyze.timeout_seconds);
  ResendGate gate;
  if (unsettled.ext_ids.empty()) return gate;
  gate.ext_ids.insert(unsettled.ext_ids.begin(), unsettled.ext_ids.end());
  gate.open_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(unsettled.wait_ms);
  return gate;
}

// Metrics must never turn a run's result into a failure: a problem is logged, not thrown.
void publish_metrics(const Config& config, ledger::Ledger& ledger, long long run_id) {
  if (config.metrics.textfile.empty()) return;
  try {
    write_metrics(config.metrics.textfile, ledger, run_id);
  } catch (const std::exception& e) {
    log_warn(std::string("metrics not written: ") + e.what());
  }
}

}  // namespace

RunResult run_sync(const Config& config, const RunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const RunPlan plan = plan_run(options.command, options.full, options.dry_run_dir.has_value());
  const Token token = plan.sends ? read_token(config.amlyze) : Token{};
  const std::string sql = read_sql(config.source);
  ledger::RunLock lock(config.ledger.path);
  ledger::Ledger ledger(config.ledger.path);

  RunResult result;
  result.mode = plan.mode;
  const std::optional<int> timeout =
      plan.sends ? std::optional<int>(config.amlyze.timeout_seconds) : std::nullopt;
  result.run_id = ledger.begin_run(command_name(plan.command), mode_name(plan.mode), timeout);
  ledger.set_audit_only(!plan.writes_customer_state);
  ResendGate gate;
  if (plan.writes_customer_state) {
    result.resolved_in_flight = ledger.resolve_abandoned(result.run_id);
    if (result.resolved_in_flight > 0) {
      log_warn(std::to_string(result.resolved_in_flight) +
               " submissions of a run that ended abnormally had no recorded answer: their "
               "customers are resent now");
    }
    gate = resend_gate(ledger, config.amlyze, result.run_id);
  }
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  try {
    RunLoop(config, options, plan, ledger, result, std::move(gate)).run(sql, token);
  } catch (const std::exception& e) {
    result.elapsed_seconds = elapsed();
    try {
      ledger.flush();  // what was recorded for rows already read stays true
      const int code = exit_code_for(e);
      ledger.finish_run(result.run_id, run_outcome(code), code, result.counts, std::nullopt,
                        e.what());
    } catch (const std::exception& also) {
      log_error(std::string("could not record the aborted run: ") + also.what());
    }
    publish_metrics(config, ledger, result.run_id);
    throw;
  }
  const long long undelivered = result.counts.failed;
  result.exit_code =
      finished_run_exit_code(undelivered, result.counts.not_accepted() - undelivered);
  result.elapsed_seconds = elapsed();
  ledger.finish_run(result.run_id, run_outcome(result.exit_code), result.exit_code, result.counts,
                    result.watermark_after, "");
  publish_metrics(config, ledger, result.run_id);
  return result;
}

}  // namespace etl::sync
