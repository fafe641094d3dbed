// What the rewritten write path (issue 11) does with what earlier versions and killed runs left:
// migration 0005 on a ledger made by the schema-4 version (every customer keeps its columns, gets
// an id its submissions point at, and reads and audit queries still answer); migration 0006 on a
// ledger made by the schema-5 version (compact rows behind views that read as the tables did);
// migration 0007 on a ledger made by the schema-6 version (the partial index of unsettled
// customers, rebuilt without IN); migration 0008 on a ledger made by the schema-7 version
// (answers appended to a table of their own, read through the same view); and the customer rows a
// run killed before writing them back, rebuilt from its submissions by the next run.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "ledger/ledger.hpp"
#include "model/action.hpp"
#include "support/etl_harness.hpp"
#include "support/ledger_probe.hpp"
#include "support/old_ledger.hpp"

using etl::ledger::Ledger;
using etl::ledger::Outcome;
using etl::test::LedgerProbe;
using Rows = std::vector<std::vector<std::string>>;

namespace {

constexpr long long kAmlz = 0x414D4C7A;  // "AMLz", the application id

// A ledger of the schema-4 version, as its code wrote the rows: a run that sent C1-C3 and held
// back C4 and a row without customerExtId, then a validate run that sent V9, which has no
// customers row (validate changes no state). Customers were inserted out of extId order.
void make_schema4_ledger(const std::filesystem::path& file) {
  etl::test::make_sqlite(
      file, "PRAGMA journal_mode = WAL; PRAGMA application_id = " + std::to_string(kAmlz) + ";" +
                etl::test::old_ledger_schema_sql(4) + R"(
INSERT INTO runs (run_id, command, mode, started_at, finished_at, outcome, exit_code, extracted,
                  created, rejected, invalid, failed, batches, version, timeout_seconds)
VALUES (1, 'run', 'full', '2026-12-01T02:00:00.000Z', '2026-12-01T02:00:05.000Z', 'partial', 3,
        5, 1, 1, 2, 1, 1, '0.9', 30),
       (2, 'validate', 'full', '2026-12-02T02:00:00.000Z', '2026-12-02T02:00:01.000Z',
        'succeeded', 0, 1, 0, 0, 0, 0, 1, '0.9', 30);
INSERT INTO batches VALUES
  (1, 1, 'batch-customers', 3, 900, 200, NULL, 40, '2026-12-01T02:00:01.000Z',
   '2026-12-01T02:00:01.040Z'),
  (2, 2, 'validate-batch-customers', 1, 300, 200, NULL, 10, '2026-12-02T02:00:00.500Z',
   '2026-12-02T02:00:00.510Z');
INSERT INTO submissions VALUES
  (1, 1, 1, 'C1', 'n-1', 'CREATE', 'h1', 'accepted', NULL, NULL, '2026-12-01T02:00:01.000Z',
   '2026-12-01T02:00:01.040Z'),
  (2, 1, 1, 'C2', 'n-2', 'CREATE', 'h2', 'rejected', 'C007', 'bad birth date',
   '2026-12-01T02:00:01.000Z', '2026-12-01T02:00:01.040Z'),
  (3, 1, 1, 'C3', 'n-3', 'CREATE', 'h3', 'failed', NULL, 'timeout',
   '2026-12-01T02:00:01.000Z', '2026-12-01T02:00:01.040Z'),
  (4, 1, NULL, 'C4', NULL, NULL, 'h4', 'invalid', 'ETL.REQUIRED', 'name missing',
   '2026-12-01T02:00:02.000Z', '2026-12-01T02:00:02.000Z'),
  (5, 1, NULL, NULL, NULL, NULL, 'h5', 'invalid', 'ETL.NO_EXT_ID', 'no customerExtId',
   '2026-12-01T02:00:02.000Z', '2026-12-01T02:00:02.000Z'),
  (6, 2, 2, 'V9', 'n-6', 'CREATE', 'h9', 'accepted', NULL, NULL, '2026-12-02T02:00:00.500Z',
   '2026-12-02T02:00:00.510Z');
INSERT INTO customers VALUES
  ('C3', 'INDIVIDUAL', NULL, NULL, 'h3', 'failed', NULL, '2026-11-30 09:00:00+00', 1, 1,
   '2026-12-01T02:00:01.040Z'),
  ('C1', 'ORGANIZATION', 'h1', '2026-12-01T02:00:01.040Z', 'h1', 'accepted', NULL,
   '2026-11-30 08:00:00+00', 1, 1, '2026-12-01T02:00:01.040Z'),
  ('C4', 'INDIVIDUAL', NULL, NULL, 'h4', 'invalid', 'ETL.REQUIRED', '2026-11-30 11:00:00+00', 1,
   0, '2026-12-01T02:00:02.000Z'),
  ('C2', 'INDIVIDUAL', 'h0', '2026-11-01T02:00:00.000Z', 'h2', 'rejected', 'C007',
   '2026-11-30 10:00:00+00', 1, 3, '2026-12-01T02:00:01.040Z');
INSERT INTO sync_state VALUES ('watermark', '2026-11-30 23:59:00+00', 1,
                               '2026-12-01T02:00:05.000Z');
)");
}

// SHA-256-shaped hashes, as the job writes them: 64 lower-case hex digits.
std::string hex_hash(char digit) { return std::string(64, digit); }

// Runs and batches as the schema-5 to schema-7 versions wrote them: run 1 finished (one batch,
// answered), run 2 died with its one batch in flight.
constexpr const char kTwoRunsSql[] = R"(
INSERT INTO runs (run_id, command, mode, started_at, finished_at, outcome, exit_code, extracted,
                  created, rejected, invalid, batches, version, timeout_seconds)
VALUES (1, 'run', 'full', '2026-12-01T02:00:00.000Z', '2026-12-01T02:00:05.000Z', 'partial', 3,
        4, 1, 1, 1, 1, '0.9', 30),
       (2, 'run', 'incremental', '2026-12-02T02:00:00.000Z', NULL, 'running', NULL, 1, 0, 0, 0,
        1, '0.9', 30);
INSERT INTO batches VALUES
  (1, 1, 'batch-customers', 2, 900, 200, NULL, 40, '2026-12-01T02:00:01.000Z',
   '2026-12-01T02:00:01.040Z'),
  (2, 2, 'batch-customers', 1, 450, NULL, NULL, NULL, '2026-12-02T02:00:01.250Z', NULL);
)";

// A ledger of the schema-5 version: customer ids, text hashes and text times. C1 accepted, C2
// rejected after an earlier acceptance, C3 left in flight by a run that crashed (its customer
// row written back before the kill), and a row without customerExtId.
void make_schema5_ledger(const std::filesystem::path& file) {
  const std::string a = hex_hash('a'), b = hex_hash('b'), c = hex_hash('c'), d = hex_hash('d');
  etl::test::make_sqlite(file, "PRAGMA journal_mode = WAL; PRAGMA application_id = " +
                                   std::to_string(kAmlz) + ";" +
                                   etl::test::old_ledger_schema_sql(5) + R"(
)" + kTwoRunsSql + R"(INSERT INTO customers VALUES
  (7, 'C1', 'ORGANIZATION', ')" + a +
                                   R"(', '2026-12-01T02:00:01.040Z', ')" + a + R"(',
   'accepted', NULL, '2026-11-30 08:00:00+00', 1, 1, '2026-12-01T02:00:01.040Z'),
  (3, 'C2', 'INDIVIDUAL', ')" + d + R"(', '2026-11-01T02:00:00.999Z', ')" +
                                   b + R"(',
   'rejected', 'C007', '2026-11-30 10:00:00+00', 1, 3, '2026-12-01T02:00:01.040Z'),
  (9, 'C3', 'INDIVIDUAL', NULL, NULL, ')" +
                                   c + R"(', 'in_flight', NULL,
   '2026-12-01 09:00:00+00', 2, 1, '2026-12-02T02:00:01.250Z');
INSERT INTO submissions VALUES
  (1, 1, 1, 'C1', 'n-1', 'CREATE', ')" +
                                   a + R"(', 'accepted', NULL, NULL,
   '2026-12-01T02:00:01.000Z', '2026-12-01T02:00:01.040Z', 7),
  (2, 1, 1, 'C2', 'n-2', 'UPDATE', ')" +
                                   b + R"(', 'rejected', 'C007', 'bad birth date',
   '2026-12-01T02:00:01.000Z', '2026-12-01T02:00:01.040Z', 3),
  (3, 1, NULL, NULL, NULL, NULL, 'h5', 'invalid', 'ETL.NO_EXT_ID', 'no customerExtId',
   '2026-12-01T02:00:02.000Z', '2026-12-01T02:00:02.000Z', NULL),
  (4, 2, 2, 'C3', 'n-4', 'CREATE', ')" +
                                   c + R"(', 'in_flight', NULL, NULL,
   '2026-12-02T02:00:01.250Z', NULL, 9);
INSERT INTO sync_state VALUES ('watermark', '2026-11-30 23:59:00+00', 1,
                               '2026-12-01T02:00:05.000Z');
UPDATE sync_state SET value = '3', run_id = 2 WHERE key = 'customers_through';
)");
}

// Every documented column of the `customers` rows that match `where`, by customerExtId.
Rows customer_columns(const LedgerProbe& probe, const std::string& where = "1") {
  return probe.rows(
      "SELECT customer_ext_id, entity_type, accepted_hash, accepted_at, last_hash, last_outcome, "
      "last_error_code, last_changed_at, last_seen_run, attempts, updated_at FROM customers "
      "WHERE " +
      where + " ORDER BY customer_ext_id");
}

// Sends `ids` as one batch of `run` and records `outcomes` for them (kInFlight: no answer).
long long send(Ledger& ledger, long long run, const std::vector<std::string>& ids,
               const std::vector<Outcome>& outcomes) {
  std::vector<etl::ledger::Intent> intents;
  std::vector<etl::ledger::ItemResult> results;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::string number = "r" + std::to_string(run) + "-" + ids[i];
    intents.push_back({ids[i], number, etl::model::Action::kCreate, "h" + ids[i]});
    if (outcomes[i] == Outcome::kInFlight) continue;
    const std::string code = outcomes[i] == Outcome::kRejected ? "C007" : "";
    results.push_back({number, ids[i], "h" + ids[i], outcomes[i], code, ""});
  }
  const long long batch = ledger.record_intents(run, "batch-customers", 100, intents);
  if (!results.empty()) ledger.record_results(batch, {200, "", 5}, results);
  return batch;
}

// Runs `work` on a Ledger at `file` in a child process, which then ends as a kill would: no
// destructor, no flush. Call it before any Ledger exists in this process (fork copies no
// worker thread). Returns the child's exit status: 0 when `work` ran to the end.
int run_and_kill(const std::filesystem::path& file, const std::function<void(Ledger&)>& work) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    try {
      auto* ledger = new Ledger(file);  // never deleted: its destructor would flush
      work(*ledger);
    } catch (...) {
      std::_Exit(1);
    }
    std::_Exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// What a reader of the file sees of C1-C3 (a connection of its own, after the writer's flush):
// outcome, accepted hash, error code, attempts, and whether customer_id is the one each
// submission names.
constexpr const char kRebuiltSql[] =
    "SELECT c.customer_ext_id, c.last_outcome, coalesce(c.accepted_hash, '-'), "
    "coalesce(c.last_error_code, '-'), c.attempts, "
    "(SELECT count(*) FROM submissions s WHERE s.customer_ext_id = c.customer_ext_id AND "
    "s.customer_id = c.customer_id) AS linked FROM customers c ORDER BY 1";

const Rows kRebuilt = {{"C1", "accepted", "hC1", "-", "1", "1"},
                       {"C2", "rejected", "-", "C007", "1", "1"},
                       {"C3", "failed", "-", "-", "1", "1"}};

}  // namespace

TEST_SUITE("ledger") {
  TEST_CASE("migration 0005 on a schema-4 ledger keeps every customer and links submissions") {
    etl::test::TempDir dir;
    const auto file = dir.path() / "ledger.sqlite";
    make_schema4_ledger(file);
    LedgerProbe probe(file);
    const Rows before = customer_columns(probe);
    REQUIRE(before.size() == 4);
    Ledger ledger(file);
    ledger.flush();

    CHECK(probe.number("SELECT max(version) FROM schema_migrations") >= 5);
    CHECK(probe.number("PRAGMA application_id") == kAmlz);
    CHECK(customer_columns(probe) == before);
    CHECK(probe.number("SELECT count(DISTINCT customer_id) FROM customers") == 4);
    // Each submission names the customer of its customerExtId; none where there is no row.
    CHECK(probe.rows("SELECT s.submission_id, coalesce(s.customer_ext_id, '-'), "
                     "coalesce(c.customer_ext_id, '-') FROM submissions s LEFT JOIN customers c "
                     "ON c.customer_id = s.customer_id ORDER BY s.submission_id") ==
          Rows{{"1", "C1", "C1"},
               {"2", "C2", "C2"},
               {"3", "C3", "C3"},
               {"4", "C4", "C4"},
               {"5", "-", "-"},
               {"6", "V9", "-"}});
    CHECK(probe.number("SELECT count(*) FROM submissions WHERE customer_id IS NULL") == 2);

    const auto c2 = ledger.customer("C2").value();
    CHECK(c2.last_outcome == "rejected");
    CHECK(c2.last_error_code == "C007");
    CHECK(c2.last_hash == std::optional<std::string>("h2"));
    CHECK(c2.accepted_hash == std::optional<std::string>("h0"));
    CHECK(c2.last_seen_run == 1);
    CHECK(ledger.customer("C1").value().accepted_hash == std::optional<std::string>("h1"));
    CHECK_FALSE(ledger.customer("V9").has_value());
    CHECK(ledger.watermark() == std::optional<std::string>("2026-11-30 23:59:00+00"));

    SUBCASE("customers touched and sent after the upgrade") {
      const long long old_max = probe.number("SELECT max(customer_id) FROM customers");
      const long long c3_id = probe.number(
          "SELECT customer_id FROM customers "
          "WHERE customer_ext_id = 'C3'");
      const long long run = ledger.begin_run("run", "incremental", 30);
      CHECK(ledger.resolve_abandoned(run) == 0);
      for (const char* id : {"N1", "C3", "V9"}) {
        ledger.touch(run, id, "INDIVIDUAL", std::string("h") + id, "2026-12-04 10:00:00+00");
      }
      send(ledger, run, {"N1", "C3", "V9"},
           {Outcome::kAccepted, Outcome::kAccepted, Outcome::kAccepted});
      ledger.flush();
      const Rows ids = probe.rows(
          "SELECT customer_ext_id, customer_id, attempts FROM customers "
          "WHERE customer_ext_id IN ('N1', 'C3', 'V9') ORDER BY 1");
      REQUIRE(ids.size() == 3);
      CHECK(ids[0] == std::vector<std::string>{"C3", std::to_string(c3_id), "2"});
      CHECK(std::stoll(ids[1][1]) > old_max);  // N1
      CHECK(std::stoll(ids[2][1]) > old_max);  // V9: first seen by a run that keeps state
      CHECK(ids[1][1] != ids[2][1]);
      CHECK(probe.number("SELECT count(*) FROM submissions s JOIN customers c ON "
                         "c.customer_id = s.customer_id WHERE s.run_id = " +
                         std::to_string(run) + " AND c.customer_ext_id = s.customer_ext_id") == 3);
      CHECK(ledger.customer("C3").value().last_outcome == "accepted");
      // The validate run's submission keeps no id; the history still shows it.
      const auto v9 = ledger.audit_query("customer_history.sql", {{":ext_id", "V9"}});
      CHECK(v9.rows.size() == 2);
    }

    SUBCASE("audit and status reads") {
      const auto history = ledger.audit_query("customer_history.sql", {{":ext_id", "C2"}});
      REQUIRE(history.rows.size() == 1);
      CHECK(history.columns.at(5) == "outcome");
      CHECK(history.rows[0].at(0) == "1");         // run_id
      CHECK(history.rows[0].at(4) == "n-2");       // communication_number
      CHECK(history.rows[0].at(5) == "rejected");  // outcome
      CHECK(history.rows[0].at(6) == "C007");      // error_code
      CHECK(history.rows[0].at(8) == "200");       // http_status
      CHECK(ledger.audit_query("customer_history.sql", {{":ext_id", "V9"}}).rows.size() == 1);
      CHECK(ledger.audit_query("customers_by_outcome.sql").rows.size() == 4);
      CHECK(ledger.audit_query("recent_runs.sql").rows.size() == 2);
      const auto run1 = ledger.run_summary(1).value();
      CHECK(run1.outcome == "partial");
      CHECK(run1.exit_code == std::optional<int>(3));
      CHECK(run1.counts.rejected == 1);
      CHECK(run1.counts.invalid == 2);
      CHECK(ledger.has_run(2));
      CHECK(ledger.last_success_unix().has_value());
      CHECK(ledger.retry_candidates(std::nullopt) == std::vector<std::string>{"C2", "C3"});
    }
  }

  TEST_CASE("migration 0006 on a schema-5 ledger: compact rows that read as the tables did") {
    etl::test::TempDir dir;
    const auto file = dir.path() / "ledger.sqlite";
    make_schema5_ledger(file);
    LedgerProbe probe(file);
    const std::string columns_sql =
        "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('customers')) "
        "UNION ALL SELECT group_concat(name, ',') FROM (SELECT name FROM "
        "pragma_table_info('submissions'))";
    const Rows columns = probe.rows(columns_sql);
    const Rows customers = probe.rows("SELECT * FROM customers ORDER BY customer_id");
    const Rows submissions = probe.rows("SELECT * FROM submissions ORDER BY submission_id");
    REQUIRE(customers.size() == 3);
    REQUIRE(submissions.size() == 4);

    Ledger ledger(file);
    ledger.flush();
    CHECK(probe.number("SELECT max(version) FROM schema_migrations") >= 6);
    CHECK(probe.value("SELECT type FROM sqlite_master WHERE name = 'customers'") == "view");
    CHECK(probe.value("SELECT type FROM sqlite_master WHERE name = 'submissions'") == "view");
    // Same columns in the same order, same text in every one of them.
    CHECK(probe.rows(columns_sql) == columns);
    CHECK(probe.rows("SELECT * FROM customers ORDER BY customer_id") == customers);
    CHECK(probe.rows("SELECT * FROM submissions ORDER BY submission_id") == submissions);
    // Compared as the TEXT columns were: the sqlite3 shell's `.parameter set :to 2999-01-01`
    // binds the number 2997, which a TEXT column compares as the text '2997'; without that
    // affinity every text would compare above it.
    CHECK(probe.number("SELECT count(*) FROM submissions WHERE created_at < 2997") == 4);
    CHECK(probe.number("SELECT count(*) FROM customers WHERE updated_at < 2997") == 3);
    CHECK(probe.number("SELECT count(*) FROM customers WHERE last_hash < 2997") == 0);
    CHECK(ledger.customer("C1").value().accepted_hash == hex_hash('a'));
    CHECK(ledger.customer("C2").value().last_hash == hex_hash('b'));
    CHECK(ledger.customer("C2").value().accepted_hash == hex_hash('d'));

    const long long run = ledger.begin_run("run", "incremental", 30);
    CHECK(ledger.resolve_abandoned(run) == 1);  // C3, left in flight by run 2
    CHECK(ledger.customer("C3").value().last_outcome == "failed");
    CHECK(ledger.retry_candidates(std::nullopt) == std::vector<std::string>{"C2", "C3"});

    // Written from now on: 32-byte hashes and millisecond times, read as hex and ISO text.
    const std::string e = hex_hash('e');
    ledger.touch(run, "C4", "INDIVIDUAL", e, "2026-12-04 10:00:00+00");
    const long long batch = ledger.record_intents(
        run, "batch-customers", 100, {{"C4", "n-new", etl::model::Action::kCreate, e}});
    ledger.record_results(batch, {200, "", 5}, {{"n-new", "C4", e, Outcome::kAccepted, "", ""}});
    ledger.flush();
    CHECK(probe.rows("SELECT typeof(payload_hash), length(payload_hash), typeof(created_ms), "
                     "typeof(a.finished_ms) FROM submission_log JOIN submission_answer AS a "
                     "USING (submission_id) WHERE communication_number = 'n-new'") ==
          Rows{{"blob", "32", "integer", "integer"}});
    CHECK(probe.rows("SELECT typeof(accepted_hash), typeof(last_hash), typeof(accepted_ms) FROM "
                     "customer_state WHERE customer_ext_id = 'C4'") ==
          Rows{{"blob", "blob", "integer"}});
    CHECK(probe.value("SELECT payload_hash FROM submissions WHERE communication_number = "
                      "'n-new'") == e);
    const Rows c4 = probe.rows(
        "SELECT accepted_hash, last_hash, accepted_at, updated_at FROM customers "
        "WHERE customer_ext_id = 'C4'");
    REQUIRE(c4.size() == 1);
    CHECK(c4[0][0] == e);
    CHECK(c4[0][1] == e);
    const std::string sent =
        probe.value("SELECT created_at FROM submissions WHERE communication_number = 'n-new'");
    CHECK(sent ==
          probe.value("SELECT sent_at FROM batches WHERE batch_id = " + std::to_string(batch)));
    for (const std::string& time : {c4[0][2], c4[0][3], sent}) {
      INFO(time);
      CHECK(time.size() == 24);
      CHECK(time.substr(0, 2) == "20");
      CHECK(time.find('T') == 10);
      CHECK(time.back() == 'Z');
    }
    CHECK(ledger.customer("C4").value().accepted_hash == e);
    const auto history = ledger.audit_query("customer_history.sql", {{":ext_id", "C4"}});
    REQUIRE(history.rows.size() == 1);
    CHECK(history.rows[0].at(9) == e);  // payload_hash
  }

  TEST_CASE("migration 0007 on a schema-6 ledger: the same unsettled customers, read by index") {
    etl::test::TempDir dir;
    const auto file = dir.path() / "ledger.sqlite";
    std::string rows;
    const char* outcomes[] = {"accepted", "in_flight", "failed", "rejected", "invalid", "seen"};
    for (int i = 0; i < 6; ++i) {
      rows +=
          "INSERT INTO customer_state (customer_id, customer_ext_id, last_outcome, "
          "updated_ms) VALUES (" +
          std::to_string(i + 1) + ", 'C" + std::to_string(i + 1) + "', '" + outcomes[i] +
          "', 1764554400000);";
    }
    etl::test::make_sqlite(
        file, "PRAGMA journal_mode = WAL; PRAGMA application_id = " + std::to_string(kAmlz) + ";" +
                  etl::test::old_ledger_schema_sql(6) + rows);
    LedgerProbe probe(file);
    const std::string unsettled_sql =
        "SELECT customer_ext_id FROM customer_state INDEXED BY customers_unsettled WHERE "
        "last_outcome IN ('in_flight', 'failed', 'rejected') ORDER BY 1";
    const Rows before = probe.rows(unsettled_sql);
    REQUIRE(before == Rows{{"C2"}, {"C3"}, {"C4"}});

    Ledger ledger(file);
    ledger.flush();
    CHECK(probe.number("SELECT max(version) FROM schema_migrations") >= 7);
    const std::string index_sql =
        probe.value("SELECT sql FROM sqlite_master WHERE name = 'customers_unsettled'");
    CHECK(index_sql.find(" IN ") == std::string::npos);
    // The rebuilt index holds the same rows (read through it by the new term) ...
    CHECK(probe.rows("SELECT customer_ext_id FROM customer_state INDEXED BY customers_unsettled "
                     "WHERE (last_outcome = 'in_flight' OR last_outcome = 'failed' OR "
                     "last_outcome = 'rejected') ORDER BY 1") == before);
    // ... and the ledger's reads answer from it as before.
    CHECK(ledger.retry_candidates(std::nullopt) == std::vector<std::string>{"C2", "C3", "C4"});
    const long long run = ledger.begin_run("run", "incremental", 30);
    ledger.resolve_abandoned(run);
    CHECK(ledger.customer("C2").value().last_outcome == "failed");
  }

  TEST_CASE("migration 0008 on a schema-7 ledger: answers appended, submissions read as before") {
    etl::test::TempDir dir;
    const auto file = dir.path() / "ledger.sqlite";
    const std::string a = hex_hash('a'), b = hex_hash('b'), c = hex_hash('c');
    // Run 1 sent C1 (accepted) and C2 (rejected, code 400) and held back a row without id; run 2
    // died with C3 in flight after writing back (customers_through 3).
    etl::test::make_sqlite(
        file, "PRAGMA journal_mode = WAL; PRAGMA application_id = " + std::to_string(kAmlz) + ";" +
                  etl::test::old_ledger_schema_sql(7) + R"(
)" + kTwoRunsSql + R"(INSERT INTO customer_state VALUES
  (1, 'C1', 'ORGANIZATION', X')" +
                  a + R"(', 1764554401040, X')" + a + R"(', 'accepted', NULL,
   '2026-11-30 08:00:00+00', 1, 1, 1764554401040),
  (2, 'C2', 'INDIVIDUAL', NULL, NULL, X')" +
                  b + R"(', 'rejected', '400',
   '2026-11-30 10:00:00+00', 1, 1, 1764554401040),
  (3, 'C3', 'INDIVIDUAL', NULL, NULL, X')" +
                  c + R"(', 'in_flight', NULL,
   '2026-12-01 09:00:00+00', 2, 1, 1764640801250);
INSERT INTO submission_log VALUES
  (1, 1, 1, 1, 'C1', 'n-1', 'CREATE', X')" +
                  a + R"(', 'accepted', NULL, NULL,
   1764554401000, 1764554401040),
  (2, 1, 1, 2, 'C2', 'n-2', 'CREATE', X')" +
                  b + R"(', 'rejected', '400', 'bad birth date',
   1764554401000, 1764554401040),
  (3, 1, NULL, NULL, NULL, NULL, NULL, X')" +
                  c + R"(', 'invalid', 'ETL.NO_EXT_ID',
   'no customerExtId', 1764554402000, 1764554402000),
  (4, 2, 2, 3, 'C3', 'n-4', 'CREATE', X')" +
                  c + R"(', 'in_flight', NULL, NULL,
   1764640801250, NULL);
UPDATE sync_state SET value = '3', run_id = 2 WHERE key = 'customers_through';
)");
    LedgerProbe probe(file);
    const std::string columns_sql =
        "SELECT group_concat(name, ',') FROM pragma_table_info('submissions')";
    const std::string columns = probe.value(columns_sql);
    const Rows submissions = probe.rows("SELECT * FROM submissions ORDER BY submission_id");
    REQUIRE(submissions.size() == 4);

    Ledger ledger(file);
    ledger.flush();
    CHECK(probe.number("SELECT max(version) FROM schema_migrations") >= 8);
    CHECK(probe.number("SELECT count(*) FROM sqlite_master WHERE name = "
                       "'submissions_in_flight'") == 0);
    // Same columns, same text, compared as the TEXT columns were (400 finds '400').
    CHECK(probe.value(columns_sql) == columns);
    CHECK(probe.rows("SELECT * FROM submissions ORDER BY submission_id") == submissions);
    CHECK(probe.number("SELECT count(*) FROM submissions WHERE error_code = 400") == 1);
    CHECK(probe.number("SELECT count(*) FROM submissions WHERE finished_at < 2997") == 3);

    // C3, in flight in the dead run 2, is found after customers_through and answered unknown.
    const long long run = ledger.begin_run("run", "incremental", 30);
    CHECK(ledger.resolve_abandoned(run) == 1);
    CHECK(ledger.customer("C3").value().last_outcome == "failed");
    CHECK(probe.rows("SELECT outcome, finished_at IS NOT NULL FROM submissions WHERE "
                     "submission_id = 4") == Rows{{"unknown", "1"}});
    CHECK(ledger.resolve_abandoned(run) == 0);

    // From now on a submission row is written once; its answer is a row of its own.
    ledger.touch(run, "C3", "INDIVIDUAL", c, "2026-12-01 09:00:00+00");
    const long long batch = ledger.record_intents(
        run, "batch-customers", 100, {{"C3", "n-new", etl::model::Action::kCreate, c}});
    CHECK(probe.value("SELECT outcome FROM submissions WHERE communication_number = 'n-new'") ==
          "in_flight");
    ledger.record_results(batch, {200, "", 5}, {{"n-new", "C3", c, Outcome::kAccepted, "", ""}});
    ledger.flush();
    CHECK(probe.rows("SELECT s.outcome, a.outcome FROM submission_log AS s JOIN "
                     "submission_answer AS a USING (submission_id) WHERE "
                     "s.communication_number = 'n-new'") == Rows{{"in_flight", "accepted"}});
    CHECK(probe.rows("SELECT outcome, finished_at IS NOT NULL FROM submissions WHERE "
                     "communication_number = 'n-new'") == Rows{{"accepted", "1"}});
    CHECK(ledger.customer("C3").value().accepted_hash == c);
    // Every submission is settled: the next write-back's mark is the last one.
    CHECK(probe.value("SELECT value FROM sync_state WHERE key = 'customers_through'") ==
          probe.value("SELECT max(submission_id) FROM submission_log"));
    const auto history = ledger.audit_query("customer_history.sql", {{":ext_id", "C3"}});
    CHECK(history.rows.size() == 2);
  }

  TEST_CASE("customer rows a killed run never wrote back are rebuilt from its submissions") {
    etl::test::TempDir dir;
    const auto file = dir.path() / "ledger.sqlite";
    LedgerProbe probe(file);
    Rows flushed;  // rows the child wrote back before the kill: kept as they were
    SUBCASE("killed with batch 1 answered and batch 2 in flight, no row written back") {
      const int status = run_and_kill(file, [](Ledger& ledger) {
        const long long run = ledger.begin_run("run", "full", 30);
        for (const char* id : {"C1", "C2", "C3"}) {
          ledger.touch(run, id, "INDIVIDUAL", std::string("h") + id, "2026-12-04 10:00:00+00");
        }
        send(ledger, run, {"C1", "C2"}, {Outcome::kAccepted, Outcome::kRejected});
        send(ledger, run, {"C3"}, {Outcome::kInFlight});  // commits batch 1's answers
      });
      REQUIRE(status == 0);
      // What the kill left: answers and intents on disk, no customer row.
      REQUIRE(probe.number("SELECT count(*) FROM customers") == 0);
      REQUIRE(probe.rows("SELECT customer_ext_id, outcome FROM submissions ORDER BY 1") ==
              Rows{{"C1", "accepted"}, {"C2", "rejected"}, {"C3", "in_flight"}});
    }
    SUBCASE("killed right after a flush with one batch in flight") {
      const int status = run_and_kill(file, [](Ledger& ledger) {
        const long long run = ledger.begin_run("run", "full", 30);
        for (const char* id : {"C1", "C2", "C3"}) {
          ledger.touch(run, id, "INDIVIDUAL", std::string("h") + id, "2026-12-04 10:00:00+00");
        }
        send(ledger, run, {"C1"}, {Outcome::kAccepted});
        send(ledger, run, {"C2"}, {Outcome::kRejected});
        send(ledger, run, {"C3"}, {Outcome::kInFlight});
        ledger.flush();
      });
      REQUIRE(status == 0);
      REQUIRE(probe.rows("SELECT customer_ext_id, last_outcome FROM customers ORDER BY 1") ==
              Rows{{"C1", "accepted"}, {"C2", "rejected"}, {"C3", "in_flight"}});
      flushed = customer_columns(probe, "customer_ext_id <> 'C3'");
    }
    Ledger ledger(file);
    const long long run = ledger.begin_run("run", "incremental", 30);
    CHECK(ledger.resolve_abandoned(run) == 1);

    const auto c1 = ledger.customer("C1").value();
    CHECK(c1.last_outcome == "accepted");
    CHECK(c1.accepted_hash == std::optional<std::string>("hC1"));
    const auto c2 = ledger.customer("C2").value();
    CHECK(c2.last_outcome == "rejected");
    CHECK(c2.last_error_code == "C007");
    CHECK_FALSE(c2.accepted_hash.has_value());
    CHECK(ledger.customer("C3").value().last_outcome == "failed");

    ledger.flush();
    CHECK(probe.rows(kRebuiltSql) == kRebuilt);
    CHECK(probe.value("SELECT outcome FROM submissions WHERE customer_ext_id = 'C3'") == "unknown");
    CHECK(probe.number("SELECT count(*) FROM customers WHERE customer_ext_id = 'C1' AND "
                       "accepted_at IS NOT NULL") == 1);
    CHECK(probe.number("SELECT count(DISTINCT customer_id) FROM customers") == 3);
    if (!flushed.empty()) CHECK(customer_columns(probe, "customer_ext_id <> 'C3'") == flushed);

    // A second resolve finds nothing left to do and rewrites no row.
    const Rows settled = customer_columns(probe);
    const std::string through =
        probe.value("SELECT value FROM sync_state WHERE key = 'customers_through'");
    CHECK(ledger.resolve_abandoned(run) == 0);
    ledger.flush();
    CHECK(customer_columns(probe) == settled);
    CHECK(probe.value("SELECT value FROM sync_state WHERE key = 'customers_through'") == through);
  }
}
