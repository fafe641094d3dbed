// Table-driven validation: one case per error code at each nesting level, each case a JSON merge
// patch on a valid customer (null removes a key). Then a randomized run of bad rows.
#include <doctest/doctest.h>

#include <random>

#include "model/column_plan.hpp"
#include "model/transform.hpp"
#include "model/validate.hpp"
#include "support/validation_cases.hpp"

using nlohmann::json;

namespace etl::test::validation {

json individual() {
  return json::parse(R"({
    "requester":"BANK_ETL","riskLevel":"LOW","customerStatus":"ACTIVE",
    "riskManagementCategory":"IND","entityType":"INDIVIDUAL","customerExtId":"C123",
    "applicationDate":"2016-01-01","firstName":"Tomas","lastName":"Garcia",
    "citizenshipCountry":"LT",
    "listContact":[{"contactType":"EMAIL","contactDetails":"t@g.lt"}],
    "listAddress":[{"country":"LT","addressDetails":"Gedimino pr. 1, Vilnius","addressType":"RESIDENCE"}],
    "listBusinessEntityDocument":[{"entityType":"INDIVIDUAL","identityDocumentType":"PASSPORT",
      "documentNumber":"P123","documentIssueDate":"2020-01-02","documentIssueCountry":"LT",
      "documentIssueAuthority":"Migration Dept"}],
    "listAdditionalValues":[{"code":"related_to_usa","datatype":"BOOLEAN","description":"US person","value":"false"}],
    "listRelatedEntity":[{"entityType":"INDIVIDUAL","relationType":"REPRESENTATIVE",
      "firstName":"Ona","lastName":"Garcia","country":"LT",
      "listContact":[{"contactType":"MOBILEPHONE","contactDetails":"+37060000000"}],
      "listAddress":[{"country":"LT","addressType":"RESIDENCE"}],
      "listBusinessEntityDocument":[{"entityType":"INDIVIDUAL","identityDocumentType":"IDENTITYCARD",
        "documentNumber":"I1","documentIssueDate":"2019-05-05","documentIssueCountry":"LT",
        "documentIssueAuthority":"Police"}],
      "listAdditionalValues":[{"code":"x","datatype":"INTEGER","description":"x","value":"12"}]}]
  })");
}

json organization() {
  return json::parse(R"({
    "requester":"BANK_ETL","riskLevel":"LOW","customerStatus":"ACTIVE",
    "riskManagementCategory":"ORG","entityType":"ORGANIZATION","customerExtId":"O456",
    "applicationDate":"2016-01-01","title":"LTD Bull","registrationCountry":"LV",
    "legalForm":"CORPORATION"})");
}

}  // namespace etl::test::validation

namespace {

using etl::test::validation::Case;
using etl::test::validation::individual;
using etl::test::validation::organization;

etl::model::Problems problems_of(const json& base, const json& patch,
                                 const etl::model::ValidationOptions& options = {}) {
  json item = base;
  item.merge_patch(patch);
  etl::model::Problems out;
  etl::model::validate_customer(item, options, out);
  return out;
}

// clang-format off
const Case kCases[] = {
  // customer level
  {"customerExtId missing", false, R"({"customerExtId":null})", "C002", "customerExtId"},
  {"category missing", false, R"({"riskManagementCategory":null})", "C007", "riskManagementCategory"},
  {"lead category", false, R"({"riskManagementCategory":"LEAD_IND"})", "C008.I02", "riskManagementCategory"},
  {"entityType missing", false, R"({"entityType":null})", "C010", "entityType"},
  {"entityType unknown", false, R"({"entityType":"TRUST"})", "C010", "entityType"},
  {"applicationDate missing", false, R"({"applicationDate":null})", "C012", "applicationDate"},
  {"applicationDate impossible", false, R"({"applicationDate":"2023-02-29"})", "C012", "applicationDate"},
  {"closed without closingDate", false, R"({"customerStatus":"CLOSED"})", "C013", "closingDate"},
  {"closingDate while active", false, R"({"closingDate":"2024-01-01"})", "C013a", "closingDate"},
  {"org field on individual", false, R"({"numberOfEmployees":5})", "C014", "numberOfEmployees"},
  {"person field on organization", true, R"({"birthDate":"1990-01-01"})", "C015", "birthDate"},
  {"firstName missing", false, R"({"firstName":null})", "C016", "firstName"},
  {"lastName blank", false, R"({"lastName":"  "})", "C016", "lastName"},
  {"citizenship missing", false, R"({"citizenshipCountry":null})", "C016.I06", "citizenshipCountry"},
  {"birthCountry unknown", false, R"({"birthCountry":"XX"})", "C016.I06", "birthCountry"},
  {"second citizenship unknown", false, R"({"secondCitizenshipCountry":"ZZ"})", "C016.I08", "secondCitizenshipCountry"},
  {"title missing", true, R"({"title":null})", "C017.O01", "title"},
  {"registrationCountry unknown", true, R"({"registrationCountry":"Latvia"})", "REG", "registrationCountry"},
  {"legalForm missing", true, R"({"legalForm":null})", "ETL.REQUIRED", "legalForm"},
  {"riskLevel missing", false, R"({"riskLevel":null})", "ETL.REQUIRED", "riskLevel"},
  {"riskLevel unknown", false, R"({"riskLevel":"SEVERE"})", "ETL.ENUM", "riskLevel"},
  {"customerStatus unknown", false, R"({"customerStatus":"DORMANT"})", "ETL.ENUM", "customerStatus"},
  {"listPurpose unknown", false, R"({"listPurpose":"GREY"})", "ETL.ENUM", "listPurpose"},
  {"birthDate not a date", false, R"({"birthDate":"01.02.1990"})", "ETL.DATE", "birthDate"},
  {"control character", false, R"({"firstName":"To\u0000mas"})", "ETL.TEXT", "firstName"},
  {"boolean as text", false, R"({"isPEP":"true"})", "ETL.TYPE", "isPEP"},
  {"sourceOfRiskLevel in batch", false, R"({"sourceOfRiskLevel":"IMPORT"})", "ETL.NOT_IN_BATCH", "sourceOfRiskLevel"},
  {"pension country", false, R"({"fieldOfActivity":{"pension":{"pensionCountry":"XX"}}})", "FOA02", "fieldOfActivity.pension.pensionCountry"},
  {"student country", false, R"({"fieldOfActivity":{"student":{"higherSchoolCountry":"XX"}}})", "FOA01", "fieldOfActivity.student.higherSchoolCountry"},
  // customer lists
  {"contact type missing", false, R"({"listContact":[{"contactDetails":"x"}]})", "Co1", "listContact[0].contactType"},
  {"contact type unknown", false, R"({"listContact":[{"contactType":"FAX","contactDetails":"x"}]})", "Co1", "listContact[0].contactType"},
  {"contact details missing", false, R"({"listContact":[{"contactType":"EMAIL"}]})", "Co2", "listContact[0].contactDetails"},
  {"address country missing", false, R"({"listAddress":[{"addressDetails":"x"}]})", "Q004.ADR02", "listAddress[0].country"},
  {"address country unknown", false, R"({"listAddress":[{"country":"EU"}]})", "Q004.ADR02", "listAddress[0].country"},
  {"document entityType", false, R"({"listBusinessEntityDocument":[{"entityType":"X","identityDocumentType":"PASSPORT","documentNumber":"1","documentIssueDate":"2020-01-01","documentIssueCountry":"LT","documentIssueAuthority":"a"}]})", "Q002.DOC01", "listBusinessEntityDocument[0].entityType"},
  {"document number missing", false, R"({"listBusinessEntityDocument":[{"entityType":"INDIVIDUAL","identityDocumentType":"PASSPORT","documentIssueDate":"2020-01-01","documentIssueCountry":"LT","documentIssueAuthority":"a"}]})", "Q002.DOC03", "listBusinessEntityDocument[0].documentNumber"},
  {"document country", false, R"({"listBusinessEntityDocument":[{"entityType":"INDIVIDUAL","identityDocumentType":"PASSPORT","documentNumber":"1","documentIssueDate":"2020-01-01","documentIssueCountry":"XX","documentIssueAuthority":"a"}]})", "Q002.DOC06", "listBusinessEntityDocument[0].documentIssueCountry"},
  {"document issue date", false, R"({"listBusinessEntityDocument":[{"entityType":"INDIVIDUAL","identityDocumentType":"PASSPORT","documentNumber":"1","documentIssueCountry":"LT","documentIssueAuthority":"a"}]})", "ETL.REQUIRED", "listBusinessEntityDocument[0].documentIssueDate"},
  {"country of activity", true, R"({"listCountryOfActivity":[{"country":"XX"}]})", "Q009.CA01", "listCountryOfActivity[0].country"},
  {"payment country", false, R"({"listPaymentCountry":[{"country":"XX","turnoverDirection":"IN"}]})", "Q014.RC01", "listPaymentCountry[0].country"},
  {"payment direction", false, R"({"listPaymentCountry":[{"country":"LT","turnoverDirection":"BOTH"}]})", "ETL.ENUM", "listPaymentCountry[0].turnoverDirection"},
  {"tax country", false, R"({"listCountryOfTaxPayment":[{"country":"XX"}]})", "Q017.COTP01", "listCountryOfTaxPayment[0].country"},
  {"turnover without bounds", false, R"({"listDeclaredTurnover":[{"turnoverType":"TURNOVER_PER_MONTH","turnoverRange":"MONTHLY"}]})", "ETL.REQUIRED", "listDeclaredTurnover[0].from"},
  {"additional BOOLEAN", false, R"({"listAdditionalValues":[{"code":"c","datatype":"BOOLEAN","description":"d","value":"yes"}]})", "AV07", "listAdditionalValues[0].value"},
  {"additional TIMESTAMP", false, R"({"listAdditionalValues":[{"code":"c","datatype":"TIMESTAMP","description":"d","value":"2024-04-08T10:45:00Z"}]})", "AV07", "listAdditionalValues[0].value"},
  {"additional INTEGER", false, R"({"listAdditionalValues":[{"code":"c","datatype":"INTEGER","description":"d","value":"1.5"}]})", "AV07", "listAdditionalValues[0].value"},
  {"additional DATE", false, R"({"listAdditionalValues":[{"code":"c","datatype":"DATE","description":"d","value":"2024-13-01"}]})", "AV07", "listAdditionalValues[0].value"},
  // related entity and its lists
  {"relation type missing", false, R"({"listRelatedEntity":[{"entityType":"ORGANIZATION","title":"X"}]})", "C017.C016.RE01", "listRelatedEntity[0].relationType"},
  {"related entityType missing", false, R"({"listRelatedEntity":[{"relationType":"OWNER","title":"X"}]})", "C017.C016.RE02", "listRelatedEntity[0].entityType"},
  {"related country", false, R"({"listRelatedEntity":[{"entityType":"ORGANIZATION","relationType":"OWNER","title":"X","country":"XX"}]})", "C017.C016.RE03", "listRelatedEntity[0].country"},
  {"related person name", false, R"({"listRelatedEntity":[{"entityType":"INDIVIDUAL","relationType":"OWNER","lastName":"X"}]})", "ETL.REQUIRED", "listRelatedEntity[0].firstName"},
  {"related org title", false, R"({"listRelatedEntity":[{"entityType":"ORGANIZATION","relationType":"OWNER"}]})", "ETL.REQUIRED", "listRelatedEntity[0].title"},
  {"related person with title", false, R"({"listRelatedEntity":[{"entityType":"INDIVIDUAL","relationType":"OWNER","firstName":"A","lastName":"B","title":"Dr"}]})", "ETL.SCOPE", "listRelatedEntity[0].title"},
  {"related contact type", false, R"({"listRelatedEntity":[{"entityType":"INDIVIDUAL","relationType":"OWNER","firstName":"A","lastName":"B","listContact":[{"contactDetails":"x"}]}]})", "C017.C016.RE06.Co1", "listRelatedEntity[0].listContact[0].contactType"},
  {"related contact details", false, R"({"listRelatedEntity":[{"entityType":"INDIVIDUAL","relationType":"OWNER","firstName":"A","lastName":"B","listContact":[{"contactType":"EMAIL"}]}]})", "C017.C016.RE06.Co2", "listRelatedEntity[0].listContact[0].contactDetails"},
  {"related address country", false, R"({"listRelatedEntity":[{"entityType":"INDIVIDUAL","relationType":"OWNER","firstName":"A","lastName":"B","listAddress":[{"city":"x"}]}]})", "C017.C016.RE06.ADR02", "listRelatedEntity[0].listAddress[0].country"},
  {"related document entityType", false, R"({"listRelatedEntity":[{"entityType":"INDIVIDUAL","relationType":"OWNER","firstName":"A","lastName":"B","listBusinessEntityDocument":[{"identityDocumentType":"PASSPORT","documentNumber":"1","documentIssueDate":"2020-01-01","documentIssueCountry":"LT","documentIssueAuthority":"a"}]}]})", "C017.C016.RE08.DOC01", "listRelatedEntity[0].listBusinessEntityDocument[0].entityType"},
  {"related document number", false, R"({"listRelatedEntity":[{"entityType":"INDIVIDUAL","relationType":"OWNER","firstName":"A","lastName":"B","listBusinessEntityDocument":[{"entityType":"INDIVIDUAL","identityDocumentType":"PASSPORT","documentIssueDate":"2020-01-01","documentIssueCountry":"LT","documentIssueAuthority":"a"}]}]})", "C017.C016.RE08.DOC03", "listRelatedEntity[0].listBusinessEntityDocument[0].documentNumber"},
  {"related additional value", false, R"({"listRelatedEntity":[{"entityType":"INDIVIDUAL","relationType":"OWNER","firstName":"A","lastName":"B","listAdditionalValues":[{"code":"c","datatype":"BOOLEAN","description":"d","value":"1"}]}]})", "C017.C016.AV07", "listRelatedEntity[0].listAdditionalValues[0].value"},
};
// clang-format on

}  // namespace

const std::vector<Case>& etl::test::validation::cases() {
  static const std::vector<Case> all(std::begin(kCases), std::end(kCases));
  return all;
}

namespace {

bool has(const etl::model::Problems& problems, const std::string& code, const std::string& path) {
  for (const auto& p : problems) {
    if (p.code == code && p.path == path) return true;
  }
  return false;
}

}  // namespace

TEST_SUITE("validate") {
  TEST_CASE("the valid fixtures have no problem") {
    etl::model::Problems out;
    etl::model::validate_customer(individual(), {}, out);
    CHECK(etl::model::describe(out) == "");
    out.clear();
    etl::model::validate_customer(organization(), {}, out);
    CHECK(etl::model::describe(out) == "");
  }

  TEST_CASE("one case per AMLYZE code at each nesting level") {
    for (const Case& c : kCases) {
      CAPTURE(c.name);
      const auto problems =
          problems_of(c.organization ? organization() : individual(), json::parse(c.patch));
      CAPTURE(etl::model::describe(problems, 10));
      CHECK(has(problems, c.code, c.path));
      CHECK_FALSE(etl::model::first_mapping_problem(problems));
    }
  }

  TEST_CASE("shape errors inside json columns are mapping errors") {
    const auto unknown =
        problems_of(individual(), json::parse(R"({"listAddress":[{"cuntry":"LT"}]})"));
    REQUIRE(etl::model::first_mapping_problem(unknown) != nullptr);
    CHECK(etl::model::first_mapping_problem(unknown)->path == "listAddress[0].cuntry");
    CHECK(etl::model::first_mapping_problem(unknown)->message.find("did you mean country") !=
          std::string::npos);
    CHECK(etl::model::first_mapping_problem(
        problems_of(individual(), json::parse(R"({"listContact":{"contactType":"EMAIL"}})"))));
    CHECK(etl::model::first_mapping_problem(
        problems_of(individual(), json::parse(R"({"listContact":["EMAIL"]})"))));
    CHECK(etl::model::first_mapping_problem(problems_of(
        individual(),
        json::parse(
            R"({"listContact":[{"contactType":"EMAIL","contactDetails":"x","useForCommunication":"Y"}]})"))));
  }

  TEST_CASE("installation classifier lists from the config") {
    etl::model::ValidationOptions options;
    options.classifiers["legalForm"] = {"LTD", "AB"};
    options.classifiers["country"] = {"LT", "LV"};
    options.classifiers["addressType"] = {"RESIDENCE"};
    options.classifiers["currency"] = {"EUR"};
    CHECK(has(problems_of(organization(), json::object(), options), "ETL.CLASSIFIER", "legalForm"));
    CHECK(has(problems_of(individual(), json::parse(R"({"citizenshipCountry":"PL"})"), options),
              "C016.I06", "citizenshipCountry"));
    CHECK(has(problems_of(individual(),
                          json::parse(R"({"listAddress":[{"country":"LT","addressType":"HOME"}]})"),
                          options),
              "Q004.ADR02", "listAddress[0].addressType"));
    CHECK(
        has(problems_of(individual(), json::parse(R"({"initialDepositCurrency":"USD"})"), options),
            "001", "initialDepositCurrency"));
    CHECK(problems_of(individual(), json::parse(R"({"initialDepositCurrency":"EUR"})"), options)
              .empty());
  }

  TEST_CASE("documented maximum lengths") {
    CHECK(has(problems_of(individual(), {{"activityDescription", std::string(32769, 'a')}}),
              "ETL.LENGTH", "activityDescription"));
    CHECK(problems_of(individual(), {{"activityDescription", std::string(32768, 'a')}}).empty());
    CHECK(has(problems_of(individual(), {{"requester", std::string(101, 'R')}}), "ETL.LENGTH",
              "requester"));
  }

  TEST_CASE("additional value datatypes") {
    using etl::model::fits_datatype;
    CHECK(fits_datatype("TIMESTAMP", "2024-04-08 10:45:00.000+0200"));
    CHECK_FALSE(fits_datatype("TIMESTAMP", "2024-04-08 25:45:00.000+0200"));
    CHECK(fits_datatype("DECIMAL", "-10.50"));
    CHECK_FALSE(fits_datatype("DECIMAL", "10."));
    CHECK(fits_datatype("INTEGER", "+7"));
    CHECK_FALSE(fits_datatype("INTEGER", ""));
    CHECK(fits_datatype("STRING", ""));
    CHECK_FALSE(fits_datatype("MONEY", "1"));
  }
}

TEST_SUITE("validate") {
  // Random rows through the real transform: each row is the valid fixture with zero or one
  // defect. Nothing may crash, every defective row must carry a problem, every clean row none.
  TEST_CASE("randomized bad rows are held back and good rows pass") {
    using etl::model::ColumnKind;
    const std::vector<etl::model::SourceColumn> columns = {
        {"customerExtId", ColumnKind::kText, "text"},
        {"entityType", ColumnKind::kText, "text"},
        {"riskManagementCategory", ColumnKind::kText, "text"},
        {"riskLevel", ColumnKind::kText, "text"},
        {"customerStatus", ColumnKind::kText, "text"},
        {"applicationDate", ColumnKind::kDate, "date"},
        {"closingDate", ColumnKind::kDate, "date"},
        {"firstName", ColumnKind::kText, "text"},
        {"lastName", ColumnKind::kText, "text"},
        {"citizenshipCountry", ColumnKind::kText, "text"},
        {"title", ColumnKind::kText, "text"},
        {"activityDescription", ColumnKind::kText, "text"},
        {"numberOfEmployees", ColumnKind::kInteger, "int"},
        {"listContact", ColumnKind::kJson, "json"},
        {"listAddress", ColumnKind::kJson, "json"},
        {"_changed_at", ColumnKind::kTimestamp, "timestamptz"}};
    const auto plan = etl::model::plan_columns(columns, "random.sql", false);
    const std::vector<std::optional<std::string>> good = {
        "C1",
        "INDIVIDUAL",
        "IND",
        "LOW",
        "ACTIVE",
        "2016-01-01",
        std::nullopt,
        "Tomas",
        "Garcia",
        "LT",
        std::nullopt,
        "Teacher",
        std::nullopt,
        R"([{"contactType":"EMAIL","contactDetails":"t@g.lt"}])",
        R"([{"country":"LT","addressDetails":"Vilnius"}])",
        "2026-11-26 04:00:00+00"};
    using Defect = std::pair<std::size_t, std::optional<std::string>>;
    const std::vector<Defect> defects = {{0, std::nullopt},
                                         {1, std::nullopt},
                                         {1, "PERSON"},
                                         {3, "HUGE"},
                                         {4, "CLOSED"},
                                         {5, "2023-02-30"},
                                         {5, "0044-03-15 BC"},
                                         {5, std::nullopt},
                                         {6, "2020-01-01"},
                                         {7, std::nullopt},
                                         {7, std::string("Tom\x01"
                                                         "as")},
                                         {8, "\t"},
                                         {9, "XX"},
                                         {9, "lt"},
                                         {10, "Dr"},
                                         {11, std::string(32769, 'x')},
                                         {12, "12"},
                                         {12, "1.5"},
                                         {13, R"([{"contactType":"PIGEON","contactDetails":"x"}])"},
                                         {13, R"([{"contactType":"EMAIL"}])"},
                                         {13, R"([{"contactTyp":"EMAIL"}])"},
                                         {13, R"({"contactType":"EMAIL"})"},
                                         {13, "[1,2]"},
                                         {13, "not json"},
                                         {14, R"([{"addressDetails":"Vilnius"}])"},
                                         {14, R"([{"country":"XX"}])"},
                                         {15, std::nullopt}};
    std::mt19937 random(20261126);
    std::size_t bad_rows = 0;
    for (int i = 0; i < 3000; ++i) {
      auto cells = good;
      const bool defective = random() % 3 == 0;
      if (defective) {
        const Defect& d = defects[random() % defects.size()];
        cells[d.first] = d.second;
        ++bad_rows;
      }
      etl::model::RowValues row;
      for (const auto& c : cells)
        row.push_back(c ? std::optional<std::string_view>(*c) : std::nullopt);
      const auto customer = etl::model::transform_row(plan, row, {"BANK", std::nullopt, {}});
      CAPTURE(i);
      CAPTURE(etl::model::describe(customer.problems));
      CHECK(customer.valid() == !defective);
      for (const auto& p : customer.problems) {
        CHECK_FALSE(p.code.empty());
        CHECK_FALSE(p.message.empty());
      }
    }
    CHECK(bad_rows > 800);
  }
}
