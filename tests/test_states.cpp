// Typed states: each enum's strings (ledger columns, the command line) in one table, and the
// run's plan decided once from the command line's choices. Every value round-trips through its
// name; any other text is refused with a message naming what was expected.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "ledger/ledger.hpp"
#include "ledger/sqlite.hpp"
#include "support/etl_harness.hpp"
#include "sync/run_plan.hpp"
#include "util/errors.hpp"
#include "util/exit_codes.hpp"

using etl::RunOutcome;
using etl::ledger::Outcome;
using etl::sync::Command;
using etl::sync::Mode;
using etl::sync::RunPlan;

namespace {

// Every value with the string it is stored and shown as, then its name() and parse() both ways.
template <typename Enum, typename Name, typename Parse>
void check_round_trip(const std::vector<std::pair<Enum, std::string>>& table, Name name,
                      Parse parse) {
  for (const auto& [value, text] : table) {
    CAPTURE(text);
    CHECK(std::string(name(value)) == text);
    CHECK(parse(text) == value);
  }
}

// Text that is not one of the names, nor a near miss that a lenient parse might accept.
template <typename Error, typename Parse>
void check_rejects(Parse parse, const std::string& what, const std::string& one_name) {
  const std::vector<std::string> bad_texts = {"", "nonsense", " " + one_name, one_name + " "};
  for (const std::string& bad : bad_texts) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse(bad), Error);
  }
  try {
    parse("RUNNING?");
    FAIL("parse accepted RUNNING?");
  } catch (const Error& e) {
    const std::string message = e.what();
    CHECK(message.find("unknown " + what + " \"RUNNING?\"") != std::string::npos);
    CHECK(message.find(one_name) != std::string::npos);  // says what it expected
  }
}

RunPlan expected_plan(Command command, Mode mode) {
  RunPlan plan;
  plan.command = command;
  plan.mode = mode;
  return plan;
}

}  // namespace

TEST_SUITE("states") {
  TEST_CASE("submission outcomes round-trip through their ledger names") {
    check_round_trip<Outcome>({{Outcome::kInFlight, "in_flight"},
                               {Outcome::kAccepted, "accepted"},
                               {Outcome::kRejected, "rejected"},
                               {Outcome::kFailed, "failed"},
                               {Outcome::kInvalid, "invalid"},
                               {Outcome::kDuplicate, "duplicate"},
                               {Outcome::kUnknown, "unknown"}},
                              etl::ledger::outcome_name, etl::ledger::parse_outcome);
    check_rejects<etl::LedgerError>(etl::ledger::parse_outcome, "submission outcome", "accepted");
    CHECK_THROWS_AS(etl::ledger::parse_outcome("ACCEPTED"), etl::LedgerError);
  }

  TEST_CASE("run outcomes round-trip through their ledger names") {
    check_round_trip<RunOutcome>({{RunOutcome::kRunning, "running"},
                                  {RunOutcome::kSucceeded, "succeeded"},
                                  {RunOutcome::kPartial, "partial"},
                                  {RunOutcome::kUndelivered, "undelivered"},
                                  {RunOutcome::kInterrupted, "interrupted"},
                                  {RunOutcome::kAborted, "aborted"},
                                  {RunOutcome::kCrashed, "crashed"}},
                                 etl::run_outcome_name, etl::parse_run_outcome);
    check_rejects<etl::LedgerError>(etl::parse_run_outcome, "run outcome", "succeeded");
    CHECK(etl::run_outcome_for(etl::kExitOk) == RunOutcome::kSucceeded);
    CHECK(etl::run_outcome_for(etl::kExitPartial) == RunOutcome::kPartial);
    CHECK(etl::run_outcome_for(etl::kExitUndelivered) == RunOutcome::kUndelivered);
    CHECK(etl::run_outcome_for(etl::kExitInterrupted) == RunOutcome::kInterrupted);
    CHECK(etl::run_outcome_for(etl::kExitAborted) == RunOutcome::kAborted);
    CHECK(etl::run_outcome_for(etl::kExitUsage) == RunOutcome::kAborted);
    CHECK(etl::run_outcome_for(etl::kExitBusy) == RunOutcome::kAborted);
  }

  TEST_CASE("commands and modes round-trip through their names") {
    check_round_trip<Command>(
        {{Command::kRun, "run"}, {Command::kRetry, "retry"}, {Command::kValidate, "validate"}},
        etl::sync::command_name, etl::sync::parse_command);
    check_rejects<etl::UsageError>(etl::sync::parse_command, "command", "validate");
    check_round_trip<Mode>({{Mode::kIncremental, "incremental"},
                            {Mode::kFull, "full"},
                            {Mode::kRetry, "retry"},
                            {Mode::kDryRun, "dry-run"}},
                           etl::sync::mode_name, etl::sync::parse_mode);
    check_rejects<etl::LedgerError>(etl::sync::parse_mode, "mode", "dry-run");
    CHECK_THROWS_AS(etl::sync::parse_mode("dry_run"), etl::LedgerError);
  }

  // What the ledger's own SQL writes for a run that died parses as the enums say it does.
  TEST_CASE("a crashed run's rows parse as unknown and crashed") {
    etl::test::TempDir dir;
    const auto path = dir.path() / "ledger.sqlite";
    {
      etl::ledger::Ledger ledger(path);
      const long long dead = ledger.begin_run("run", "incremental", 30);
      ledger.touch(dead, "C1", "INDIVIDUAL", "h1", "2026-12-05 06:00:00+00");
      etl::ledger::Intent intent;
      intent.ext_id = "C1";
      intent.communication_number = "N1";
      intent.hash = "h1";
      ledger.record_intents(dead, "batch-customers", 10, {intent});
      const long long next = ledger.begin_run("run", "incremental", 30);
      CHECK(ledger.resolve_abandoned(next) == 1);
    }
    etl::ledger::Database db(path.string(), etl::ledger::OpenMode::kReadOnly);
    etl::ledger::Statement submission(db, "SELECT outcome FROM submissions");
    REQUIRE(submission.step());
    CHECK(etl::ledger::parse_outcome(submission.text(0)) == Outcome::kUnknown);
    etl::ledger::Statement runs(db, "SELECT outcome FROM runs ORDER BY run_id");
    REQUIRE(runs.step());
    CHECK(etl::parse_run_outcome(runs.text(0)) == RunOutcome::kCrashed);
    REQUIRE(runs.step());
    CHECK(etl::parse_run_outcome(runs.text(0)) == RunOutcome::kRunning);
  }

  // One row per combination the command line (or a RunOptions) can ask for: the loop's
  // behaviour follows these properties, so each row is what that run does.
  TEST_CASE("the run plan for each command and option") {
    struct Row {
      Command command;
      bool full;
      bool dry_run;
      RunPlan expected;
    };
    RunPlan run = expected_plan(Command::kRun, Mode::kIncremental);
    RunPlan run_full = run;
    run_full.mode = Mode::kFull;
    run_full.from_watermark = false;
    RunPlan dry = run;
    dry.mode = Mode::kDryRun;
    dry.sends = dry.records_in_ledger = dry.writes_customer_state = false;
    dry.advances_watermark = false;
    RunPlan dry_full = dry;
    dry_full.from_watermark = false;
    RunPlan retry = expected_plan(Command::kRetry, Mode::kRetry);
    retry.advances_watermark = retry.from_watermark = false;
    retry.selects_retry_candidates = true;
    RunPlan validate = expected_plan(Command::kValidate, Mode::kIncremental);
    validate.amlyze_saves = validate.writes_customer_state = validate.advances_watermark = false;
    validate.sends_unchanged = true;
    RunPlan validate_full = validate;
    validate_full.mode = Mode::kFull;
    validate_full.from_watermark = false;

    const std::vector<Row> rows = {
        {Command::kRun, false, false, run},
        {Command::kRun, true, false, run_full},
        {Command::kRun, false, true, dry},
        {Command::kRun, true, true, dry_full},
        {Command::kRetry, false, false, retry},
        {Command::kValidate, false, false, validate},
        {Command::kValidate, true, false, validate_full},
    };
    for (const Row& row : rows) {
      CAPTURE(etl::sync::command_name(row.command));
      CAPTURE(row.full);
      CAPTURE(row.dry_run);
      const RunPlan plan = etl::sync::plan_run(row.command, row.full, row.dry_run);
      CHECK(plan == row.expected);
    }
  }
}
