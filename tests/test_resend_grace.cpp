// After a SIGKILL, AMLYZE may still hold the dead run's last request and apply it later. The next
// run must not resend those customers until that request can no longer overtake the resend: the
// dead run's last intent plus amlyze.resend_grace_seconds (default: the dead run's own
// timeout_seconds). Real binary, real PostgreSQL, the sandbox holding a request as AMLYZE would.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "config/config.hpp"
#include "sandbox/fault_plan.hpp"
#include "support/etl_harness.hpp"
#include "util/errors.hpp"

using etl::sandbox::FaultKind;
using etl::sandbox::FaultPlan;
using etl::test::EtlHarness;

namespace {

constexpr const char* kCustomer = "C0000002";
constexpr const char* kWaitLog =
    "before resending 1 customers a killed run may still have in AMLYZE's hands "
    "(amlyze.resend_grace_seconds)";

void pause_ms(long long ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

void rename_customer(EtlHarness& h, const std::string& last_name) {
  h.bank().exec("UPDATE core.customer SET last_name = '" + last_name + "' WHERE customer_no = '" +
                kCustomer + "'");
}

// Run 1 delivers everything; run 2 sends kCustomer's "Killed" version, which the sandbox holds
// for `stall_ms` before applying it, and is SIGKILLed meanwhile; then the customer changes to
// "Newer", for run 3 to send.
void kill_mid_request(EtlHarness& h, int stall_ms) {
  REQUIRE(h.etl({"run"}).exit_code == 0);
  rename_customer(h, "Killed");
  FaultPlan plan;
  plan.next.push_back({FaultKind::kStall, 503, -1, stall_ms});
  h.sandbox().set_faults(plan);
  const auto before = h.sandbox().stats().http_requests;
  auto run = h.start_etl({"run"});
  for (int i = 0; i < 1000 && h.sandbox().stats().http_requests == before; ++i) pause_ms(5);
  REQUIRE(h.sandbox().stats().http_requests == before + 1);  // in the sandbox's hands
  run->signal(SIGKILL);
  REQUIRE(run->wait().exit_code == 128 + SIGKILL);
  REQUIRE(h.ledger_value("SELECT count(*) FROM submissions WHERE run_id = 2") == "1");
  rename_customer(h, "Newer");
}

// Milliseconds from run 2's last intent to run 3's request for the customer, by the ledger.
long long resend_gap_ms(const EtlHarness& h) {
  return std::stoll(h.ledger_value(
      std::string("SELECT CAST(round((julianday((SELECT min(b.sent_at) FROM batches b JOIN "
                  "submissions s USING (batch_id) WHERE s.run_id = 3 AND s.customer_ext_id = '") +
      kCustomer +
      "')) - julianday((SELECT max(sent_at) FROM batches WHERE run_id = 2))) * 86400000.0) "
      "AS INTEGER)"));
}

// The sandbox has answered both requests for the customer (the held one, then or before run 3's).
std::string last_name_once_settled(EtlHarness& h) {
  for (int i = 0; i < 1000 && h.sandbox().stats().updates < 2; ++i) pause_ms(10);
  REQUIRE(h.sandbox().stats().updates == 2);
  return h.sandbox().customer(kCustomer)->at("lastName").get<std::string>();
}

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("amlyze.resend_grace_seconds: unset by default and by null, 0 to 3600") {
    const auto parse = [](const std::string& value) {
      return etl::parse_config("{\"amlyze\": {\"resend_grace_seconds\": " + value + "}}",
                               "/etc/amlyze-etl/etl.jsonc");
    };
    CHECK_FALSE(etl::parse_config("{}", "/etc/amlyze-etl/etl.jsonc").amlyze.resend_grace_seconds);
    CHECK_FALSE(parse("null").amlyze.resend_grace_seconds);
    CHECK(parse("0").amlyze.resend_grace_seconds == 0);
    CHECK(parse("3600").amlyze.resend_grace_seconds == 3600);
    CHECK_THROWS_AS(parse("-1"), etl::ConfigError);
    CHECK_THROWS_AS(parse("3601"), etl::ConfigError);
    CHECK_THROWS_AS(parse("\"30\""), etl::ConfigError);
  }
}

TEST_SUITE("recovery") {
  TEST_CASE(
      "after a kill a cut-off customer is resent only after the dead run's last intent "
      "plus the grace") {
    EtlHarness h(20);
    const int stall_ms = 1500;  // AMLYZE applies the dead run's request 1.5 s after it arrived

    SUBCASE("resend_grace_seconds set: waits, and the newer data is what AMLYZE keeps") {
      h.config()["amlyze"]["resend_grace_seconds"] = 2;
      kill_mid_request(h, stall_ms);
      const auto r = h.etl({"run"});
      INFO(r.err);
      CHECK(r.exit_code == 0);
      CHECK(r.err.find("waiting 2 s " + std::string(kWaitLog)) != std::string::npos);
      CHECK(h.ledger_value("SELECT outcome FROM runs WHERE run_id = 2") == "crashed");
      CHECK(resend_gap_ms(h) >= 2000);
      CHECK(last_name_once_settled(h) == "Newer");
    }

    SUBCASE("unset: the dead run's own timeout_seconds is the grace, not this run's") {
      h.config()["amlyze"]["timeout_seconds"] = 2;
      kill_mid_request(h, stall_ms);
      CHECK(h.ledger_value("SELECT timeout_seconds FROM runs WHERE run_id = 2") == "2");
      h.config()["amlyze"]["timeout_seconds"] = 30;
      const auto r = h.etl({"run"});
      INFO(r.err);
      CHECK(r.exit_code == 0);
      CHECK(r.err.find(kWaitLog) != std::string::npos);
      const long long gap = resend_gap_ms(h);
      CHECK(gap >= 2000);
      CHECK(gap < 10000);
      CHECK(last_name_once_settled(h) == "Newer");
    }

    SUBCASE("resend_grace_seconds 0: no wait, and the held request overwrites the newer data") {
      h.config()["amlyze"]["resend_grace_seconds"] = 0;
      kill_mid_request(h, stall_ms);
      const auto r = h.etl({"run"});
      INFO(r.err);
      CHECK(r.exit_code == 0);
      CHECK(r.err.find("waiting") == std::string::npos);
      CHECK(resend_gap_ms(h) < stall_ms);
      // The hazard the grace exists for: AMLYZE applied the dead run's request last.
      CHECK(last_name_once_settled(h) == "Killed");
    }

    SUBCASE("SIGTERM ends the wait at once, and nothing of the customer is sent") {
      h.config()["amlyze"]["resend_grace_seconds"] = 60;
      kill_mid_request(h, stall_ms);
      auto waiting = h.start_etl({"run"});
      pause_ms(1500);
      const auto stopped = std::chrono::steady_clock::now();
      waiting->signal(SIGTERM);
      const auto r = waiting->wait();
      INFO(r.err);
      CHECK(r.exit_code == 130);
      CHECK(std::chrono::steady_clock::now() - stopped < std::chrono::seconds(5));
      CHECK(r.err.find(kWaitLog) != std::string::npos);
      CHECK(h.ledger_value("SELECT count(*) FROM batches WHERE run_id = 3") == "0");
    }
  }
}
