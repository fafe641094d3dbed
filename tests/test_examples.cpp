// The documented payloads (amlyze-api.md §2.5 minimal items, and a full individual and
// organization with every list) come out JSON-equal from rows of the SQL contract, and the
// sandbox accepts them all.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "support/etl_harness.hpp"

using nlohmann::json;

namespace {

json read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return json::parse(s.str());
}

json without_numbers(json batch) {
  for (auto& item : batch.at("customers")) item.erase("communicationNumber");
  return batch;
}

void check_example(const std::string& name) {
  etl::test::EtlHarness h(0);
  h.config()["source"]["extract_sql"] =
      etl::test::source_path("tests/fixtures/examples/" + name + ".sql");
  h.config()["amlyze"]["requester"] = "BANK_ETL";
  const json expected =
      read_json(etl::test::source_path("tests/fixtures/examples/" + name + ".json"));

  const auto dry = h.etl({"run", "--dry-run", (h.dir() / "dry").string()});
  INFO(dry.err);
  REQUIRE(dry.exit_code == 0);
  CHECK(without_numbers(read_json(h.dir() / "dry" / "batch-0001.json")) == expected);

  const auto real = h.etl({"run"});
  INFO(real.err);
  CHECK(real.exit_code == 0);
  CHECK(h.sandbox().stats().rejected == 0);
  for (const json& item : expected.at("customers")) {
    const auto stored = h.sandbox().customer(item.at("customerExtId").get<std::string>());
    REQUIRE(stored.has_value());
    json held = *stored;
    held.erase("communicationNumber");
    CHECK(held == item);
  }
}

}  // namespace

TEST_SUITE("examples") {
  TEST_CASE("the minimal individual and organization of the API docs") { check_example("minimal"); }
  TEST_CASE("a full individual and organization with every list") { check_example("full"); }
}
