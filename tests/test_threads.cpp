// What the extract thread reads of the sender threads' counts while they run. These tests prove
// their point under ThreadSanitizer (AMLYZE_TSAN=1 script/test, as CI runs them), where a read
// without the senders' lock aborts the process; in other builds they check the values only.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <pqxx/pqxx>
#include <thread>

#include "ledger/ledger.hpp"
#include "sandbox/fault_plan.hpp"
#include "support/amlyze_answers.hpp"
#include "support/etl_harness.hpp"
#include "sync/backoff.hpp"
#include "sync/batch_sender.hpp"
#include "util/text.hpp"

using nlohmann::json;

namespace {

// Holds every request until opened, then accepts all of it. It signals through relaxed atomics
// only, so the test thread learns that a request arrived without synchronising with the sender
// thread that made it: whatever that thread wrote stays unordered with the test's reads, as
// between the extract thread and a sender in flight.
class GatedPoster : public etl::amlyze::HttpPoster {
 public:
  etl::amlyze::HttpResponse post_json(const std::string&, const std::string& body,
                                      const std::string&) override {
    arrived_.fetch_add(1, std::memory_order_relaxed);
    while (!open_.load(std::memory_order_relaxed)) pause();
    return etl::test::accept_all(json::parse(body));
  }
  void wait_for_requests(int n) const {
    while (arrived_.load(std::memory_order_relaxed) < n) pause();
  }
  void open() { open_.store(true, std::memory_order_relaxed); }

 private:
  static void pause() { std::this_thread::sleep_for(std::chrono::milliseconds(1)); }
  std::atomic<int> arrived_{0};
  std::atomic<bool> open_{false};
};

// The extract query with one column's value replaced for one customer, rows in customerExtId
// order. Column names are read from PostgreSQL so the query stays the shipped one.
std::string with_value(const std::string& conninfo, const std::string& column,
                       const std::string& ext_id, const std::string& value) {
  std::string sql = etl::read_file(etl::test::source_path("sql/extract_customers.sql"));
  while (!sql.empty() && (sql.back() == '\n' || sql.back() == ';')) sql.pop_back();
  pqxx::connection c(conninfo);
  pqxx::work tx(c);
  const pqxx::result shape =
      tx.exec_params("SELECT * FROM (" + sql + "\n) AS q LIMIT 0", "1970-01-01T00:00:00Z");
  std::string select;
  for (pqxx::row::size_type i = 0; i < shape.columns(); ++i) {
    const std::string name = shape.column_name(i);
    select += select.empty() ? "" : ", ";
    select += name == column ? "CASE WHEN q.\"customerExtId\" = '" + ext_id + "' THEN " + value +
                                   " ELSE q.\"" + name + "\" END AS \"" + name + "\""
                             : "q.\"" + name + "\"";
  }
  return "SELECT " + select + " FROM (" + sql + "\n) AS q ORDER BY q.\"customerExtId\"";
}

// A run whose extract has an unknown key in a json column at `bad_ext_id` (rows come in
// customerExtId order, 100 per fetch), sending batches of 10, two at a time, each answered after
// `latency_ms`: the mapping error is met while batches are in flight.
etl::test::ProcessResult run_with_bad_key_at(etl::test::EtlHarness& h,
                                             const std::string& bad_ext_id, int latency_ms) {
  etl::test::write_text(h.dir() / "sql" / "bad_key.sql",
                        with_value(h.bank().conninfo(), "listAddress", bad_ext_id,
                                   "'[{\"zip_code\": \"1\"}]'::json"));
  h.config()["source"]["extract_sql"] = "../sql/bad_key.sql";
  h.config()["source"]["fetch_size"] = 100;
  h.config()["amlyze"]["batch_size"] = 10;
  h.config()["amlyze"]["max_in_flight"] = 2;
  etl::sandbox::FaultPlan slow;
  slow.latency_ms = latency_ms;
  h.sandbox().set_faults(slow);
  return h.etl({"run"});
}

}  // namespace

TEST_SUITE("threads") {
  TEST_CASE("the sender's batch count can be read while its requests are in flight") {
    etl::test::TempDir dir;
    etl::ledger::Ledger ledger(dir.path() / "ledger.sqlite");
    etl::ledger::RunCounts counts;
    const long long run = ledger.begin_run("run", "incremental", 30);
    const etl::sync::RetrySettings retry{3, 5, 20, 10000, 3};
    GatedPoster first, second;
    etl::sync::BatchSender sender(
        {"http://amlyze/batch-customers", "batch-customers", "secret", "TOKEN", 2, run, retry, {}},
        ledger, {&first, &second}, counts, etl::sync::Backoff(retry, [] { return 0.5; }));
    for (int i = 1; i <= 4; ++i) {
      etl::model::Customer c;
      c.ext_id = "C" + std::to_string(i);
      c.canonical = json{{"customerExtId", c.ext_id}}.dump();
      c.hash = "h" + std::to_string(i);
      c.changed_at = "2026-11-26 04:00:00+00";
      ledger.touch(run, c.ext_id, "INDIVIDUAL", c.hash, c.changed_at);
      sender.add(std::move(c), etl::model::Action::kCreate);
    }
    first.wait_for_requests(1);
    second.wait_for_requests(1);
    // Both senders are inside post_json, their counts written after this thread last synced
    // with them: a plain read of counts.batches here is a data race TSan reports.
    CHECK(sender.batches_sent() == 2);
    first.open();
    second.open();
    sender.flush();
    CHECK(counts.batches == 2);
    CHECK(counts.created == 4);
  }

  TEST_CASE("a mapping error met while batches are in flight says what was sent without a race") {
    etl::test::EtlHarness h(300);
    // The first row of the third fetch is bad. At most 2 x batch_size customers wait in the
    // sender's queue, so reading 200 rows takes at least 18 batches out of it: some are sent,
    // some in flight, whatever the machine's speed (a sanitizer build included).
    const auto r = run_with_bad_key_at(h, "C0000201", 300);
    INFO(r.err);
    CHECK(r.err.find("ThreadSanitizer") == std::string::npos);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("column \"listAddress\" does not fit the mapping contract") !=
          std::string::npos);
    CHECK(r.err.find("customerExtId C0000201") != std::string::npos);
    CHECK(r.err.find("the batches sent before are in the ledger") != std::string::npos);
    CHECK(h.ledger_value("SELECT count(*) FROM batches WHERE run_id = 1") != "0");
    // The run waited for the batches in flight: each has its answer recorded.
    CHECK(h.ledger_value("SELECT count(*) FROM batches WHERE finished_at IS NULL") == "0");
  }

  TEST_CASE(
      "a mapping error in the middle of a slice keeps the state of the customers sent before it") {
    etl::test::EtlHarness h(300);
    // The bad row is the 50th of its slice: the 49 before it were decided and some were sent
    // when the run stops. Each sent customer's row must say which version was sent (last_hash),
    // or a rejected one would not be held back when it comes again unchanged.
    const auto r = run_with_bad_key_at(h, "C0000250", 100);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    REQUIRE(h.ledger_number("SELECT count(*) FROM submissions s JOIN customers c USING "
                            "(customer_id) WHERE s.batch_id IS NOT NULL AND "
                            "c.customer_ext_id > 'C0000200'") > 0);
    CHECK(h.ledger_number("SELECT count(*) FROM submissions s JOIN customers c USING (customer_id) "
                          "WHERE s.batch_id IS NOT NULL AND c.last_hash IS NOT s.payload_hash") ==
          0);
  }
}
