// Exit codes say which kind of trouble a run met (DESIGN.md "Interface"): 3 only for problems in
// the data; 5 when AMLYZE could not take customers (unreachable, 5xx after retries, an answer that
// is not AMLYZE's JSON, the stop after max_failed_batches): nothing lost, the next run resends
// them; 1 when a person must act (a certificate that fails verification, a wrong URL). The real
// binary against the sandbox, a closed loopback port, and a TLS listener nobody trusts.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <sstream>
#include <thread>

#include "sandbox/fault_plan.hpp"
#include "support/etl_harness.hpp"
#include "util/errors.hpp"
#include "util/exit_codes.hpp"
#include "util/text.hpp"

using etl::sandbox::FaultKind;
using etl::sandbox::FaultPlan;
using etl::sandbox::FaultStep;
using etl::test::EtlHarness;

namespace {

// Fast retries, few attempts and small batches: every failure below plays out in well under a
// second.
void quick_retries(EtlHarness& h) {
  h.config()["amlyze"]["retry_initial_ms"] = 20;
  h.config()["amlyze"]["retry_max_ms"] = 50;
  h.config()["amlyze"]["max_attempts"] = 2;
  h.config()["amlyze"]["batch_size"] = 10;
}

std::string url_on(int port, const char* scheme = "http") {
  return std::string(scheme) + "://127.0.0.1:" + std::to_string(port);
}

// A loopback port nothing listens on (bound once by the kernel's choice, then released).
int closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t size = sizeof addr;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) == 0);
  close(fd);
  return ntohs(addr.sin_port);
}

bool accepts_connections(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// A real TLS server on loopback (`openssl s_server`) with a self-signed certificate made for the
// test: no CA bundle trusts it, so every client's verification fails.
class UntrustedTlsServer {
 public:
  explicit UntrustedTlsServer(const std::filesystem::path& dir) : port_(closed_port()) {
    const std::string cert = (dir / "cert.pem").string();
    const std::string key = (dir / "key.pem").string();
    const auto made = etl::test::run_process({"/usr/bin/openssl", "req", "-x509", "-newkey",
                                              "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                                              "-days", "1", "-keyout", key, "-out", cert});
    REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    server_ = std::make_unique<etl::test::BackgroundProcess>(std::vector<std::string>{
        "/usr/bin/openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port_), "-cert",
        cert, "-key", key, "-www", "-quiet"});
    for (int i = 0; i < 100 && !accepts_connections(port_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(accepts_connections(port_));
  }
  int port() const { return port_; }

 private:
  int port_;
  std::unique_ptr<etl::test::BackgroundProcess> server_;
};

std::map<std::string, std::string> read_metrics(const std::filesystem::path& file) {
  std::map<std::string, std::string> out;
  std::istringstream lines(etl::read_file(file.string()));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    out[line.substr(0, space)] = line.substr(space + 1);
  }
  return out;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_SUITE("exit codes") {
  TEST_CASE("a finished run: undelivered customers outrank problems in the data") {
    CHECK(etl::finished_run_exit_code(0, 0) == etl::kExitOk);
    CHECK(etl::finished_run_exit_code(0, 7) == etl::kExitPartial);
    CHECK(etl::finished_run_exit_code(1, 0) == etl::kExitUndelivered);
    CHECK(etl::finished_run_exit_code(3, 7) == etl::kExitUndelivered);
    CHECK(etl::kExitUndelivered == 5);
    CHECK(etl::exit_code_for(etl::UndeliveredError("x")) == 5);
    CHECK(etl::exit_code_for(etl::AmlyzeError("x")) == 1);
    CHECK(etl::exit_code_for(etl::InterruptedError("x")) == 130);
    CHECK(etl::counts_as_success(0));
    CHECK(etl::counts_as_success(3));
    CHECK_FALSE(etl::counts_as_success(5));
    CHECK_FALSE(etl::counts_as_success(1));
    CHECK(std::string(etl::run_outcome(0)) == "succeeded");
    CHECK(std::string(etl::run_outcome(3)) == "partial");
    CHECK(std::string(etl::run_outcome(5)) == "undelivered");
    CHECK(std::string(etl::run_outcome(1)) == "aborted");
    CHECK(std::string(etl::run_outcome(130)) == "interrupted");
  }

  TEST_CASE("AMLYZE unreachable: exit 5, customers failed, the next run delivers them") {
    EtlHarness h(30);
    quick_retries(h);
    h.config()["amlyze"]["max_failed_batches"] = 100;
    const std::string live = h.config()["amlyze"]["base_url"].get<std::string>();
    h.config()["amlyze"]["base_url"] = url_on(closed_port());
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 5);
    CHECK(h.ledger_number("SELECT count(*) FROM customers WHERE last_outcome = 'failed'") == 30);
    CHECK(h.ledger_value("SELECT outcome || ' ' || exit_code FROM runs") == "undelivered 5");
    CHECK(contains(r.out, "30 customers could not be delivered"));
    CHECK(contains(r.out, "the next run resends them"));
    CHECK(contains(r.out, "(exit 5)"));

    h.config()["amlyze"]["base_url"] = live;
    const auto again = h.etl({"run"});
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK(h.sandbox().customer_count() == 30);
    CHECK(h.ledger_number("SELECT count(*) FROM customers WHERE last_outcome = 'accepted'") == 30);
  }

  TEST_CASE("503 until the retries run out, fewer batches than max_failed_batches: exit 5") {
    EtlHarness h(30);
    quick_retries(h);
    h.config()["amlyze"]["max_failed_batches"] = 10;
    std::filesystem::create_directories(h.dir() / "metrics");
    h.config()["metrics"] = {{"textfile", "../metrics/amlyze_etl.prom"}};
    const auto file = h.dir() / "metrics" / "amlyze_etl.prom";
    FaultPlan plan;
    plan.failure_rate = 1.0;
    h.sandbox().set_faults(plan);
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 5);
    CHECK(h.ledger_number("SELECT failed FROM runs") == 30);
    auto m = read_metrics(file);
    CHECK(m["amlyze_etl_last_run_exit_code{command=\"run\",mode=\"incremental\"}"] == "5");
    CHECK(m["amlyze_etl_last_run_success{command=\"run\",mode=\"incremental\"}"] == "0");
    CHECK(m["amlyze_etl_last_success_timestamp_seconds"] == "0");

    // A run whose only problems are in the data is a success for the scheduler and the metrics.
    h.sandbox().clear_faults();
    h.bank().exec(
        "UPDATE core.customer SET last_name = NULL WHERE customer_no = "
        "(SELECT min(customer_no) FROM core.customer WHERE kind = 'P')");
    const auto data = h.etl({"run"});
    INFO(data.err);
    CHECK(data.exit_code == 3);
    CHECK(contains(data.out, "(exit 3)"));
    m = read_metrics(file);
    CHECK(m["amlyze_etl_last_run_success{command=\"run\",mode=\"incremental\"}"] == "1");
    CHECK(std::stoll(m["amlyze_etl_last_success_timestamp_seconds"]) > 1700000000);
  }

  TEST_CASE("the stop after max_failed_batches is exit 5, recorded as undelivered") {
    EtlHarness h(100);
    quick_retries(h);
    h.config()["amlyze"]["max_failed_batches"] = 2;
    h.config()["amlyze"]["max_in_flight"] = 1;
    FaultPlan plan;
    plan.failure_rate = 1.0;
    h.sandbox().set_faults(plan);
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 5);
    CHECK(contains(r.err, "batches in a row"));
    CHECK(contains(r.err, "the next run resends"));
    CHECK(h.ledger_value("SELECT outcome || ' ' || exit_code FROM runs") == "undelivered 5");
    CHECK(h.sandbox().stats().http_requests == 2 * 2);
  }

  TEST_CASE("an HTML page answered with 200 is retried, then the customers are undelivered: 5") {
    EtlHarness h(20);
    quick_retries(h);
    h.config()["amlyze"]["max_in_flight"] = 1;
    h.config()["amlyze"]["batch_size"] = 100;
    h.config()["amlyze"]["max_attempts"] = 3;
    FaultPlan plan;
    plan.next = {FaultStep{FaultKind::kHtml200}, FaultStep{FaultKind::kHtml200},
                 FaultStep{FaultKind::kHtml200}};
    h.sandbox().set_faults(plan);
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 5);
    CHECK(h.sandbox().stats().http_requests == 3);
    CHECK(h.sandbox().customer_count() == 0);
    CHECK(h.ledger_number("SELECT count(*) FROM customers WHERE last_outcome = 'failed'") == 20);
    CHECK(h.ledger_number("SELECT count(*) FROM batches WHERE http_status = 200 AND "
                          "error LIKE '%not AMLYZE''s JSON%'") == 3);
    const auto again = h.etl({"run"});
    CHECK(again.exit_code == 0);
    CHECK(h.sandbox().customer_count() == 20);
  }

  TEST_CASE("a certificate that fails verification stops at once: exit 1, one attempt") {
    EtlHarness h(30);
    quick_retries(h);
    h.config()["amlyze"]["batch_size"] = 100;  // one batch: one request unless it is retried
    h.config()["amlyze"]["max_failed_batches"] = 100;
    const UntrustedTlsServer tls(h.dir());
    const std::string base_url = url_on(tls.port(), "https");
    h.config()["amlyze"]["base_url"] = base_url;
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, base_url));
    CHECK(contains(r.err, "certificate"));
    CHECK(contains(r.err, "amlyze.ca_file"));
    CHECK(h.ledger_number("SELECT count(*) FROM batches") == 1);
    CHECK(h.ledger_number("SELECT http_retries FROM runs") == 0);
    CHECK(h.ledger_value("SELECT outcome || ' ' || exit_code FROM runs") == "aborted 1");
    // Nothing is lost: the customers stay failed and the watermark does not move.
    CHECK(h.ledger_number("SELECT count(*) FROM customers WHERE last_outcome = 'failed'") == 30);
    CHECK(h.ledger_number("SELECT count(*) FROM sync_state WHERE key = 'watermark'") == 0);
  }

  TEST_CASE("a host that does not resolve stops at once: exit 1, naming the URL") {
    EtlHarness h(30);
    quick_retries(h);
    h.config()["amlyze"]["max_failed_batches"] = 100;
    h.config()["amlyze"]["base_url"] = "http://amlyze.invalid:8089";  // RFC 6761: never resolves
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "http://amlyze.invalid:8089"));
    CHECK(contains(r.err, "amlyze.base_url"));
    CHECK(h.ledger_number("SELECT http_retries FROM runs") == 0);
    CHECK(h.ledger_value("SELECT outcome FROM runs") == "aborted");
  }

  TEST_CASE("a wrong path (404) stops at once: exit 1, naming the URL") {
    EtlHarness h(30);
    quick_retries(h);
    const std::string wrong = h.config()["amlyze"]["base_url"].get<std::string>() + "/wrong";
    h.config()["amlyze"]["base_url"] = wrong;
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, wrong));
    CHECK(contains(r.err, "amlyze.base_url"));
    CHECK(h.ledger_number("SELECT http_retries FROM runs") == 0);
    CHECK(h.ledger_value("SELECT outcome FROM runs") == "aborted");
  }
}
