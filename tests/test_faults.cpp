// The fault suite: the real binary against a sandbox that misbehaves on purpose (rate limits,
// outages, whole-batch errors, poison customers, lost answers, rejections). After each, what the
// sandbox holds and what the ledger says must agree: every valid customer exactly once, with its
// latest data, and every customer that did not make it visible with the reason.
#include <doctest/doctest.h>

#include "sandbox/fault_plan.hpp"
#include "support/etl_harness.hpp"

using etl::sandbox::FaultKind;
using etl::sandbox::FaultPlan;
using etl::sandbox::FaultStep;
using etl::test::EtlHarness;

namespace {

// Fast retries so the suite stays quick; the policy itself is unit-tested in test_batch_sender.
void quick_retries(EtlHarness& h) {
  h.config()["amlyze"]["retry_initial_ms"] = 20;
  h.config()["amlyze"]["retry_max_ms"] = 100;
  h.config()["amlyze"]["batch_size"] = 25;
}

FaultStep step(FaultKind kind, int status = 503, int retry_after = -1, int stall_ms = 0) {
  return FaultStep{kind, status, retry_after, stall_ms};
}

void check_all_delivered_once(EtlHarness& h, std::size_t customers) {
  CHECK(h.sandbox().customer_count() == customers);
  for (const auto& row : h.ledger_rows("SELECT customer_ext_id FROM customers")) {
    const auto stored = h.sandbox().stored_customer(row[0]);
    REQUIRE(stored.has_value());
    CHECK(stored->creates == 1);
  }
  CHECK(h.ledger_number("SELECT count(*) FROM submissions WHERE outcome = 'in_flight'") == 0);
  CHECK(h.ledger_number("SELECT count(*) FROM customers WHERE last_outcome <> 'accepted'") == 0);
}

}  // namespace

TEST_SUITE("faults") {
  TEST_CASE("429 with Retry-After is honoured, then the batch goes through") {
    EtlHarness h(60);
    quick_retries(h);
    FaultPlan plan;
    plan.next = {step(FaultKind::kStatus, 429, 1)};
    h.sandbox().set_faults(plan);
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    check_all_delivered_once(h, 60);
    // One 429 (whichever batch reached the sandbox first), then nothing but 200.
    CHECK(h.ledger_value("SELECT group_concat(http_status) FROM (SELECT DISTINCT http_status "
                         "FROM batches ORDER BY http_status)") == "200,429");
    CHECK(h.ledger_number("SELECT count(*) FROM batches WHERE http_status = 429") == 1);
    // The retry waited at least the second the server asked for, and so did every other sender
    // (max_in_flight is 4): no request went out during the pause. The first 50 ms allow for a
    // sender that was already past its check when the 429 came back.
    const std::string gap_ms =
        "CAST((julianday(b.sent_at) - julianday(f.finished_at)) * 86400000 AS INTEGER)";
    const std::string after_429 =
        " FROM batches b, batches f WHERE f.http_status = 429 AND "
        "b.batch_id <> f.batch_id AND " +
        gap_ms + " > 50";
    CHECK(h.ledger_number("SELECT min(" + gap_ms + ")" + after_429) >= 1000);
    CHECK(h.ledger_value("SELECT http_retries FROM runs") == "1");
  }

  TEST_CASE("503 and 502 are retried with backoff") {
    EtlHarness h(60);
    quick_retries(h);
    FaultPlan plan;
    plan.next = {step(FaultKind::kStatus, 503), step(FaultKind::kStatus, 502),
                 step(FaultKind::kNone), step(FaultKind::kStatus, 503)};
    h.sandbox().set_faults(plan);
    CHECK(h.etl({"run"}).exit_code == 0);
    check_all_delivered_once(h, 60);
    CHECK(h.ledger_value("SELECT http_retries FROM runs") == "3");
    CHECK(h.ledger_number("SELECT count(*) FROM batches WHERE http_status IN (502, 503)") == 3);
    // A fresh number per item and attempt: the failed attempts' items plus one accepted each.
    CHECK(h.ledger_number("SELECT count(DISTINCT communication_number) FROM submissions") ==
          60 + h.ledger_number("SELECT sum(items) FROM batches WHERE http_status IN (502, 503)"));
  }

  TEST_CASE("a whole-batch 500 or 200-with-errorCode is split and delivered") {
    EtlHarness h(60);
    quick_retries(h);
    FaultPlan plan;
    plan.next = {step(FaultKind::kWholeBatch500), step(FaultKind::kErrorCode200)};
    h.sandbox().set_faults(plan);
    CHECK(h.etl({"run"}).exit_code == 0);
    check_all_delivered_once(h, 60);
  }

  TEST_CASE("a poison customer that breaks the whole request with 400 is isolated") {
    EtlHarness h(80);
    quick_retries(h);
    FaultPlan plan;
    plan.poison_ext_ids = {"C0000007"};
    h.sandbox().set_faults(plan);
    const auto r = h.etl({"run"});
    CHECK(r.exit_code == 3);
    CHECK(h.sandbox().customer_count() == 79);
    CHECK_FALSE(h.sandbox().customer("C0000007").has_value());
    CHECK(h.ledger_value("SELECT last_outcome || ' ' || last_error_code FROM customers WHERE "
                         "customer_ext_id = 'C0000007'") == "rejected HTTP400");
    CHECK(h.ledger_number("SELECT count(*) FROM customers WHERE last_outcome = 'accepted'") == 79);
    SUBCASE("retry resends it once AMLYZE takes it") {
      h.sandbox().clear_faults();
      const auto again = h.etl({"retry"});
      INFO(again.err);
      CHECK(again.exit_code == 0);
      check_all_delivered_once(h, 80);
      CHECK(h.ledger_value("SELECT command || ' ' || extracted FROM runs WHERE run_id = 2") ==
            "retry 1");
    }
  }

  TEST_CASE(
      "a poison customer with 500 stays failed, holds the watermark, and the next run sends it") {
    EtlHarness h(50);
    quick_retries(h);
    h.config()["amlyze"]["max_attempts"] = 2;
    FaultPlan plan;
    plan.poison_ext_ids = {"C0000009"};
    plan.poison_status = 500;
    h.sandbox().set_faults(plan);
    CHECK(h.etl({"run"}).exit_code == 5);  // AMLYZE could not take it: undelivered, not data
    CHECK(h.sandbox().customer_count() == 49);
    CHECK(h.ledger_value("SELECT last_outcome FROM customers WHERE customer_ext_id = 'C0000009'") ==
          "failed");
    const std::string changed =
        h.ledger_value("SELECT last_changed_at FROM customers WHERE customer_ext_id = 'C0000009'");
    CHECK(h.ledger_value("SELECT value FROM sync_state WHERE key = 'watermark'") <= changed);
    h.sandbox().clear_faults();
    CHECK(h.etl({"run"}).exit_code == 0);
    check_all_delivered_once(h, 50);
  }

  TEST_CASE("an answer lost after AMLYZE applied the batch never creates a customer twice") {
    EtlHarness h(60);
    quick_retries(h);
    FaultPlan plan;
    plan.next = {step(FaultKind::kNone), step(FaultKind::kApplyThenDrop)};
    h.sandbox().set_faults(plan);
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    check_all_delivered_once(h, 60);
    // The second batch to reach the sandbox (of 25 or, with 4 in flight, maybe the last one
    // of 10) was applied but unanswered: resent with new numbers, answered C004 (exists),
    // resent as UPDATE.
    const long long dropped =
        h.ledger_number("SELECT items FROM batches WHERE http_status IS NULL");
    CHECK((dropped == 25 || dropped == 10));
    CHECK(h.ledger_number("SELECT count(*) FROM submissions WHERE error_code = 'C004'") == dropped);
    CHECK(static_cast<long long>(h.sandbox().stats().updates) == dropped);
  }

  TEST_CASE("a timeout after AMLYZE applied the batch is resolved the same way") {
    EtlHarness h(30);
    quick_retries(h);
    h.config()["amlyze"]["timeout_seconds"] = 1;
    FaultPlan plan;
    plan.next = {step(FaultKind::kApplyThenStall, 503, -1, 2500)};
    h.sandbox().set_faults(plan);
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    check_all_delivered_once(h, 30);
    // Whichever batch reached the sandbox first (with 4 in flight, not always the first sent).
    CHECK(h.ledger_number("SELECT count(*) FROM batches WHERE error LIKE '%timeout%'") == 1);
  }

  TEST_CASE("customers AMLYZE rejects are recorded with its code and resent by retry") {
    EtlHarness h(40);
    quick_retries(h);
    FaultPlan plan;
    plan.reject_ext_ids = {{"C0000005", "C007"}, {"C0000006", "C016.I06"}};
    h.sandbox().set_faults(plan);
    CHECK(h.etl({"run"}).exit_code == 3);
    CHECK(
        h.ledger_value(
            "SELECT group_concat(customer_ext_id || ':' || last_error_code, ' ') FROM "
            "(SELECT * FROM customers WHERE last_outcome = 'rejected' ORDER BY customer_ext_id)") ==
        "C0000005:C007 C0000006:C016.I06");
    // Unchanged data is not resent by a run (held), only by retry.
    CHECK(h.etl({"run", "--full"}).exit_code == 3);
    CHECK(h.ledger_value("SELECT held FROM runs WHERE run_id = 2") == "2");
    h.sandbox().clear_faults();
    const auto one = h.etl({"retry", "--ext-id", "C0000005"});
    CHECK(one.exit_code == 0);
    CHECK(h.sandbox().customer("C0000005").has_value());
    CHECK_FALSE(h.sandbox().customer("C0000006").has_value());
    CHECK(h.etl({"retry"}).exit_code == 0);
    check_all_delivered_once(h, 40);
  }

  TEST_CASE("a customer left rejected with C004 is not held: the next run resends it") {
    // What a kill between a C004 and its resend with the other action leaves in the ledger
    // (seen in the SIGKILL test): here the sandbox answers C004 to both actions once.
    EtlHarness h(20);
    FaultPlan plan;
    plan.reject_ext_ids = {{"C0000007", "C004"}};
    h.sandbox().set_faults(plan);
    CHECK(h.etl({"run"}).exit_code == 3);
    CHECK(h.ledger_value("SELECT last_outcome || ':' || last_error_code FROM customers WHERE "
                         "customer_ext_id = 'C0000007'") == "rejected:C004");
    CHECK(h.ledger_value("SELECT group_concat(action) FROM (SELECT action FROM submissions WHERE "
                         "customer_ext_id = 'C0000007' ORDER BY submission_id)") ==
          "CREATE,UPDATE");
    h.sandbox().clear_faults();
    const auto again = h.etl({"run", "--full"});
    CHECK(again.exit_code == 0);
    CHECK(h.ledger_value("SELECT held FROM runs WHERE run_id = 2") == "0");
    check_all_delivered_once(h, 20);
  }

  TEST_CASE("too many failed batches in a row stop the run, and everything is resumable") {
    EtlHarness h(200);
    quick_retries(h);
    h.config()["amlyze"]["max_attempts"] = 2;
    h.config()["amlyze"]["max_failed_batches"] = 2;
    h.config()["amlyze"]["max_in_flight"] = 1;  // one request at a time: an exact count below
    FaultPlan plan;
    plan.next = {step(FaultKind::kNone), step(FaultKind::kNone)};
    plan.failure_rate = 1.0;
    h.sandbox().set_faults(plan);
    const auto r = h.etl({"run"});
    CHECK(r.exit_code == 5);
    CHECK(r.err.find("batches in a row failed") != std::string::npos);
    CHECK(h.sandbox().customer_count() == 50);
    CHECK(h.ledger_value("SELECT outcome FROM runs") == "undelivered");
    CHECK(h.ledger_value("SELECT count(*) FROM sync_state WHERE key = 'watermark'") == "0");
    CHECK(h.sandbox().stats().http_requests == 2 + 2 * 2);
    h.sandbox().clear_faults();
    CHECK(h.etl({"run"}).exit_code == 0);
    check_all_delivered_once(h, 200);
  }

  TEST_CASE("added latency slows the run but changes nothing") {
    EtlHarness h(50);
    quick_retries(h);
    FaultPlan plan;
    plan.latency_ms = 150;
    h.sandbox().set_faults(plan);
    CHECK(h.etl({"run"}).exit_code == 0);
    check_all_delivered_once(h, 50);
    CHECK(h.ledger_number("SELECT min(latency_ms) FROM batches") >= 150);
  }

  TEST_CASE("max_in_flight requests overlap, and 1 sends one at a time") {
    // The most requests in flight at once: at each batch's start, the batches sent by then and
    // not yet answered.
    const std::string most_in_flight =
        "SELECT max(n) FROM (SELECT (SELECT count(*) FROM batches o WHERE o.sent_at <= "
        "b.sent_at AND o.finished_at > b.sent_at) AS n FROM batches b)";
    for (const int in_flight : {1, 3}) {
      CAPTURE(in_flight);
      EtlHarness h(90);
      h.config()["amlyze"]["batch_size"] = 10;
      h.config()["amlyze"]["max_in_flight"] = in_flight;
      FaultPlan plan;
      plan.latency_ms = 300;  // long enough that the extract is never what keeps senders idle
      h.sandbox().set_faults(plan);
      CHECK(h.etl({"run"}).exit_code == 0);
      check_all_delivered_once(h, 90);
      CHECK(h.ledger_number("SELECT count(*) FROM batches") == 9);
      CHECK(h.ledger_number(most_in_flight) == in_flight);
    }
  }
}
