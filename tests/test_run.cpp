// `amlyze-etl run` end to end: the real binary, a real PostgreSQL database with the reference
// schema, the sandbox over loopback, a real SQLite ledger.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "support/etl_harness.hpp"
#include "util/text.hpp"

using etl::test::EtlHarness;

namespace {

std::string slurp(const std::filesystem::path& file) { return etl::read_file(file.string()); }

// Writes a copy of the reference extract query with `from` replaced by `to` as sql/<name> and
// points the config at it.
void use_variant(EtlHarness& h, const std::string& name, const std::string& from,
                 const std::string& to) {
  std::string sql = slurp(etl::test::source_path("sql/extract_customers.sql"));
  const auto at = sql.find(from);
  REQUIRE(at != std::string::npos);
  sql.replace(at, from.size(), to);
  etl::test::write_text(h.dir() / "sql" / name, sql);
  h.config()["source"]["extract_sql"] = "../sql/" + name;
}

// Customers generated with no defect, by kind: 'P' or 'O'.
std::string first_customer(EtlHarness& h, const std::string& kind) {
  return h.bank().value("SELECT customer_no FROM core.customer WHERE kind = '" + kind +
                        "' AND status = 'A' ORDER BY id LIMIT 1");
}

}  // namespace

TEST_SUITE("run") {
  TEST_CASE("first run creates every customer once and the sandbox holds the right values") {
    EtlHarness h(250);
    const auto r = h.etl({"run"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("extracted  250") != std::string::npos);
    CHECK(h.sandbox().customer_count() == 250);
    const auto stats = h.sandbox().stats();
    CHECK(stats.creates == 250);
    CHECK(stats.updates == 0);
    CHECK(stats.rejected == 0);
    CHECK(
        h.ledger_number(
            "SELECT count(*) FROM submissions WHERE outcome = 'accepted' AND action = 'CREATE'") ==
        250);
    CHECK(h.ledger_number("SELECT count(DISTINCT communication_number) FROM submissions") == 250);
    CHECK(h.ledger_value("SELECT outcome FROM runs WHERE run_id = 1") == "succeeded");
    CHECK(h.ledger_number("SELECT count(*) FROM customers WHERE accepted_hash = last_hash") == 250);

    SUBCASE("an individual, field by field") {
      const std::string id = first_customer(h, "P");
      const auto stored = h.sandbox().customer(id);
      REQUIRE(stored.has_value());
      const auto& p = *stored;
      const std::string where = " FROM core.customer WHERE customer_no = '" + id + "'";
      CHECK(p.at("entityType") == "INDIVIDUAL");
      CHECK(p.at("action") == "CREATE");
      CHECK(p.at("requester") == "CORE_BANKING");
      CHECK(p.at("customerStatus") == "ACTIVE");
      CHECK(p.at("firstName") == h.bank().value("SELECT btrim(first_name)" + where));
      CHECK(p.at("lastName") == h.bank().value("SELECT btrim(last_name)" + where));
      CHECK(p.at("citizenshipCountry") == h.bank().value("SELECT citizenship" + where));
      CHECK(p.at("applicationDate") == h.bank().value("SELECT application_date::text" + where));
      CHECK_FALSE(p.contains("title"));
      CHECK_FALSE(p.contains("closingDate"));
      const auto addresses = h.bank().value(
          "SELECT count(*) FROM core.address a JOIN core.customer c ON c.id = a.customer_id "
          "WHERE c.customer_no = '" +
          id + "'");
      CHECK(p.at("listAddress").size() == std::stoul(addresses));
      CHECK(p.at("listAddress")[0].at("zipCode").is_string());
    }
    SUBCASE("an organization, field by field") {
      const std::string id = first_customer(h, "O");
      const auto stored = h.sandbox().customer(id);
      REQUIRE(stored.has_value());
      const auto& p = *stored;
      const std::string where = " FROM core.customer WHERE customer_no = '" + id + "'";
      CHECK(p.at("entityType") == "ORGANIZATION");
      CHECK(p.at("title") == h.bank().value("SELECT btrim(legal_name)" + where));
      CHECK(p.at("registrationCountry") == h.bank().value("SELECT registration_country" + where));
      CHECK(p.at("legalForm").is_string());
      CHECK_FALSE(p.contains("firstName"));
      CHECK_FALSE(p.contains("citizenshipCountry"));
      CHECK_FALSE(p.contains("birthDate"));
    }
  }

  TEST_CASE("a second run with no change sends nothing") {
    EtlHarness h(120);
    REQUIRE(h.etl({"run"}).exit_code == 0);
    const auto before = h.sandbox().stats();
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(h.sandbox().stats().http_requests == before.http_requests);
    CHECK(h.ledger_value("SELECT created + updated FROM runs WHERE run_id = 2") == "0");
    CHECK(h.ledger_value("SELECT window_start <> '-infinity' FROM runs WHERE run_id = 2") == "1");
    SUBCASE("--full re-reads everything and still sends nothing") {
      const auto full = h.etl({"run", "--full"});
      CHECK(full.exit_code == 0);
      CHECK(h.ledger_value("SELECT unchanged FROM runs WHERE run_id = 3") == "120");
      CHECK(h.sandbox().stats().http_requests == before.http_requests);
    }
  }

  TEST_CASE(
      "changed customers go out as UPDATE, exactly those, and a closed one with closingDate") {
    EtlHarness h(150);
    REQUIRE(h.etl({"run"}).exit_code == 0);
    h.bank().exec(
        "UPDATE core.customer SET last_name = last_name || '-Changed' WHERE id IN "
        "(SELECT id FROM core.customer WHERE kind = 'P' AND status = 'A' ORDER BY id LIMIT 3)");
    h.bank().exec(
        "UPDATE core.address SET city = 'Kaunas' WHERE customer_id = "
        "(SELECT id FROM core.customer WHERE kind = 'O' AND status = 'A' ORDER BY id LIMIT 1) "
        "AND id = (SELECT min(a.id) FROM core.address a JOIN core.customer c ON c.id = "
        "a.customer_id "
        "WHERE c.kind = 'O' AND c.status = 'A' AND c.id = (SELECT id FROM core.customer "
        "WHERE kind = 'O' AND status = 'A' ORDER BY id LIMIT 1))");
    const std::string closing = h.bank().value(
        "SELECT customer_no FROM core.customer WHERE kind = 'P' AND status = 'A' ORDER BY id "
        "DESC LIMIT 1");
    h.bank().exec(
        "UPDATE core.customer SET status = 'C', closed_on = DATE '2026-11-20' "
        "WHERE customer_no = '" +
        closing + "'");
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(h.ledger_value("SELECT updated FROM runs WHERE run_id = 2") == "5");
    CHECK(h.ledger_value("SELECT created FROM runs WHERE run_id = 2") == "0");
    CHECK(h.sandbox().stats().updates == 5);
    CHECK(h.ledger_number(
              "SELECT count(*) FROM submissions WHERE run_id = 2 AND action = 'UPDATE' AND "
              "outcome = 'accepted'") == 5);
    const auto closed = h.sandbox().customer(closing);
    REQUIRE(closed.has_value());
    CHECK(closed->at("customerStatus") == "CLOSED");
    CHECK(closed->at("closingDate") == "2026-11-20");
    CHECK(closed->at("action") == "UPDATE");
    const std::string changed = h.bank().value(
        "SELECT customer_no FROM core.customer WHERE kind = 'P' AND status = 'A' ORDER BY id LIMIT "
        "1");
    CHECK(h.sandbox().customer(changed)->at("lastName").get<std::string>().find("-Changed") !=
          std::string::npos);
  }

  TEST_CASE("invalid rows are held back with a reason, the rest is accepted, exit 3") {
    EtlHarness h(200, 20);
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 3);
    const long long invalid =
        h.ledger_number("SELECT count(*) FROM submissions WHERE outcome = 'invalid'");
    CHECK(invalid == 10);
    CHECK(h.sandbox().customer_count() == 200 - 10);
    CHECK(h.sandbox().stats().rejected == 0);
    CHECK(h.ledger_number("SELECT count(*) FROM submissions WHERE outcome = 'invalid' AND "
                          "(error_code IS NULL OR error_description IS NULL)") == 0);
    CHECK(h.ledger_number("SELECT count(*) FROM customers WHERE last_outcome = 'invalid'") == 10);
    CHECK(h.ledger_value("SELECT outcome FROM runs WHERE run_id = 1") == "partial");
    CHECK(r.out.find("invalid 10") != std::string::npos);
    SUBCASE("fixing a row in the source sends it on the next run") {
      h.bank().exec(
          "UPDATE core.customer SET citizenship = 'LT' WHERE kind = 'P' AND "
          "(citizenship IS NULL OR citizenship = 'XX')");
      h.bank().exec(
          "UPDATE core.customer SET last_name = 'Fixed' WHERE kind = 'P' AND last_name IS NULL");
      h.bank().exec(
          "UPDATE core.customer SET registration_country = 'LV' WHERE kind = 'O' AND "
          "registration_country IS NULL");
      const auto again = h.etl({"run"});
      INFO(again.err);
      CHECK(again.exit_code == 0);
      CHECK(h.sandbox().customer_count() == 200);
      CHECK(h.ledger_number("SELECT count(*) FROM customers WHERE last_outcome = 'invalid'") == 0);
    }
  }

  TEST_CASE("a wrong token stops the run with exit 1 and one clear line") {
    EtlHarness h(30);
    const auto r = h.etl({"run"}, {{"AMLYZE_TEST_TOKEN", "not-the-token"}});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("AMLYZE refused the bearer token") != std::string::npos);
    CHECK(r.err.find("not-the-token") == std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') <= 2);  // the start line and the error
    CHECK(h.sandbox().customer_count() == 0);
    CHECK(h.sandbox().stats().http_requests == 1);  // the first batch, then nothing more
    CHECK(h.ledger_number("SELECT count(*) FROM submissions WHERE outcome = 'accepted'") == 0);
    CHECK(h.ledger_value("SELECT outcome FROM runs WHERE run_id = 1") == "aborted");
    CHECK(h.ledger_value("SELECT count(*) FROM sync_state WHERE key = 'watermark'") == "0");
  }

  TEST_CASE("no token in the environment: exit 2 before anything is sent") {
    EtlHarness h(5);
    const auto r = h.etl({"run"}, {{"AMLYZE_TEST_TOKEN", ""}});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("AMLYZE_TEST_TOKEN") != std::string::npos);
    CHECK(h.sandbox().stats().http_requests == 0);
  }

  TEST_CASE("a column that is not an AMLYZE field stops the run before anything is sent") {
    EtlHarness h(20);
    use_variant(h, "bad.sql", "AS \"citizenshipCountry\"", "AS \"citizenship_country\"");
    const auto r = h.etl({"run"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("bad.sql") != std::string::npos);
    CHECK(r.err.find("did you mean \"citizenshipCountry\"") != std::string::npos);
    CHECK(h.sandbox().stats().http_requests == 0);
    CHECK(h.ledger_value("SELECT outcome FROM runs") == "aborted");
  }

  TEST_CASE("SQL the server refuses stops the run, naming the file and the line") {
    EtlHarness h(5);
    etl::test::write_text(h.dir() / "sql" / "typo.sql",
                          "SELECT c.customer_no AS \"customerExtId\"\n  FORM core.customer c\n");
    h.config()["source"]["extract_sql"] = "../sql/typo.sql";
    const auto r = h.etl({"run"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("typo.sql: PostgreSQL refused the extract query") != std::string::npos);
    CHECK(r.err.find("LINE 2") != std::string::npos);
    CHECK(h.sandbox().stats().http_requests == 0);
  }

  TEST_CASE("PostgreSQL unreachable: exit 1, nothing sent, watermark untouched") {
    EtlHarness h(5);
    h.config()["source"]["conninfo"] = "host=127.0.0.1 port=1 connect_timeout=2";
    const auto r = h.etl({"run"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("cannot connect to PostgreSQL") != std::string::npos);
    CHECK(h.sandbox().stats().http_requests == 0);
    CHECK(h.ledger_value("SELECT count(*) FROM sync_state WHERE key = 'watermark'") == "0");
  }

  TEST_CASE("the same customerExtId twice in one extract: one is sent and the other recorded") {
    EtlHarness h(10);
    std::string sql = slurp(etl::test::source_path("sql/extract_customers.sql"));
    while (!sql.empty() && (sql.back() == '\n' || sql.back() == ';' || sql.back() == ' '))
      sql.pop_back();
    etl::test::write_text(h.dir() / "sql" / "fanout.sql",
                          "SELECT * FROM (" + sql + ") AS once\nUNION ALL\nSELECT * FROM (" + sql +
                              ") AS twice WHERE \"customerExtId\" = 'C0000001'\n");
    h.config()["source"]["extract_sql"] = "../sql/fanout.sql";
    // States are read per fetched chunk (run_job.cpp read_all): the second row is caught by the
    // chunk's own ids, or by the state an earlier chunk's row left in the ledger.
    SUBCASE("in one fetched chunk") { h.config()["source"]["fetch_size"] = 1000; }
    SUBCASE("in different fetched chunks") { h.config()["source"]["fetch_size"] = 1; }
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK(h.sandbox().customer_count() == 10);
    CHECK(h.sandbox().stats().items == 10);
    CHECK(h.ledger_value("SELECT customer_ext_id || ' ' || error_code FROM submissions WHERE "
                         "outcome = 'duplicate'") == "C0000001 ETL.DUPLICATE");
    // The kept row's state is not the duplicate's.
    CHECK(h.ledger_value("SELECT last_outcome FROM customers WHERE customer_ext_id = "
                         "'C0000001'") == "accepted");
  }

  TEST_CASE("--dry-run writes the batches and a plan, sends nothing, changes no state") {
    EtlHarness h(30, 10);
    const auto dir = h.dir() / "dry";
    const auto r = h.etl({"run", "--dry-run", dir.string()});
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK(h.sandbox().stats().http_requests == 0);
    const auto plan = nlohmann::json::parse(slurp(dir / "plan.json"));
    CHECK(plan.at("create") == 27);
    CHECK(plan.at("invalid") == 3);
    const auto batch = nlohmann::json::parse(slurp(dir / "batch-0001.json"));
    CHECK(batch.at("customers").size() == 27);
    CHECK(slurp(dir / "held-back.jsonl").find("\"outcome\":\"invalid\"") != std::string::npos);
    CHECK(h.ledger_value("SELECT count(*) FROM customers") == "0");
    CHECK(h.ledger_value("SELECT count(*) FROM sync_state WHERE key = 'watermark'") == "0");
    const auto real = h.etl({"run"});
    CHECK(h.sandbox().customer_count() == 27);
  }

  TEST_CASE("the token never appears in output, logs or the ledger") {
    EtlHarness h(40, 10);
    const auto r = h.etl({"run", "--log-level", "debug"});
    CHECK(r.exit_code == 3);
    const auto status = h.etl({"status"});
    CHECK(status.exit_code == 0);
    for (const auto& text :
         {r.out, r.err, status.out, status.err, slurp(h.ledger_path()), slurp(h.config_path())}) {
      CHECK(text.find(h.token()) == std::string::npos);
    }
    CHECK(status.out.find("recent runs") != std::string::npos);
    CHECK(status.out.find("partial") != std::string::npos);
  }
}

TEST_SUITE("run") {
  TEST_CASE("an unknown key inside a json column stops the run before anything is sent") {
    EtlHarness h(600);
    use_variant(h, "nested.sql", "'zipCode'", "'zip_code'");
    h.config()["source"]["fetch_size"] = 1000;
    const auto r = h.etl({"run"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("nested.sql: column \"listAddress\" does not fit the mapping contract") !=
          std::string::npos);
    CHECK(r.err.find("zip_code: not an AMLYZE field of listAddress[]; did you mean zipCode?") !=
          std::string::npos);
    CHECK(r.err.find("nothing was sent") != std::string::npos);
    CHECK(h.sandbox().stats().http_requests == 0);
    CHECK(h.ledger_value("SELECT outcome FROM runs") == "aborted");
    CHECK(h.ledger_value("SELECT count(*) FROM sync_state WHERE key = 'watermark'") == "0");
  }

  TEST_CASE("a date field from a text column is refused up front") {
    EtlHarness h(5);
    use_variant(h, "textdate.sql", "AS \"applicationDate\"", "::text AS \"applicationDate\"");
    const auto r = h.etl({"run"});
    CHECK(r.exit_code == 2);
    CHECK(
        r.err.find(
            "\"applicationDate\" has SQL type text but AMLYZE expects date: cast it with ::date") !=
        std::string::npos);
    CHECK(h.sandbox().stats().http_requests == 0);
  }

  TEST_CASE("classifier lists in the config hold back values outside them") {
    EtlHarness h(60);
    h.config()["classifiers"] = {{"legalForm", {"LTD"}}};
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 3);
    const auto held =
        std::stoll(h.ledger_value("SELECT count(*) FROM submissions WHERE outcome = 'invalid' AND "
                                  "error_code = 'ETL.CLASSIFIER'"));
    const auto non_ltd = std::stoll(
        h.bank().value("SELECT count(*) FROM core.customer WHERE kind = 'O' AND legal_form NOT IN "
                       "('UAB','LTD','SIA','OU','SPZOO','GMBH','OY')"));
    CHECK(held == non_ltd);
    CHECK(held > 0);
    CHECK(h.sandbox().stats().rejected == 0);
  }
}
