// What a nightly job meets: a second run on the same ledger, SIGTERM mid-run, SIGKILL at random
// points, the database connection lost mid-extract, a ledger that cannot be written, late
// commits and equal timestamps at the watermark. Real binary, real PostgreSQL, real sandbox.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <pqxx/pqxx>
#include <random>
#include <sstream>
#include <thread>

#include "ledger/sqlite.hpp"
#include "sandbox/fault_plan.hpp"
#include "support/etl_harness.hpp"
#include "util/ids.hpp"
#include "util/text.hpp"

using etl::sandbox::FaultPlan;
using etl::test::EtlHarness;

namespace {

std::string slurp(const std::filesystem::path& file) { return etl::read_file(file.string()); }

void pause_ms(long long ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// Every valid customer is in the sandbox exactly once (one accepted CREATE), with the data the
// ledger says was accepted last, and that is the current data; nothing is left in flight.
void check_invariants(EtlHarness& h, int customers) {
  CHECK(h.sandbox().customer_count() == static_cast<std::size_t>(customers));
  CHECK(h.ledger_number("SELECT count(*) FROM submissions WHERE outcome = 'in_flight'") == 0);
  CHECK(h.ledger_number("SELECT count(*) FROM customers WHERE last_outcome <> 'accepted' OR "
                        "accepted_hash IS NOT last_hash") == 0);
  for (const auto& row : h.ledger_rows("SELECT customer_ext_id, accepted_hash FROM customers")) {
    const auto stored = h.sandbox().stored_customer(row[0]);
    REQUIRE(stored.has_value());
    CHECK(stored->creates == 1);
    nlohmann::json payload = stored->payload;
    payload.erase("communicationNumber");
    payload.erase("action");
    CHECK(etl::sha256_hex(payload.dump()) == row[1]);
  }
}

}  // namespace

TEST_SUITE("recovery") {
  TEST_CASE("a second run on the same ledger exits 4 at once and touches nothing") {
    EtlHarness h(20);
    REQUIRE(h.etl({"run"}).exit_code == 0);
    const std::string lock = h.ledger_path().string() + ".lock";
    const int fd = ::open(lock.c_str(), O_RDWR);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
    const auto requests = h.sandbox().stats().http_requests;
    const auto r = h.etl({"run", "--full"});
    ::close(fd);
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("another amlyze-etl run is using") != std::string::npos);
    CHECK(h.ledger_number("SELECT count(*) FROM runs") == 1);
    CHECK(h.sandbox().stats().http_requests == requests);
  }

  TEST_CASE(
      "SIGTERM finishes the batch in flight, records it, exits 130, and the next run resumes") {
    EtlHarness h(1500);
    h.config()["amlyze"]["batch_size"] = 1;
    auto run = h.start_etl({"run"});
    for (int i = 0; i < 400 && h.sandbox().stats().batches < 20; ++i) pause_ms(50);
    run->signal(SIGTERM);
    const auto r = run->wait();
    INFO(r.err);
    REQUIRE(r.exit_code == 130);
    CHECK(h.ledger_value("SELECT outcome FROM runs WHERE run_id = 1") == "interrupted");
    CHECK(h.ledger_number("SELECT count(*) FROM submissions WHERE outcome = 'in_flight'") == 0);
    const long long accepted =
        h.ledger_number("SELECT count(*) FROM submissions WHERE outcome = 'accepted'");
    CHECK(accepted > 0);
    CHECK(accepted < 1500);
    CHECK(static_cast<long long>(h.sandbox().customer_count()) == accepted);
    CHECK(h.ledger_value("SELECT count(*) FROM sync_state WHERE key = 'watermark'") == "0");
    h.config()["amlyze"]["batch_size"] = 200;
    const auto again = h.etl({"run"});
    CHECK(again.exit_code == 0);
    check_invariants(h, 1500);
  }

  TEST_CASE("SIGKILL at random points loses nothing and never creates a customer twice") {
    const int customers = 1200;
    EtlHarness h(customers);
    h.config()["amlyze"]["batch_size"] = 7;
    // Four requests in flight (the default) at 200 ms each: sending everything takes about 9 s,
    // longer than the 14 rounds together, so every kill lands mid-run, with batches in flight.
    FaultPlan slow;
    slow.latency_ms = 200;
    h.sandbox().set_faults(slow);
    // The sandbox holds no request longer than its 200 ms latency: a second of grace covers the
    // requests a kill cuts off, where the default (timeout_seconds, 30 s) would idle the last run.
    h.config()["amlyze"]["resend_grace_seconds"] = 1;
    std::mt19937 random(4242);
    int kills = 0;
    for (int round = 0; round < 14; ++round) {
      if (round % 3 == 1) {  // data keeps changing between the crashes
        h.bank().exec(
            "UPDATE core.customer SET last_name = last_name || 'x' WHERE kind = 'P' AND "
            "id % 97 = " +
            std::to_string(round));
      }
      auto run = h.start_etl({"run"});
      pause_ms(50 + static_cast<long long>(random() % 900));
      run->signal(SIGKILL);
      const auto r = run->wait();
      if (r.exit_code == 128 + SIGKILL) ++kills;
    }
    const auto last = h.etl({"run"});
    INFO(last.err);
    CHECK(last.exit_code == 0);
    CHECK(kills >= 10);
    check_invariants(h, customers);
    // A kill that lands before the run's row exists (a loaded machine starts slowly) leaves no
    // row; every other killed run is found and marked crashed by the run after it.
    const long long crashed =
        h.ledger_number("SELECT count(*) FROM runs WHERE outcome = 'crashed'");
    CHECK(crashed <= kills);
    CHECK(crashed + (14 - kills) + 1 == h.ledger_number("SELECT count(*) FROM runs"));
    // A version AMLYZE accepted is never sent again: at most one accepted submission per
    // customer and payload. Extra sends of one version are only the ones a kill cut off before
    // their answer was recorded (unknown), and the C004 that resolves them.
    CHECK(h.ledger_number(
              "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM submissions WHERE "
              "outcome = 'accepted' GROUP BY customer_ext_id, payload_hash)") == 1);
    CHECK(h.ledger_number("SELECT count(*) FROM submissions WHERE outcome = 'rejected' AND "
                          "error_code <> 'C004'") == 0);
    const long long worst = h.ledger_number(
        "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM submissions WHERE "
        "outcome IN ('accepted', 'unknown') GROUP BY customer_ext_id, payload_hash)");
    const long long cut =
        h.ledger_number("SELECT count(*) FROM submissions WHERE outcome = 'unknown'");
    MESSAGE("kill points: " << kills << ", submissions cut by a kill: " << cut
                            << ", worst sends of one customer version: " << worst);
    CHECK(worst <= 1 + kills);
  }

  TEST_CASE(
      "the connection lost mid-extract stops the run, keeps what was sent, holds the watermark") {
    EtlHarness h(300);
    std::string sql = slurp(etl::test::source_path("sql/extract_customers.sql"));
    while (!sql.empty() && (sql.back() == '\n' || sql.back() == ';')) sql.pop_back();
    etl::test::write_text(
        h.dir() / "sql" / "dies.sql",
        "SELECT * FROM (" + sql +
            "\n) AS q WHERE CASE WHEN \"customerExtId\" = "
            "'C0000150' THEN pg_terminate_backend(pg_backend_pid()) ELSE true END");
    h.config()["source"]["extract_sql"] = "../sql/dies.sql";
    h.config()["source"]["fetch_size"] = 50;
    h.config()["amlyze"]["batch_size"] = 20;
    const auto r = h.etl({"run"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("PostgreSQL") != std::string::npos);
    CHECK(h.ledger_value("SELECT outcome FROM runs WHERE run_id = 1") == "aborted");
    CHECK(h.ledger_value("SELECT count(*) FROM sync_state WHERE key = 'watermark'") == "0");
    const long long accepted =
        h.ledger_number("SELECT count(*) FROM submissions WHERE outcome = 'accepted'");
    CHECK(accepted > 0);
    CHECK(static_cast<long long>(h.sandbox().customer_count()) == accepted);
    CHECK(h.ledger_number("SELECT count(*) FROM submissions WHERE outcome = 'in_flight'") == 0);
    h.config()["source"]["extract_sql"] = etl::test::source_path("sql/extract_customers.sql");
    CHECK(h.etl({"run"}).exit_code == 0);
    check_invariants(h, 300);
  }

  TEST_CASE("a ledger that cannot be written stops the sending") {
    EtlHarness h(2000);
    REQUIRE(h.etl({"run", "--dry-run", (h.dir() / "dry").string()}).exit_code == 0);  // creates it
    h.config()["amlyze"]["batch_size"] = 2;
    auto run = h.start_etl({"run"});
    for (int i = 0; i < 400 && h.sandbox().stats().batches < 10; ++i) pause_ms(50);
    REQUIRE(h.sandbox().stats().batches >= 10);
    {
      etl::ledger::Database blocker(h.ledger_path().string());
      blocker.exec("BEGIN EXCLUSIVE");
      pause_ms(6500);  // longer than the job's 5 s busy timeout
      blocker.exec("ROLLBACK");
    }
    const auto r = run->wait();
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("ledger") != std::string::npos);
    // Every request the sandbox saw has its intent in the ledger: nothing went out unrecorded.
    CHECK(static_cast<long long>(h.sandbox().stats().batches) ==
          h.ledger_number("SELECT count(*) FROM batches WHERE run_id = 2"));
    h.config()["amlyze"]["batch_size"] = 250;
    CHECK(h.etl({"run"}).exit_code == 0);
    check_invariants(h, 2000);
  }

  TEST_CASE("a transaction that commits after the snapshot is caught by the lookback") {
    EtlHarness h(50);
    REQUIRE(h.etl({"run"}).exit_code == 0);
    pqxx::connection late(h.bank().conninfo());
    pqxx::work tx(late);
    tx.exec0("UPDATE core.customer SET last_name = 'Late' WHERE customer_no = 'C0000002'");
    pause_ms(50);
    REQUIRE(h.etl({"run"}).exit_code == 0);  // C0000002's change is not visible yet
    CHECK(h.sandbox().stats().updates == 0);
    tx.commit();
    REQUIRE(h.etl({"run"}).exit_code == 0);
    CHECK(h.sandbox().customer("C0000002")->at("lastName") == "Late");
    CHECK(h.sandbox().stats().updates == 1);
  }

  TEST_CASE("rows whose change time equals the watermark are read again") {
    EtlHarness h(40);
    h.config()["source"]["lookback_seconds"] = 0;
    REQUIRE(h.etl({"run"}).exit_code == 0);
    const std::string watermark =
        h.ledger_value("SELECT value FROM sync_state WHERE key = 'watermark'");
    // Three customers share exactly the watermark's timestamp (triggers off for this session).
    h.bank().exec(
        "SET session_replication_role = replica; UPDATE core.customer SET last_name = "
        "'Same' || id, updated_at = '" +
        watermark + "' WHERE id IN (3, 4, 5)");
    const auto r = h.etl({"run"});
    CHECK(r.exit_code == 0);
    CHECK(h.ledger_value("SELECT window_start FROM runs WHERE run_id = 2") == watermark);
    CHECK(h.sandbox().stats().updates == 3);
  }
}
