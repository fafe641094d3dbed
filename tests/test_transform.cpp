// Row -> AMLYZE customer: types, absent NULLs, fields forbidden for the type, validation codes,
// canonical hash. No database needed: a row is a list of nullable text values.
#include <doctest/doctest.h>

#include <optional>

#include "model/column_plan.hpp"
#include "model/transform.hpp"
#include "model/validate.hpp"
#include "util/errors.hpp"

using etl::model::ColumnKind;
using etl::model::Customer;
using etl::model::SourceColumn;

namespace {

struct Cell {
  std::string name;
  ColumnKind kind;
  std::optional<std::string> value;
};

std::vector<Cell> individual() {
  return {{"customerExtId", ColumnKind::kText, "C123"},
          {"entityType", ColumnKind::kText, "INDIVIDUAL"},
          {"riskManagementCategory", ColumnKind::kText, "IND"},
          {"riskLevel", ColumnKind::kText, "LOW"},
          {"customerStatus", ColumnKind::kText, "ACTIVE"},
          {"applicationDate", ColumnKind::kDate, "2016-01-01"},
          {"firstName", ColumnKind::kText, "Tomas"},
          {"lastName", ColumnKind::kText, "Garcia"},
          {"citizenshipCountry", ColumnKind::kText, "LT"},
          {"title", ColumnKind::kText, std::nullopt},
          {"closingDate", ColumnKind::kDate, std::nullopt},
          {"_changed_at", ColumnKind::kTimestamp, "2026-11-26 04:00:00+00"}};
}

std::vector<Cell> organization() {
  return {{"customerExtId", ColumnKind::kText, "O456"},
          {"entityType", ColumnKind::kText, "ORGANIZATION"},
          {"riskManagementCategory", ColumnKind::kText, "ORG"},
          {"riskLevel", ColumnKind::kText, "LOW"},
          {"customerStatus", ColumnKind::kText, "ACTIVE"},
          {"applicationDate", ColumnKind::kDate, "2016-01-01"},
          {"title", ColumnKind::kText, "LTD Bull"},
          {"registrationCountry", ColumnKind::kText, "LV"},
          {"legalForm", ColumnKind::kText, "CORPORATION"},
          {"firstName", ColumnKind::kText, std::nullopt},
          {"_changed_at", ColumnKind::kTimestamp, "2026-11-26 04:00:00+00"}};
}

void set(std::vector<Cell>& cells, const std::string& name, ColumnKind kind,
         std::optional<std::string> value) {
  for (auto& c : cells) {
    if (c.name == name) {
      c.kind = kind;
      c.value = std::move(value);
      return;
    }
  }
  cells.push_back({name, kind, std::move(value)});
}

Customer transform(const std::vector<Cell>& cells) {
  std::vector<SourceColumn> columns;
  etl::model::RowValues row;
  for (const auto& c : cells) {
    columns.push_back({c.name, c.kind, "test"});
    row.push_back(c.value ? std::optional<std::string_view>(*c.value) : std::nullopt);
  }
  const auto plan = etl::model::plan_columns(columns, "extract.sql", false);
  return etl::model::transform_row(plan, row, {"BANK_ETL", std::nullopt, {}});
}

bool has_code(const Customer& c, const std::string& code) {
  for (const auto& p : c.problems) {
    if (p.code == code) return true;
  }
  return false;
}

}  // namespace

TEST_SUITE("transform") {
  TEST_CASE("individual: the documented minimal item, NULL columns left out") {
    const Customer c = transform(individual());
    CHECK(c.valid());
    CHECK(c.ext_id == "C123");
    CHECK(c.entity_type == "INDIVIDUAL");
    const nlohmann::json expected = nlohmann::json::parse(R"({
      "requester":"BANK_ETL","riskLevel":"LOW","customerStatus":"ACTIVE",
      "riskManagementCategory":"IND","entityType":"INDIVIDUAL","customerExtId":"C123",
      "applicationDate":"2016-01-01","firstName":"Tomas","lastName":"Garcia",
      "citizenshipCountry":"LT"})");
    CHECK(c.payload == expected);
    CHECK_FALSE(c.payload.contains("title"));
    CHECK_FALSE(c.payload.contains("communicationNumber"));
  }

  TEST_CASE("organization: the documented minimal item") {
    const Customer c = transform(organization());
    CHECK(c.valid());
    CHECK(c.payload.at("title") == "LTD Bull");
    CHECK(c.payload.at("legalForm") == "CORPORATION");
    CHECK_FALSE(c.payload.contains("firstName"));
  }

  TEST_CASE("fields forbidden for the entity type are held back with C014/C015") {
    auto org = organization();
    set(org, "firstName", ColumnKind::kText, "Ann");
    const Customer c1 = transform(org);
    CHECK(has_code(c1, "C015"));

    auto person = individual();
    set(person, "title", ColumnKind::kText, "Dr");
    set(person, "numberOfEmployees", ColumnKind::kInteger, "5");
    const Customer c2 = transform(person);
    CHECK(has_code(c2, "C014"));
    CHECK(c2.problems.size() == 2);
  }

  TEST_CASE("required fields per type carry AMLYZE's codes") {
    auto person = individual();
    set(person, "citizenshipCountry", ColumnKind::kText, std::nullopt);
    CHECK(has_code(transform(person), "C016.I06"));
    auto org = organization();
    set(org, "title", ColumnKind::kText, std::nullopt);
    set(org, "registrationCountry", ColumnKind::kText, std::nullopt);
    const Customer c = transform(org);
    CHECK(has_code(c, "C017.O01"));
    CHECK(has_code(c, "REG"));
    auto nameless = individual();
    set(nameless, "customerExtId", ColumnKind::kText, std::nullopt);
    const Customer n = transform(nameless);
    CHECK(has_code(n, "C002"));
    CHECK(n.ext_id.empty());
  }

  TEST_CASE("closingDate exactly when CLOSED (C013/C013a)") {
    auto closed = individual();
    set(closed, "customerStatus", ColumnKind::kText, "CLOSED");
    CHECK(has_code(transform(closed), "C013"));
    set(closed, "closingDate", ColumnKind::kDate, "2026-11-01");
    CHECK(transform(closed).valid());
    auto active = individual();
    set(active, "closingDate", ColumnKind::kDate, "2026-11-01");
    CHECK(has_code(transform(active), "C013a"));
  }

  TEST_CASE("fixed enums, countries, dates and lead categories") {
    auto person = individual();
    set(person, "riskLevel", ColumnKind::kText, "VERY_HIGH");
    set(person, "citizenshipCountry", ColumnKind::kText, "XX");
    set(person, "birthDate", ColumnKind::kDate, "2023-02-30");
    set(person, "riskManagementCategory", ColumnKind::kText, "LEAD_IND");
    const Customer c = transform(person);
    CHECK(has_code(c, "ETL.ENUM"));
    CHECK(has_code(c, "C016.I06"));
    CHECK(has_code(c, "ETL.DATE"));
    CHECK(has_code(c, "C008.I02"));
    CHECK(etl::model::describe(c.problems).find("VERY_HIGH") != std::string::npos);
  }

  TEST_CASE("dates: real calendar days only") {
    CHECK(etl::model::is_iso_date("2024-02-29"));
    CHECK_FALSE(etl::model::is_iso_date("2023-02-29"));
    CHECK_FALSE(etl::model::is_iso_date("2023-13-01"));
    CHECK_FALSE(etl::model::is_iso_date("2023-1-01"));
    CHECK_FALSE(etl::model::is_iso_date("0044-03-15 BC"));
    CHECK_FALSE(etl::model::is_iso_date("infinity"));
  }

  TEST_CASE("booleans, numbers and lists get AMLYZE's JSON types") {
    auto person = individual();
    set(person, "isPEP", ColumnKind::kBoolean, "t");
    set(person, "initialDepositAmount", ColumnKind::kDecimal, "10000.50");
    set(person, "listAddress", ColumnKind::kJson,
        R"([{"country":"LT","zipCode":"04127","city":null,"addressDetails":"Gedimino pr. 1"}])");
    const Customer c = transform(person);
    CHECK(c.valid());
    CHECK(c.payload.at("isPEP") == true);
    CHECK(c.payload.at("initialDepositAmount").get<double>() == doctest::Approx(10000.5));
    CHECK(c.payload.at("listAddress")[0].at("zipCode") == "04127");
    CHECK_FALSE(c.payload.at("listAddress")[0].contains("city"));
  }

  TEST_CASE("bad nested objects are held back with the field path") {
    auto person = individual();
    set(person, "listContact", ColumnKind::kJson,
        R"([{"contactType":"EMAIL","contactDetails":"a@b.lt"},{"contactType":"PIGEON"},{"contactDetials":"x"}])");
    const Customer c = transform(person);
    const std::string why = etl::model::describe(c.problems, 10);
    CHECK(why.find("Co1 listContact[1].contactType") != std::string::npos);
    CHECK(why.find("Co2 listContact[1].contactDetails: required") != std::string::npos);
    CHECK(why.find("listContact[2].contactDetials: not an AMLYZE field") != std::string::npos);
    CHECK(why.find("did you mean contactDetails") != std::string::npos);
    set(person, "listContact", ColumnKind::kJson, "{not json");
    CHECK(has_code(transform(person), "ETL.TYPE"));
  }

  TEST_CASE("the hash is canonical: same data gives the same hash, any change another") {
    const Customer a = transform(individual());
    auto reordered = individual();
    std::reverse(reordered.begin(), reordered.end());
    CHECK(transform(reordered).hash == a.hash);
    auto changed = individual();
    set(changed, "lastName", ColumnKind::kText, "Garcia-Lopez");
    CHECK(transform(changed).hash != a.hash);
    CHECK(a.hash.size() == 64);
  }
}

TEST_SUITE("mapping") {
  std::string plan_error(std::vector<SourceColumn> columns, bool bu_in_config = false) {
    try {
      etl::model::plan_columns(columns, "sql/extract.sql", bu_in_config);
    } catch (const etl::ConfigError& e) {
      return e.what();
    }
    return "(no error)";
  }

  std::vector<SourceColumn> minimal_columns() {
    std::vector<SourceColumn> out;
    for (const auto& c : individual()) out.push_back({c.name, c.kind, "text"});
    return out;
  }

  TEST_CASE("a column that is not an AMLYZE field names the nearest field") {
    auto columns = minimal_columns();
    columns.push_back({"firstname", ColumnKind::kText, "text"});
    columns.push_back({"citizenship_country", ColumnKind::kText, "text"});
    const std::string e = plan_error(columns);
    CHECK(e.find("sql/extract.sql:") == 0);
    CHECK(e.find("column \"firstname\" appears twice") == std::string::npos);
    CHECK(e.find("\"firstname\" is not an AMLYZE customer field; did you mean \"firstName\"") !=
          std::string::npos);
    CHECK(e.find("\"citizenship_country\" is not an AMLYZE customer field; did you mean "
                 "\"citizenshipCountry\"") != std::string::npos);
    CHECK(e.find("nothing was sent") != std::string::npos);
  }

  TEST_CASE("wrong SQL types, job fields, reserved and missing columns") {
    auto columns = minimal_columns();
    columns.push_back({"isPEP", ColumnKind::kText, "text"});
    columns.push_back({"communicationNumber", ColumnKind::kText, "text"});
    columns.push_back({"_internal", ColumnKind::kText, "text"});
    columns.push_back({"listAddress", ColumnKind::kText, "text"});
    columns.erase(columns.begin() + 3);  // riskLevel
    const std::string e = plan_error(columns);
    CHECK(e.find("\"isPEP\" has SQL type text but AMLYZE expects boolean") != std::string::npos);
    CHECK(e.find("\"communicationNumber\" is filled by the job") != std::string::npos);
    CHECK(e.find("\"_internal\": names starting with _ are reserved") != std::string::npos);
    CHECK(e.find("\"listAddress\" has SQL type text but AMLYZE expects json array") !=
          std::string::npos);
    CHECK(e.find("\"riskLevel\" is missing") != std::string::npos);
  }

  TEST_CASE("_changed_at must be there and be timestamptz") {
    auto columns = minimal_columns();
    columns.back().kind = ColumnKind::kDate;
    CHECK(plan_error(columns).find("\"_changed_at\" has SQL type text but must be timestamptz") !=
          std::string::npos);
    columns.pop_back();
    CHECK(plan_error(columns).find(
              "\"_changed_at\" (timestamptz, the row's latest change) is missing") !=
          std::string::npos);
  }

  TEST_CASE("businessUnit in SQL and in the config is ambiguous") {
    auto columns = minimal_columns();
    columns.push_back({"businessUnit", ColumnKind::kText, "text"});
    CHECK(plan_error(columns, false) == "(no error)");
    CHECK(plan_error(columns, true).find("also set by amlyze.business_unit") != std::string::npos);
  }
}
