// The SQLite ledger: runs, batches, one submission row per customer per attempt, the current
// state of each customer, and the watermark. Every intent (communicationNumber, action, hash) is
// committed before its request goes out; every answer is committed before the next batch.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "ledger/customer_states.hpp"
#include "ledger/ledger_worker.hpp"
#include "ledger/report.hpp"
#include "ledger/sqlite.hpp"
#include "model/action.hpp"

namespace etl::ledger {

// What happened to one customer in one run (submissions.outcome, customers.last_outcome).
// kUnknown: sent by a run that died before its answer was recorded (resolve_abandoned).
enum class Outcome { kInFlight, kAccepted, kRejected, kFailed, kInvalid, kDuplicate, kUnknown };
const char* outcome_name(Outcome outcome);
// Throws LedgerError for any other text (a ledger column this binary does not know).
Outcome parse_outcome(std::string_view text);

struct CustomerState {
  std::optional<std::string> accepted_hash;
  std::optional<std::string> last_hash;
  std::string last_outcome;
  long long last_seen_run = 0;
  std::string last_error_code;  // empty: none
};

struct RunCounts {
  long long extracted = 0, created = 0, updated = 0, unchanged = 0, held = 0, rejected = 0,
            invalid = 0, failed = 0, duplicate = 0, batches = 0, http_requests = 0,
            http_retries = 0;
  long long not_accepted() const { return held + rejected + invalid + failed + duplicate; }
};

// A customer about to be sent: written as in_flight before the request.
struct Intent {
  std::string ext_id;
  std::string communication_number;
  model::Action action = model::Action::kCreate;
  std::string hash;
};

// A customer as extracted in a run (Ledger::touch).
struct Seen {
  std::string ext_id;
  std::string entity_type;
  std::string hash;
  std::string changed_at;
};

// The answer for one sent customer.
struct ItemResult {
  std::string communication_number;
  std::string ext_id;
  std::string hash;
  Outcome outcome = Outcome::kFailed;
  std::string error_code;
  std::string error_description;
};

// Customers a run that died may still have in AMLYZE's hands (see Ledger::unsettled_sends).
struct UnsettledSends {
  std::vector<std::string> ext_ids;  // their last submission is unknown (cut off by the kill)
  long long wait_ms = 0;             // from now until the latest dead run's deadline
};

struct BatchAnswer {
  std::optional<long> http_status;  // nullopt: no answer
  std::string error;
  long long latency_ms = 0;
};

// One run as the ledger recorded it (Ledger::run_summary), for the metrics file.
struct RunSummary {
  long long run_id = 0;
  std::string command;
  std::string mode;
  std::string outcome;                     // running until finish_run
  std::optional<int> exit_code;            // nullopt until finish_run
  long long started_unix = 0;              // Unix seconds
  std::optional<double> duration_seconds;  // nullopt until finish_run
  RunCounts counts;
};

enum class Access {
  kReadWrite,  // a run: makes the ledger when there is none, stamps and migrates it
  kReadOnly,   // status, report: never creates, writes or migrates anything
};

// Thread-safe: the extract loop and the sender threads share one Ledger. One worker thread
// (LedgerWorker) owns the SQLite connection and does every read and write in the order they
// were handed over; writes nobody waits for (touch, record_unsent, record_results) return at
// once, and are committed with the next batch's intents (one fsync per batch). Rows of
// `customers` are written back in groups (CustomerStates): read them through this class, or
// after flush().
class Ledger {
 public:
  // Refuses a file that is not a ledger untouched (ConfigError), then, for kReadWrite, creates
  // the folder and file if needed (0750, 0640), stamps the application id and applies
  // migrations. kReadOnly throws ConfigError when there is no ledger and LedgerError when its
  // schema is not this binary's. Throws LedgerError when the file cannot be used.
  explicit Ledger(const std::filesystem::path& path, Access access = Access::kReadWrite);
  // flush()es; a failure then is logged, not thrown.
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // `timeout_seconds`: amlyze.timeout_seconds of a run that sends; a later run reads it back
  // to know how long this run's requests may stay in AMLYZE's hands if it dies.
  long long begin_run(const std::string& command, const std::string& mode,
                      std::optional<int> timeout_seconds = std::nullopt);
  void set_window(long long run, const std::string& window_start, const std::string& snapshot);
  // Writes back every customer row and commits, durably, with the run's summary.
  void finish_run(long long run, const std::string& outcome, int exit_code, const RunCounts& counts,
                  const std::optional<std::string>& watermark_after, const std::string& error);

  // A run that died (crash, SIGKILL, power loss) left submissions in_flight and its run row
  // running: marks them unknown / crashed and their customers failed, so they are resent, and
  // rebuilds the customer rows it had not written back from its submissions. Returns how many
  // submissions it resolved. Call with the run lock held.
  long long resolve_abandoned(long long current_run);

  // After resolve_abandoned: the customers of dead (crashed) runs whose deadline is still ahead,
  // the deadline being the run's last intent (its last batches.sent_at) plus `grace_seconds`
  // (amlyze.resend_grace_seconds), or, when that is not set, the dead run's own recorded
  // timeout_seconds (`fallback_seconds` for a run recorded before there was one). Empty when
  // every deadline has passed. `validate` runs are left out: AMLYZE saves nothing of theirs.
  UnsettledSends unsettled_sends(long long current_run, std::optional<int> grace_seconds,
                                 int fallback_seconds);

  // customerExtIds whose last outcome is failed or rejected (or one given id), for `retry`.
  std::vector<std::string> retry_candidates(const std::optional<std::string>& ext_id);

  std::optional<std::string> watermark();
  void set_watermark(const std::string& value, long long run);

  std::optional<CustomerState> customer(const std::string& ext_id);
  // The states of a chunk of customers in one call (nullopt: never seen), in the same order.
  std::vector<std::optional<CustomerState>> customers(const std::vector<std::string>& ext_ids);
  // Records that `ext_id` was extracted in `run` with this version (hash, change time).
  void touch(long long run, const std::string& ext_id, const std::string& entity_type,
             const std::string& hash, const std::string& changed_at);
  // The same for many customers at once: one hand-over to the worker, not one per customer.
  void touch(long long run, std::vector<Seen> seen);
  // A customer held back before sending (invalid, duplicate): one submission row, no batch.
  void record_unsent(long long run, const std::string& ext_id, const std::string& hash,
                     Outcome outcome, const std::string& code, const std::string& description);

  // Commits the batch row and its in_flight submissions, with every write handed over before
  // them, durably (the one fsync per batch); returns batch_id once they are on disk.
  long long record_intents(long long run, const std::string& endpoint, std::size_t bytes,
                           const std::vector<Intent>& intents);
  // Records the HTTP answer and every item's outcome; committed with the next intents, or
  // within a second when none follow.
  void record_results(long long batch_id, const BatchAnswer& answer,
                      std::vector<ItemResult> results);

  // Waits until everything handed over is written, customer rows included, and committed.
  void flush();

  // `validate` records its run, batches and answers but must not change any customer's state.
  void set_audit_only(bool on);

  // Reads for status, report and the metrics file (ledger_reads.cpp): plain values, so no
  // caller holds a SQLite handle or writes its own SQL against the ledger.

  bool has_run(long long run_id);
  // nullopt when the ledger has no such run.
  std::optional<RunSummary> run_summary(long long run_id);
  // When (Unix seconds) the last `run` that was not a dry run and exited 0 or 3 finished;
  // nullopt when there was none.
  std::optional<long long> last_success_unix();
  // Runs one of the shipped audit queries, `name` being its file name under sql/audit/ (e.g.
  // "recent_runs.sql"), with named parameters; a parameter the query does not have is ignored.
  // Throws LedgerError for a name that is not shipped.
  Table audit_query(const std::string& name, const Params& params = {});

 private:
  struct Statements;
  // Runs `work` on the worker thread, with everything handed over before it written (flush()).
  template <class Work>
  auto with_db(Work work) -> std::invoke_result_t<Work, Database&>;
  void write_back();  // on the worker: customer rows, then commit
  void open_group();  // on the worker: the transaction posted writes go into
  void commit_group();

  Database db_;
  std::unique_ptr<Statements> stmts_;
  std::unique_ptr<CustomerStates> states_;
  std::unique_ptr<Transaction> group_;  // open while posted writes wait for their commit
  bool audit_only_ = false;
  // Intents without their answer yet: communication number -> submission_id, so an answer
  // updates its row by rowid, not through the communication_number index.
  std::unordered_map<std::string, long long> unanswered_;
  std::unique_ptr<LedgerWorker> worker_;  // last: stops before what it uses goes away
};

template <class Work>
auto Ledger::with_db(Work work) -> std::invoke_result_t<Work, Database&> {
  return worker_->call([this, &work] {
    write_back();
    return work(db_);
  });
}

}  // namespace etl::ledger
