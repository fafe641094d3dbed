// Delivery logic with a scripted HTTP fake (timing and answers under control) and a real SQLite
// ledger: retries, Retry-After, splitting around poison customers, failed-batch stop, auth stop.
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <regex>
#include <set>
#include <thread>

#include "ledger/ledger.hpp"
#include "support/amlyze_answers.hpp"
#include "support/etl_harness.hpp"
#include "support/ledger_probe.hpp"
#include "sync/backoff.hpp"
#include "sync/batch_sender.hpp"
#include "util/errors.hpp"
#include "util/ids.hpp"

using etl::test::accept_all;
using nlohmann::json;

namespace {

// Answers each request with the function given; remembers what it was sent.
class FakePoster : public etl::amlyze::HttpPoster {
 public:
  using Script = std::function<etl::amlyze::HttpResponse(const json& request, int call)>;
  explicit FakePoster(Script script) : script_(std::move(script)) {}

  etl::amlyze::HttpResponse post_json(const std::string&, const std::string& body,
                                      const std::string& token) override {
    CHECK(token == "secret");
    requests.push_back(json::parse(body));
    return script_(requests.back(), static_cast<int>(requests.size()));
  }
  std::vector<json> requests;

 private:
  Script script_;
};

etl::amlyze::HttpResponse status(long code, std::optional<long> retry_after = {}) {
  return {code, R"({"error":"x"})", "", {}, retry_after, 1};
}

bool contains_customer(const json& request, const std::string& ext_id) {
  for (const auto& item : request.at("customers")) {
    if (item.at("customerExtId") == ext_id) return true;
  }
  return false;
}

struct Fixture {
  etl::test::TempDir dir;
  etl::ledger::Ledger ledger{dir.path() / "ledger.sqlite"};
  etl::ledger::RunCounts counts;
  long long run = ledger.begin_run("run", "incremental");

  etl::sync::BatchSender sender(FakePoster& http, std::size_t batch_size = 10,
                                int max_failed_batches = 3) {
    etl::sync::RetrySettings retry{3, 5, 20, 10000, max_failed_batches};
    return etl::sync::BatchSender({"http://amlyze/amlyze-ws-rest/batch-customers",
                                   "batch-customers",
                                   "secret",
                                   "TOKEN",
                                   batch_size,
                                   run,
                                   retry,
                                   {}},
                                  ledger, http, counts,
                                  etl::sync::Backoff(retry, [] { return 0.5; }));
  }

  void add(etl::sync::BatchSender& s, int n) {
    for (int i = 1; i <= n; ++i) {
      etl::model::Customer c;
      c.ext_id = "C" + std::to_string(i);
      c.payload = {{"customerExtId", c.ext_id}};
      c.canonical = c.payload.dump();
      c.hash = "h" + std::to_string(i);
      c.changed_at = "2026-11-26 04:00:0" + std::to_string(i % 10) + "+00";
      ledger.touch(run, c.ext_id, "INDIVIDUAL", c.hash, c.changed_at);
      s.add(std::move(c), etl::model::Action::kCreate);
    }
  }

  std::string value(const std::string& sql) {
    ledger.flush();  // customer rows are written back in groups
    return etl::test::LedgerProbe(dir.path() / "ledger.sqlite").value(sql);
  }
};

}  // namespace

TEST_SUITE("delivery") {
  TEST_CASE("communicationNumbers are version 7 UUIDs: unique, and later ones sort after") {
    const std::regex v7("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    std::set<std::string> seen;
    std::string previous;
    for (int i = 0; i < 20000; ++i) {
      std::string id = etl::new_uuid();
      REQUIRE(std::regex_match(id, v7));
      // Within one millisecond the order is random; across milliseconds it is time order.
      if (!previous.empty() && id.compare(0, 13, previous, 0, 13) != 0) CHECK(id > previous);
      previous = id;
      seen.insert(std::move(id));
    }
    CHECK(seen.size() == 20000);
    const std::string before = etl::new_uuid();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    CHECK(etl::new_uuid() > before);
  }

  TEST_CASE("backoff grows, is capped, jittered, floored by Retry-After, and bounded") {
    etl::sync::Backoff b({5, 100, 1000, 2500, 3}, [] { return 0.999; });
    CHECK(b.next_delay_ms(2, std::nullopt).value() == 99);  // 50 + 0.999 * 50
    CHECK(b.next_delay_ms(3, std::nullopt).value() == 199);
    CHECK(b.next_delay_ms(5, std::nullopt).value() == 799);
    CHECK(b.next_delay_ms(5, 2).value() == 2000);               // Retry-After wins
    CHECK_FALSE(b.next_delay_ms(6, std::nullopt).has_value());  // attempts used up
    b.spent(2000);
    CHECK_FALSE(b.next_delay_ms(5, std::nullopt).has_value());  // budget used up
    etl::sync::Backoff low({5, 100, 1000, 10000, 3}, [] { return 0.0; });
    CHECK(low.next_delay_ms(2, std::nullopt).value() == 50);
  }

  TEST_CASE("503 twice then success: delivered with a fresh number per attempt") {
    Fixture f;
    FakePoster http(
        [](const json& r, int call) { return call <= 2 ? status(503, 0) : accept_all(r); });
    auto s = f.sender(http);
    f.add(s, 4);
    s.flush();
    CHECK(http.requests.size() == 3);
    CHECK(f.counts.created == 4);
    CHECK(f.counts.failed == 0);
    CHECK(f.counts.http_retries == 2);
    CHECK(f.value("SELECT count(DISTINCT communication_number) FROM submissions") == "12");
    CHECK(f.value("SELECT count(*) FROM submissions WHERE outcome = 'failed'") == "8");
    CHECK(f.value("SELECT count(*) FROM customers WHERE last_outcome = 'accepted'") == "4");
    CHECK(f.value("SELECT count(*) FROM submissions WHERE outcome = 'in_flight'") == "0");
  }

  TEST_CASE("a batch that keeps failing ends failed, and too many in a row stop the run") {
    Fixture f;
    FakePoster http([](const json&, int) { return status(503); });
    auto s = f.sender(http, 2, 2);
    f.add(s, 3);  // a full batch of 2 and, at flush, one of 1: 3 attempts each, then failed
    CHECK_THROWS_AS(s.flush(), etl::UndeliveredError);
    CHECK(http.requests.size() == 6);
    CHECK(f.counts.failed == 3);
    REQUIRE(s.oldest_unfinished().has_value());
    CHECK(f.value("SELECT count(*) FROM submissions WHERE outcome = 'in_flight'") == "0");
    CHECK(f.value("SELECT count(*) FROM customers WHERE last_outcome = 'failed'") == "3");
  }

  TEST_CASE("a whole-batch 400 is split until the poison customer stands alone") {
    Fixture f;
    FakePoster http([](const json& r, int) {
      return contains_customer(r, "C7") ? status(400) : accept_all(r);
    });
    auto s = f.sender(http, 16);
    f.add(s, 16);
    s.flush();
    CHECK(f.counts.created == 15);
    CHECK(f.counts.rejected == 1);
    CHECK(f.value("SELECT last_outcome || ' ' || last_error_code FROM customers WHERE "
                  "customer_ext_id = 'C7'") == "rejected HTTP400");
    CHECK(http.requests.size() == 9);  // 16, 8+8, 4+4, 2+2, 1+1
  }

  TEST_CASE("a whole-batch 500 is split, and a lone 500 is retried then left failed") {
    Fixture f;
    FakePoster http([](const json& r, int) {
      if (!contains_customer(r, "C3")) return accept_all(r);
      return etl::amlyze::HttpResponse{
          500, R"({"errorCode":"500","errorDescription":"Processing failed"})", "", {}, {}, 1};
    });
    auto s = f.sender(http, 8);
    f.add(s, 8);
    s.flush();
    CHECK(f.counts.created == 7);
    CHECK(f.counts.failed == 1);
    CHECK(f.value("SELECT last_outcome FROM customers WHERE customer_ext_id = 'C3'") == "failed");
    CHECK(s.oldest_unfinished().value() == "2026-11-26 04:00:03+00");
  }

  TEST_CASE("401 stops at once and is recorded") {
    Fixture f;
    FakePoster http([](const json&, int) { return status(401); });
    auto s = f.sender(http, 5);
    CHECK_THROWS_AS((f.add(s, 5), s.flush()), etl::AuthError);
    CHECK(http.requests.size() == 1);
    CHECK(f.value("SELECT count(*) FROM submissions WHERE outcome = 'failed'") == "5");
    CHECK(f.value("SELECT http_status FROM batches") == "401");
  }

  TEST_CASE("an item missing from the answer is sent again, matched by communicationNumber") {
    Fixture f;
    FakePoster http([](const json& r, int call) {
      json req = r;
      if (call == 1) req["customers"].erase(req["customers"].begin());  // drop the first result
      auto response = accept_all(req);
      auto body = json::parse(response.body);
      std::reverse(body["results"].begin(), body["results"].end());
      response.body = body.dump();
      return response;
    });
    auto s = f.sender(http, 3);
    f.add(s, 3);
    s.flush();
    CHECK(f.counts.created == 3);
    CHECK(http.requests.size() == 2);
    CHECK(http.requests[1].at("customers").size() == 1);
  }

  TEST_CASE("C004 flips CREATE to UPDATE once") {
    Fixture f;
    FakePoster http([](const json& r, int) {
      json results = json::array();
      for (const auto& item : r.at("customers")) {
        const bool create = item.at("action") == "CREATE";
        results.push_back({{"resultType", create ? "REQUEST_REJECTED" : "REQUEST_ACCEPTED"},
                           {"communicationNumber", item.at("communicationNumber")},
                           {"errorCode", create ? "C004" : ""}});
      }
      return etl::amlyze::HttpResponse{200, json{{"results", results}}.dump(), "", {}, {}, 1};
    });
    auto s = f.sender(http, 2);
    f.add(s, 2);
    s.flush();
    CHECK(f.counts.updated == 2);
    CHECK(f.counts.rejected == 0);
    CHECK(http.requests.size() == 2);
    CHECK(http.requests[1].at("customers")[0].at("action") == "UPDATE");
  }
}
