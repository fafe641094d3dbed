// Config loading: every bad file stops with the file, the line and what to do.
#include <doctest/doctest.h>

#include "config/config.hpp"
#include "support/etl_harness.hpp"
#include "util/errors.hpp"

using etl::ConfigError;
using etl::parse_config;

namespace {

std::string error_of(const std::string& text) {
  try {
    parse_config(text, "/etc/amlyze/etl.jsonc");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("syntax error names file, line and column") {
    const std::string e = error_of("{\n  \"source\": {\n    \"lookback_seconds\": 30,,\n  }\n}");
    CHECK(e.find("/etc/amlyze/etl.jsonc:3:") == 0);
    CHECK(e.find("not valid JSON") != std::string::npos);
  }

  TEST_CASE("unknown key suggests the nearest one, with its line") {
    const std::string e = error_of("{\n\"amlyze\": {\n  \"batch_sise\": 10\n}}");
    CHECK(e.find("/etc/amlyze/etl.jsonc:3: amlyze.batch_sise: unknown key") == 0);
    CHECK(e.find("did you mean \"batch_size\"") != std::string::npos);
  }

  TEST_CASE("out-of-range and wrongly typed values are refused") {
    CHECK(error_of(R"({"amlyze": {"batch_size": 0}})")
              .find("amlyze.batch_size: must be a whole number from 1") != std::string::npos);
    CHECK(error_of(R"({"amlyze": {"batch_size": "500"}})").find("must be a whole number") !=
          std::string::npos);
    CHECK(error_of(R"({"amlyze": {"base_url": "ftp://x"}})").find("must start with https://") !=
          std::string::npos);
    CHECK(error_of(R"({"source": []})").find("source: must be an object") != std::string::npos);
  }

  TEST_CASE("a password in conninfo is refused and not repeated") {
    for (const std::string conninfo :
         {"host=db user=etl password=s3cret-pw", "postgresql://etl:s3cret-pw@db/bank"}) {
      const std::string e = error_of(R"({"source": {"conninfo": ")" + conninfo + "\"}}");
      CHECK(e.find("contains a password") != std::string::npos);
      CHECK(e.find("s3cret-pw") == std::string::npos);
    }
    CHECK_NOTHROW(parse_config(R"({"source": {"conninfo": "postgresql://etl@db:5432/bank"}})",
                               "/etc/amlyze/etl.jsonc"));
  }

  TEST_CASE("comments allowed, defaults applied, paths relative to the config file") {
    const etl::Config c = parse_config(R"({
      // nightly sync
      "source": { "extract_sql": "sql/extract.sql" },
      "amlyze": { "base_url": "https://amlyze.bank.example/", "business_unit": "LT" },
      "ledger": { "path": "/var/lib/amlyze-etl/ledger.sqlite" }
    })",
                                       "/etc/amlyze/etl.jsonc");
    CHECK(c.source.extract_sql == "/etc/amlyze/sql/extract.sql");
    CHECK(c.source.lookback_seconds == 300);
    CHECK(c.amlyze.base_url == "https://amlyze.bank.example");
    CHECK(c.amlyze.business_unit.value_or("") == "LT");
    CHECK(c.amlyze.batch_size == 500);
    CHECK(c.amlyze.token_env == "AMLYZE_TOKEN");
    CHECK(c.ledger.path == "/var/lib/amlyze-etl/ledger.sqlite");
  }

  TEST_CASE("the shipped configs load as they are") {
    // An operator copies these; a comma after the last key or a key renamed in the code would
    // stop their first run.
    const etl::Config example =
        etl::load_config(etl::test::source_path("config/amlyze-etl.example.jsonc"));
    CHECK(example.source.idle_transaction_warn_seconds == 3600);
    CHECK(example.ledger.path == "/var/lib/amlyze-etl/ledger.sqlite");
    const etl::Config demo = etl::load_config(etl::test::source_path("config/demo.jsonc"));
    CHECK(demo.amlyze.base_url == "http://127.0.0.1:8089");
  }

  TEST_CASE("a missing config file is a config error naming it") {
    CHECK_THROWS_WITH_AS(etl::load_config("/nonexistent/etl.jsonc"),
                         doctest::Contains("/nonexistent/etl.jsonc"), ConfigError);
  }
}
