// The Ledger class on its public API, against real SQLite files in a temp folder: runs, window
// and watermark, what a dead run leaves behind (resolve_abandoned, unsettled_sends), retry
// candidates, read-only opening, and the reads that status, report and the metrics file use.
// A LedgerProbe (a connection of the test's own) checks rows the API does not return.
#include <doctest/doctest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ledger/ledger.hpp"
#include "ledger/statements.hpp"
#include "support/etl_harness.hpp"
#include "support/ledger_probe.hpp"
#include "sync/metrics_file.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

using etl::ledger::Access;
using etl::ledger::Ledger;
using etl::ledger::Outcome;
using etl::test::LedgerProbe;

namespace {

struct Fixture {
  etl::test::TempDir dir;
  std::filesystem::path file = dir.path() / "ledger.sqlite";
  Ledger ledger{file};
  LedgerProbe probe{file};

  // Sends `outcomes` (customerExtId C<i+1> gets outcomes[i]) in one batch of `run` and records
  // the answers; Outcome::kInFlight leaves that customer without one, as a kill would.
  void deliver(long long run, const std::vector<Outcome>& outcomes) {
    std::vector<etl::ledger::Intent> intents;
    std::vector<etl::ledger::ItemResult> results;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      const std::string id = "C" + std::to_string(i + 1);
      const std::string number = "r" + std::to_string(run) + "-" + id;
      ledger.touch(run, id, "INDIVIDUAL", "h" + id, "2026-12-01 10:00:00+00");
      intents.push_back({id, number, etl::model::Action::kCreate, "h" + id});
      if (outcomes[i] != Outcome::kInFlight) {
        results.push_back({number, id, "h" + id, outcomes[i], "", ""});
      }
    }
    const long long batch = ledger.record_intents(run, "batch-customers", 100, intents);
    if (!results.empty()) ledger.record_results(batch, {200, "", 5}, results);
  }

  // The outcome of each submission of `run`, by customer.
  // Answers are committed with the next batch's intents, or within a second: flush() first.
  std::vector<std::vector<std::string>> submissions(long long run) {
    ledger.flush();
    return probe.rows("SELECT customer_ext_id, outcome FROM submissions WHERE run_id = " +
                      std::to_string(run) + " ORDER BY customer_ext_id");
  }
};

// The counts as a list, to compare them whole.
std::vector<long long> all(const etl::ledger::RunCounts& c) {
  return {c.extracted, c.created, c.updated,   c.unchanged, c.held,          c.rejected,
          c.invalid,   c.failed,  c.duplicate, c.batches,   c.http_requests, c.http_retries};
}

}  // namespace

TEST_SUITE("ledger") {
  TEST_CASE("a run is recorded by begin_run and finish_run and read back whole") {
    Fixture f;
    const long long run = f.ledger.begin_run("run", "incremental", 30);
    CHECK(f.ledger.has_run(run));
    CHECK_FALSE(f.ledger.has_run(run + 1));
    CHECK_FALSE(f.ledger.run_summary(run + 1).has_value());
    auto summary = f.ledger.run_summary(run).value();
    CHECK(summary.command == "run");
    CHECK(summary.mode == "incremental");
    CHECK(summary.outcome == "running");
    CHECK_FALSE(summary.exit_code.has_value());
    CHECK_FALSE(summary.duration_seconds.has_value());
    CHECK(f.probe.value("SELECT timeout_seconds FROM runs") == "30");

    f.ledger.set_window(run, "-infinity", "2026-12-05 06:00:00+00");
    CHECK(f.probe.rows("SELECT window_start, snapshot_at FROM runs") ==
          std::vector<std::vector<std::string>>{{"-infinity", "2026-12-05 06:00:00+00"}});

    const etl::ledger::RunCounts counts{12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    f.ledger.finish_run(run, "partial", 3, counts, std::string("2026-12-05 05:55:00+00"), "");
    summary = f.ledger.run_summary(run).value();
    CHECK(summary.outcome == "partial");
    CHECK(summary.exit_code == 3);
    CHECK(all(summary.counts) == all(counts));
    REQUIRE(summary.duration_seconds.has_value());
    CHECK(*summary.duration_seconds >= 0.0);
    CHECK(*summary.duration_seconds < 60.0);
    CHECK(summary.started_unix > 1700000000);
    CHECK(f.probe.rows("SELECT watermark_after, error FROM runs") ==
          std::vector<std::vector<std::string>>{{"2026-12-05 05:55:00+00", ""}});

    const long long aborted = f.ledger.begin_run("retry", "incremental");
    f.ledger.finish_run(aborted, "aborted", 1, {}, std::nullopt, "source unreachable");
    CHECK(f.probe.rows("SELECT coalesce(timeout_seconds, 'none'), coalesce(watermark_after, "
                       "'none'), error FROM runs WHERE run_id = " +
                       std::to_string(aborted)) ==
          std::vector<std::vector<std::string>>{{"none", "none", "source unreachable"}});
  }

  TEST_CASE("the watermark is none until set, then the last value set, with its run") {
    Fixture f;
    CHECK_FALSE(f.ledger.watermark().has_value());
    const long long first = f.ledger.begin_run("run", "full");
    f.ledger.set_watermark("2026-12-04 06:00:00+00", first);
    CHECK(f.ledger.watermark() == "2026-12-04 06:00:00+00");
    const long long second = f.ledger.begin_run("run", "incremental");
    f.ledger.set_watermark("2026-12-05 06:00:00+00", second);
    CHECK(f.ledger.watermark() == "2026-12-05 06:00:00+00");
    CHECK(f.probe.number("SELECT run_id FROM sync_state WHERE key = 'watermark'") == second);
  }

  TEST_CASE("a batch's customers are in flight until its answers, which set their state") {
    Fixture f;
    const long long run = f.ledger.begin_run("run", "full");
    f.deliver(run, {Outcome::kAccepted, Outcome::kRejected, Outcome::kInFlight});
    CHECK(f.submissions(run) == std::vector<std::vector<std::string>>{
                                    {"C1", "accepted"}, {"C2", "rejected"}, {"C3", "in_flight"}});
    CHECK(f.ledger.customer("C1")->accepted_hash == "hC1");
    CHECK_FALSE(f.ledger.customer("C2")->accepted_hash.has_value());
    CHECK(f.ledger.customer("C3")->last_outcome == "in_flight");
    CHECK_FALSE(f.ledger.customer("C4").has_value());
  }

  TEST_CASE("resolve_abandoned: a dead run's sends become unknown and its customers failed") {
    Fixture f;
    const long long dead = f.ledger.begin_run("run", "full", 30);
    f.deliver(dead, {Outcome::kAccepted, Outcome::kInFlight, Outcome::kInFlight});
    const long long current = f.ledger.begin_run("run", "incremental", 30);

    CHECK(f.ledger.resolve_abandoned(current) == 2);
    CHECK(f.submissions(dead) == std::vector<std::vector<std::string>>{
                                     {"C1", "accepted"}, {"C2", "unknown"}, {"C3", "unknown"}});
    CHECK(f.probe.value("SELECT error_description FROM submissions WHERE customer_ext_id = "
                        "'C2'") ==
          "no answer recorded: run 1 ended before it was (crash or "
          "kill); resent by run 2");
    CHECK(f.ledger.customer("C1")->last_outcome == "accepted");
    CHECK(f.ledger.customer("C2")->last_outcome == "failed");
    CHECK(f.ledger.customer("C3")->last_outcome == "failed");
    CHECK(f.ledger.run_summary(dead)->outcome == "crashed");
    CHECK(f.ledger.run_summary(current)->outcome == "running");
    CHECK(f.ledger.retry_candidates(std::nullopt) == std::vector<std::string>{"C2", "C3"});
    CHECK(f.ledger.resolve_abandoned(current) == 0);  // once only
  }

  TEST_CASE("a lower-case hex SHA-256 is stored as its 32 bytes, anything else as its text") {
    Fixture f;
    const long long run = f.ledger.begin_run("run", "full");
    const std::string hex = "0123456789abcdef0123456789abcdef0123456789abcdeffedcba9876543210";
    std::string upper = hex;
    upper[63] = 'A';
    std::string not_hex = hex;
    not_hex[0] = 'g';
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"H1", hex}, {"H2", upper}, {"H3", not_hex}, {"H4", hex.substr(1)}, {"H5", "h5"}};
    for (const auto& [id, hash] : cases) {
      f.ledger.touch(run, id, "INDIVIDUAL", hash, "2026-12-01 10:00:00+00");
    }
    f.ledger.flush();
    CHECK(f.probe.rows("SELECT customer_ext_id, typeof(last_hash), length(last_hash) FROM "
                       "customer_state ORDER BY 1") ==
          std::vector<std::vector<std::string>>{{"H1", "blob", "32"},
                                                {"H2", "text", "64"},
                                                {"H3", "text", "64"},
                                                {"H4", "text", "63"},
                                                {"H5", "text", "2"}});
    for (const auto& [id, hash] : cases) {
      INFO(id);
      CHECK(f.ledger.customer(id)->last_hash == hash);
      CHECK(f.probe.value("SELECT last_hash FROM customers WHERE customer_ext_id = '" + id + "'") ==
            hash);
    }
  }

  TEST_CASE("resolving a crashed run's submissions reads only those after the last write-back") {
    Fixture f;
    // The ledger's own statement (its parameters unbound: they do not change the plan).
    const std::string sql = etl::ledger::kResolveInFlightSql;
    std::string steps;
    for (const auto& row : f.probe.rows("EXPLAIN QUERY PLAN " + sql)) steps += row[3] + "\n";
    INFO(steps);
    CHECK(steps.find("SEARCH s USING INTEGER PRIMARY KEY (rowid>?)") != std::string::npos);
    CHECK(steps.find("SEARCH a USING INTEGER PRIMARY KEY (rowid=?)") != std::string::npos);
    CHECK(steps.find("SCAN s\n") == std::string::npos);
  }

  TEST_CASE("the customers in flight and the retry candidates are read from a partial index") {
    Fixture f;
    for (const std::string sql :
         {etl::ledger::kCustomersInFlightSql, etl::ledger::kRetryCandidatesSql}) {
      std::string steps;
      for (const auto& row : f.probe.rows("EXPLAIN QUERY PLAN " + sql)) steps += row[3] + "\n";
      INFO(sql, "\n", steps);
      CHECK(steps.find("USING INDEX customers_unsettled") != std::string::npos);
      CHECK(steps.find("SCAN customer_state\n") == std::string::npos);
    }
  }

  // A temporary b-tree is a whole in-memory database opened and closed each time the statement
  // runs: an `IN (...)` list in a partial index's WHERE cost a quarter of every write-back.
  TEST_CASE("the per-customer write statements build no temporary b-tree each time they run") {
    Fixture f;
    for (const std::string sql :
         {etl::ledger::kWriteBackCustomerSql, etl::ledger::kIntentSql, etl::ledger::kResultSql}) {
      std::string opcodes;
      for (const auto& row : f.probe.rows("EXPLAIN " + sql)) opcodes += row[1] + " ";
      INFO(sql, "\n", opcodes);
      CHECK(opcodes.find("Insert") != std::string::npos);  // it is the statement's program
      CHECK(opcodes.find("OpenEphemeral") == std::string::npos);
    }
  }

  TEST_CASE("unsettled_sends: a dead run's cut-off customers until its deadline") {
    Fixture f;
    const long long dead = f.ledger.begin_run("run", "full", 30);
    f.deliver(dead, {Outcome::kAccepted, Outcome::kInFlight, Outcome::kInFlight});
    // Its last request went out 10 s ago.
    f.probe.exec(
        "UPDATE batches SET sent_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', "
        "'-10 seconds')");
    const long long current = f.ledger.begin_run("run", "incremental", 30);
    f.ledger.resolve_abandoned(current);
    const std::vector<std::string> cut = {"C2", "C3"};

    SUBCASE("the grace set counts from the last intent") {
      const auto waiting = f.ledger.unsettled_sends(current, 60, 5);
      CHECK(waiting.ext_ids == cut);
      CHECK(waiting.wait_ms > 45000);
      CHECK(waiting.wait_ms <= 50001);
      CHECK(f.ledger.unsettled_sends(current, 5, 60).ext_ids.empty());
      CHECK(f.ledger.unsettled_sends(current, 5, 60).wait_ms == 0);
    }
    SUBCASE("no grace: the dead run's own timeout, else the fallback") {
      const auto waiting = f.ledger.unsettled_sends(current, std::nullopt, 5);
      CHECK(waiting.ext_ids == cut);
      CHECK(waiting.wait_ms > 15000);
      CHECK(waiting.wait_ms <= 20001);
      f.probe.exec("UPDATE runs SET timeout_seconds = NULL");
      CHECK(f.ledger.unsettled_sends(current, std::nullopt, 5).ext_ids.empty());
      CHECK(f.ledger.unsettled_sends(current, std::nullopt, 60).ext_ids == cut);
    }
    SUBCASE("validate runs and the current run are left out") {
      f.probe.exec("UPDATE runs SET command = 'validate' WHERE run_id = 1");
      CHECK(f.ledger.unsettled_sends(current, 60, 60).ext_ids.empty());
      f.probe.exec("UPDATE runs SET command = 'run' WHERE run_id = 1");
      CHECK(f.ledger.unsettled_sends(dead, 60, 60).ext_ids.empty());
    }
  }

  TEST_CASE("retry candidates: failed and rejected customers, or the one asked for") {
    Fixture f;
    const long long run = f.ledger.begin_run("run", "full");
    f.deliver(run, {Outcome::kFailed, Outcome::kAccepted, Outcome::kRejected});
    f.ledger.touch(run, "C9", "INDIVIDUAL", "hC9", "2026-12-01 10:00:00+00");
    f.ledger.record_unsent(run, "C9", "hC9", Outcome::kInvalid, "ETL.X", "invalid");
    CHECK(f.ledger.retry_candidates(std::nullopt) == std::vector<std::string>{"C1", "C3"});
    CHECK(f.ledger.retry_candidates(std::string("C2")) == std::vector<std::string>{"C2"});
    // Not in the ledger: the source is read for it anyway.
    CHECK(f.ledger.retry_candidates(std::string("C404")) == std::vector<std::string>{"C404"});
  }

  TEST_CASE("read-only access creates nothing and refuses a schema not this binary's") {
    etl::test::TempDir dir;
    const auto file = dir.path() / "var" / "ledger.sqlite";
    CHECK_THROWS_AS(Ledger(file, Access::kReadOnly), etl::ConfigError);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "var"));

    { Ledger made(file); }
    LedgerProbe probe(file);
    SUBCASE("this binary's schema: reads, and refuses to write") {
      Ledger read_only(file, Access::kReadOnly);
      CHECK_FALSE(read_only.watermark().has_value());
      CHECK(read_only.audit_query("recent_runs.sql").rows.empty());
      CHECK_THROWS_AS(read_only.begin_run("run", "full"), etl::LedgerError);
    }
    SUBCASE("an older schema: left for the next run to upgrade") {
      probe.exec(
          "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM "
          "schema_migrations)");
      CHECK_THROWS_AS(Ledger(file, Access::kReadOnly), etl::LedgerError);
    }
    SUBCASE("a newer schema: refused both ways") {
      probe.exec("INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', 'x')");
      CHECK_THROWS_AS(Ledger(file, Access::kReadOnly), etl::LedgerError);
      CHECK_THROWS_AS(Ledger{file}, etl::LedgerError);
    }
  }

  TEST_CASE("audit queries run by file name with their parameters") {
    Fixture f;
    const long long first = f.ledger.begin_run("run", "full");
    f.deliver(first, {Outcome::kAccepted, Outcome::kAccepted, Outcome::kRejected});
    f.ledger.begin_run("validate", "incremental");

    const auto runs = f.ledger.audit_query("recent_runs.sql");
    CHECK(runs.columns.at(0) == "run_id");
    CHECK(runs.columns.size() == 20);
    REQUIRE(runs.rows.size() == 2);
    CHECK(runs.rows[0][0] == "2");  // newest first
    CHECK(runs.rows[0][1] == "validate");

    const etl::ledger::Params run_one = {{":run_id", "1"}, {":not_used", "x"}};
    const auto report = f.ledger.audit_query("run_report.sql", run_one);
    CHECK(report.columns ==
          std::vector<std::string>{"outcome", "error_code", "customers", "example"});
    CHECK(report.rows == std::vector<std::vector<std::string>>{{"accepted", "", "2", ""},
                                                               {"rejected", "", "1", ""}});
    CHECK(f.ledger.audit_query("slowest_batches.sql", {{":run_id", "2"}}).rows.empty());
    CHECK(f.ledger.audit_query("customers_by_outcome.sql").rows.size() == 2);
    CHECK_THROWS_AS(f.ledger.audit_query("drop_everything.sql"), etl::LedgerError);
  }

  TEST_CASE("the last success is the end of the last real run that exited 0 or 3") {
    Fixture f;
    CHECK_FALSE(f.ledger.last_success_unix().has_value());
    const auto finish = [&f](const std::string& command, const std::string& mode, int code) {
      const long long run = f.ledger.begin_run(command, mode);
      f.ledger.finish_run(run, "x", code, {}, std::nullopt, "");
      return run;
    };
    finish("run", "dry-run", 0);
    finish("validate", "incremental", 0);
    finish("run", "incremental", 5);
    CHECK_FALSE(f.ledger.last_success_unix().has_value());
    const long long partial = finish("run", "full", 3);
    f.probe.exec("UPDATE runs SET finished_at = '2026-12-05T06:00:00.000Z' WHERE run_id = " +
                 std::to_string(partial));
    CHECK(f.ledger.last_success_unix() == 1796450400);
    finish("retry", "incremental", 1);
    CHECK(f.ledger.last_success_unix() == 1796450400);
  }
}

TEST_SUITE("metrics") {
  TEST_CASE("the metrics file of a run from the ledger reads byte for byte as it always did") {
    Fixture f;
    const long long run = f.ledger.begin_run("run", "incremental", 30);
    f.ledger.finish_run(run, "partial", 3, {30, 27, 0, 0, 0, 0, 3, 0, 0, 1, 1, 0}, std::nullopt,
                        "");
    f.probe.exec(
        "UPDATE runs SET started_at = '2026-12-05T06:00:00.000Z', "
        "finished_at = '2026-12-05T06:00:12.345Z'");
    const auto file = f.dir.path() / "amlyze_etl.prom";
    etl::sync::write_metrics(file, f.ledger, run);
    const std::string expected =
        "# HELP amlyze_etl_last_run_timestamp_seconds Start of the last run (Unix time).\n"
        "# TYPE amlyze_etl_last_run_timestamp_seconds gauge\n"
        "amlyze_etl_last_run_timestamp_seconds{command=\"run\",mode=\"incremental\"} "
        "1796450400\n"
        "# HELP amlyze_etl_last_run_duration_seconds Wall time of the last run.\n"
        "# TYPE amlyze_etl_last_run_duration_seconds gauge\n"
        "amlyze_etl_last_run_duration_seconds{command=\"run\",mode=\"incremental\"} "
        "12.3450145125389\n"
        "# HELP amlyze_etl_last_run_exit_code Exit code of the last run (0 ok, 3 data problems "
        "only, 5 AMLYZE could not take customers, 1 aborted, ...).\n"
        "# TYPE amlyze_etl_last_run_exit_code gauge\n"
        "amlyze_etl_last_run_exit_code{command=\"run\",mode=\"incremental\"} 3\n"
        "# HELP amlyze_etl_last_run_success 1 when the last run exited 0 or 3 (delivered all it "
        "could).\n"
        "# TYPE amlyze_etl_last_run_success gauge\n"
        "amlyze_etl_last_run_success{command=\"run\",mode=\"incremental\"} 1\n"
        "# HELP amlyze_etl_last_success_timestamp_seconds End of the last run (not a dry run) "
        "that exited 0 or 3 (Unix time).\n"
        "# TYPE amlyze_etl_last_success_timestamp_seconds gauge\n"
        "amlyze_etl_last_success_timestamp_seconds 1796450412\n"
        "# HELP amlyze_etl_last_run_customers Customers of the last run by outcome.\n"
        "# TYPE amlyze_etl_last_run_customers gauge\n"
        "amlyze_etl_last_run_customers{outcome=\"extracted\"} 30\n"
        "amlyze_etl_last_run_customers{outcome=\"created\"} 27\n"
        "amlyze_etl_last_run_customers{outcome=\"updated\"} 0\n"
        "amlyze_etl_last_run_customers{outcome=\"unchanged\"} 0\n"
        "amlyze_etl_last_run_customers{outcome=\"held\"} 0\n"
        "amlyze_etl_last_run_customers{outcome=\"rejected\"} 0\n"
        "amlyze_etl_last_run_customers{outcome=\"invalid\"} 3\n"
        "amlyze_etl_last_run_customers{outcome=\"failed\"} 0\n"
        "amlyze_etl_last_run_customers{outcome=\"duplicate\"} 0\n"
        "# HELP amlyze_etl_last_run_batches HTTP batch requests of the last run.\n"
        "# TYPE amlyze_etl_last_run_batches gauge\n"
        "amlyze_etl_last_run_batches 1\n"
        "# HELP amlyze_etl_last_run_http_retries Requests of the last run that were retries.\n"
        "# TYPE amlyze_etl_last_run_http_retries gauge\n"
        "amlyze_etl_last_run_http_retries 0\n";
    CHECK(etl::read_file(file.string()) == expected);
    CHECK_THROWS_AS(etl::sync::write_metrics(file, f.ledger, run + 1), std::runtime_error);
  }

  TEST_CASE("durations are written as SQLite printed them") {
    etl::ledger::RunSummary run{1, "run", "full", "succeeded", 0, 0, 0.0, {}};
    const auto line = [&run](double seconds) {
      run.duration_seconds = seconds;
      const std::string text = etl::sync::render_metrics(run, std::nullopt);
      const std::string key =
          "amlyze_etl_last_run_duration_seconds{command=\"run\",mode=\"full\"} ";
      const auto at = text.find(key) + key.size();
      return text.substr(at, text.find('\n', at) - at);
    };
    // As sqlite3 prints SELECT 0.0, 2.0, 0.25, 1e-05, 1e20, 123456789012345678.0.
    CHECK(line(0.0) == "0.0");
    CHECK(line(2.0) == "2.0");
    CHECK(line(0.25) == "0.25");
    CHECK(line(1e-05) == "1.0e-05");
    CHECK(line(1e20) == "1.0e+20");
    CHECK(line(123456789012345678.0) == "1.23456789012346e+17");
    run.duration_seconds.reset();  // a run without an end: an empty value, as before
    CHECK(etl::sync::render_metrics(run, std::nullopt)
              .find("mode=\"full\"} \n# HELP amlyze_etl_last_run_exit_code") != std::string::npos);
  }
}
