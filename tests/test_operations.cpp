// What operators and auditors use: validate, report, status, metrics, JSON logs, token sources,
// and the audit SQL files run with the sqlite3 shell against a ledger from a real run.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <sstream>

#include "support/etl_harness.hpp"
#include "util/text.hpp"

using etl::test::EtlHarness;

namespace {

std::string slurp(const std::filesystem::path& file) { return etl::read_file(file.string()); }

// name{labels} value lines of a Prometheus text file.
std::map<std::string, std::string> parse_metrics(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    out[line.substr(0, space)] = line.substr(space + 1);
  }
  return out;
}

// Runs an audit file with the sqlite3 shell, as an auditor would; CSV with a header.
std::vector<std::string> audit(const EtlHarness& h, const std::string& file,
                               const std::vector<std::string>& parameters = {}) {
  std::vector<std::string> argv = {"/usr/bin/sqlite3", "-header", "-csv", h.ledger_path().string()};
  for (const auto& p : parameters) argv.push_back(".parameter set " + p);
  argv.push_back(".read " + etl::test::source_path("sql/audit/" + file));
  const auto r = etl::test::run_process(argv);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_SUITE("operations") {
  TEST_CASE(
      "validate sends to validate-batch-customers, AMLYZE saves nothing, state is untouched") {
    EtlHarness h(60, 20);
    const auto r = h.etl({"validate"});
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK(h.sandbox().customer_count() == 0);
    CHECK(h.sandbox().stats().items == 57);
    CHECK(h.ledger_value("SELECT command FROM runs") == "validate");
    CHECK(h.ledger_value("SELECT count(*) FROM customers") == "0");
    CHECK(h.ledger_value("SELECT count(*) FROM submissions WHERE outcome = 'accepted'") == "57");
    CHECK(h.ledger_value("SELECT count(*) FROM submissions WHERE outcome = 'invalid'") == "3");
    CHECK(h.ledger_value("SELECT DISTINCT endpoint FROM batches") == "validate-batch-customers");
    CHECK(h.ledger_value("SELECT count(*) FROM sync_state WHERE key = 'watermark'") == "0");
    SUBCASE("a later run still creates everyone") {
      CHECK(h.etl({"run"}).exit_code == 3);
      CHECK(h.sandbox().customer_count() == 57);
      CHECK(h.sandbox().stats().creates == 57);
    }
  }

  TEST_CASE("report --run N shows outcomes, codes and the slowest batches") {
    EtlHarness h(45, 15);
    REQUIRE(h.etl({"run"}).exit_code == 3);
    const auto r = h.etl({"report", "--run", "1"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("accepted") != std::string::npos);
    CHECK(r.out.find("invalid") != std::string::npos);
    CHECK(r.out.find("C016.I06") != std::string::npos);
    CHECK(r.out.find("slowest batches") != std::string::npos);
    CHECK(h.etl({"report", "--run", "9"}).exit_code == 2);
  }

  TEST_CASE("the metrics file is written atomically after every run, also an aborted one") {
    EtlHarness h(30, 10);
    std::filesystem::create_directories(h.dir() / "metrics");
    h.config()["metrics"] = {{"textfile", "../metrics/amlyze_etl.prom"}};
    REQUIRE(h.etl({"run"}).exit_code == 3);
    const auto file = h.dir() / "metrics" / "amlyze_etl.prom";
    auto m = parse_metrics(slurp(file));
    CHECK(m["amlyze_etl_last_run_customers{outcome=\"created\"}"] == "27");
    CHECK(m["amlyze_etl_last_run_customers{outcome=\"invalid\"}"] == "3");
    CHECK(m["amlyze_etl_last_run_exit_code{command=\"run\",mode=\"incremental\"}"] == "3");
    // Only data problems: a success for the scheduler (SuccessExitStatus=3) and the metrics.
    CHECK(std::stoll(m["amlyze_etl_last_success_timestamp_seconds"]) > 1700000000);
    CHECK(m["amlyze_etl_last_run_batches"] == "1");
    h.bank().exec(
        "UPDATE core.customer SET citizenship = 'LT' WHERE kind = 'P' AND (citizenship IS NULL OR "
        "citizenship = 'XX')");
    h.bank().exec(
        "UPDATE core.customer SET last_name = 'Fixed' WHERE kind = 'P' AND last_name IS NULL");
    h.bank().exec(
        "UPDATE core.customer SET registration_country = 'LV' WHERE kind = 'O' AND "
        "registration_country IS NULL");
    REQUIRE(h.etl({"run"}).exit_code == 0);
    m = parse_metrics(slurp(file));
    const long long success = std::stoll(m["amlyze_etl_last_success_timestamp_seconds"]);
    CHECK(success > 1700000000);
    CHECK(m["amlyze_etl_last_run_success{command=\"run\",mode=\"incremental\"}"] == "1");
    CHECK(h.etl({"run"}, {{"AMLYZE_TEST_TOKEN", ""}}).exit_code == 2);  // no run row: untouched
    h.bank().exec("UPDATE core.customer SET last_name = 'Again' WHERE id = 1");
    CHECK(h.etl({"run"}, {{"AMLYZE_TEST_TOKEN", "wrong"}}).exit_code == 1);
    m = parse_metrics(slurp(file));
    CHECK(m["amlyze_etl_last_run_success{command=\"run\",mode=\"incremental\"}"] == "0");
    CHECK(m["amlyze_etl_last_run_exit_code{command=\"run\",mode=\"incremental\"}"] == "1");
    CHECK(std::stoll(m["amlyze_etl_last_success_timestamp_seconds"]) == success);
    for (const auto& entry : std::filesystem::directory_iterator(h.dir() / "metrics")) {
      CHECK(entry.path().filename() == "amlyze_etl.prom");  // no temp file left behind
    }
  }

  TEST_CASE("--log-format json writes one JSON object per line") {
    EtlHarness h(25, 5);
    const auto r = h.etl({"run", "--log-format", "json"});
    CHECK(r.exit_code == 3);
    std::istringstream lines(r.err);
    int count = 0;
    for (std::string line; std::getline(lines, line); ++count) {
      const auto j = nlohmann::json::parse(line);
      CHECK(j.contains("time"));
      CHECK(j.contains("level"));
      CHECK(j.contains("message"));
    }
    CHECK(count >= 6);  // the start line and five held-back customers
  }

  TEST_CASE("the token comes from a file or a systemd credential and never shows anywhere") {
    EtlHarness h(20, 10);
    const std::string secret = h.token();
    SUBCASE("token_file") {
      etl::test::write_text(h.dir() / "secret" / "token", secret + "\n");
      chmod((h.dir() / "secret" / "token").c_str(), 0600);
      h.config()["amlyze"]["token_file"] = "../secret/token";
      h.config()["metrics"] = {{"textfile", "../metrics.prom"}};
      const auto r = h.etl({"run", "--log-level", "debug"}, {{"AMLYZE_TEST_TOKEN", ""}});
      CHECK(r.exit_code == 3);
      const auto dry =
          h.etl({"run", "--dry-run", (h.dir() / "dry").string()}, {{"AMLYZE_TEST_TOKEN", ""}});
      const auto status = h.etl({"status"});
      std::string everything = r.out + r.err + dry.out + dry.err + status.out + status.err +
                               slurp(h.ledger_path()) + slurp(h.config_path()) +
                               slurp(h.dir() / "metrics.prom");
      for (const auto& entry : std::filesystem::directory_iterator(h.dir() / "dry")) {
        everything += slurp(entry.path());
      }
      CHECK(h.sandbox().customer_count() == 18);
      CHECK(everything.find(secret) == std::string::npos);
    }
    SUBCASE("systemd credential") {
      etl::test::write_text(h.dir() / "credentials" / "amlyze-token", secret);
      const auto r =
          h.etl({"run"}, {{"AMLYZE_TEST_TOKEN", ""},
                          {"CREDENTIALS_DIRECTORY", (h.dir() / "credentials").string()}});
      CHECK(r.exit_code == 3);
      CHECK(h.sandbox().customer_count() == 18);
      CHECK((r.out + r.err).find(secret) == std::string::npos);
    }
    SUBCASE("nowhere: one line naming the three places") {
      const auto r = h.etl({"run"}, {{"AMLYZE_TEST_TOKEN", ""}});
      CHECK(r.exit_code == 2);
      CHECK(r.err.find("token_file") != std::string::npos);
      CHECK(r.err.find("amlyze-token") != std::string::npos);
      CHECK(r.err.find("AMLYZE_TEST_TOKEN") != std::string::npos);
    }
  }

  TEST_CASE("the audit queries answer the auditor's questions on a real ledger") {
    EtlHarness h(40, 20);
    h.config()["amlyze"]["batch_size"] = 10;
    REQUIRE(h.etl({"run"}).exit_code == 3);
    h.bank().exec("UPDATE core.customer SET last_name = 'Audited' WHERE customer_no = 'C0000003'");
    REQUIRE(h.etl({"run"}).exit_code == 3);

    const auto runs = audit(h, "recent_runs.sql");
    REQUIRE(runs.size() == 3);  // header and two runs
    CHECK(runs[1].rfind("2,run,incremental", 0) == 0);
    CHECK(runs[2].find(",partial,3,40,38,0,") != std::string::npos);

    const auto not_accepted = audit(h, "not_accepted_last_run.sql");
    REQUIRE(not_accepted.size() == 3);
    CHECK(not_accepted[1].rfind("C0000020,invalid", 0) == 0);
    CHECK(not_accepted[2].rfind("C0000040,invalid", 0) == 0);

    const auto history = audit(h, "customer_history.sql", {":ext_id C0000003"});
    REQUIRE(history.size() == 3);
    CHECK(history[1].find(",CREATE,") != std::string::npos);
    CHECK(history[2].find(",UPDATE,") != std::string::npos);
    CHECK(history[2].find(",accepted,") != std::string::npos);

    const auto never = audit(h, "never_accepted.sql");
    CHECK(never.size() == 3);

    const auto by_outcome = audit(h, "customers_by_outcome.sql");
    CHECK(by_outcome[1] == "accepted,38,38");
    CHECK(by_outcome[2] == "invalid,2,0");

    const auto period = audit(h, "sent_in_period.sql", {":from 2000-01-01", ":to 2999-01-01"});
    CHECK(period.size() == 1 + 39);  // 38 creates and one update
    const auto none = audit(h, "sent_in_period.sql", {":from 2000-01-01", ":to 2000-01-02"});
    CHECK(none.size() <= 1);

    const auto report = audit(h, "run_report.sql", {":run_id 1"});
    CAPTURE(report[1]);
    CHECK(report[1].rfind("accepted,\"\",38", 0) == 0);
    const auto slow = audit(h, "slowest_batches.sql", {":run_id 1"});
    CHECK(slow.size() == 1 + 4);  // 38 valid customers in batches of at most 10
  }
}
