// No reason written by the job (the ledger's error_description, log lines, runs.error) and no
// errorDescription written by the sandbox quotes the value of a personal field: names, dates,
// document numbers, addresses, contacts, free text, additional values. Codes (enums, countries,
// classifier codes, customerExtId) may be quoted. Each case carries a recognisable private value
// and checks that the text does not contain it.
#include <doctest/doctest.h>
#include <httplib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "model/column_plan.hpp"
#include "model/field_spec.hpp"
#include "model/transform.hpp"
#include "model/validate.hpp"
#include "sandbox/sandbox_server.hpp"
#include "support/etl_harness.hpp"
#include "support/validation_cases.hpp"
#include "util/text.hpp"

using nlohmann::json;
namespace validation = etl::test::validation;

namespace {

constexpr const char* kSecret = "PRIVATE-7f3a";
constexpr const char* kBadBirthDate = "1985-13-45";
constexpr const char* kSandboxToken = "private-data-test-token";

// One personal value in a field, through one code path that reports it.
struct PrivateCase {
  std::string name;
  bool organization = false;
  json patch;           // merge patch on the validation fixture
  std::string secret;   // what no reason may contain
  bool sandbox = true;  // the sandbox has a rule that rejects it too
};

json document_with(const char* field, const std::string& value) {
  json d = {{"entityType", "INDIVIDUAL"},   {"identityDocumentType", "PASSPORT"},
            {"documentNumber", "AB123"},    {"documentIssueDate", "2015-06-01"},
            {"documentIssueCountry", "LT"}, {"documentIssueAuthority", "Police"}};
  d[field] = value;
  return d;
}

json person_related(json fields) {
  json r = {{"entityType", "INDIVIDUAL"},
            {"relationType", "OWNER"},
            {"firstName", "Ona"},
            {"lastName", "Kim"}};
  r.merge_patch(fields);
  return r;
}

json additional(const char* datatype, const std::string& value) {
  return json::array({{{"code", "related_to_usa"},
                       {"datatype", datatype},
                       {"description", "d"},
                       {"value", value}}});
}

std::vector<PrivateCase> private_cases() {
  const std::string s = kSecret;
  const std::string long_text = s + std::string(32769, 'x');
  std::vector<PrivateCase> out = {
      {"birth date not a calendar date", false, {{"birthDate", kBadBirthDate}}, kBadBirthDate},
      {"birth date free text", false, {{"birthDate", s}}, s},
      {"application date", false, {{"applicationDate", kBadBirthDate}}, kBadBirthDate},
      {"closing date", false, {{"customerStatus", "CLOSED"}, {"closingDate", s}}, s},
      {"approval date", false, {{"approvalDate", s}}, s},
      {"establishment date", true, {{"establishmentDate", kBadBirthDate}}, kBadBirthDate},
      {"document issue date",
       false,
       {{"listBusinessEntityDocument", {document_with("documentIssueDate", kBadBirthDate)}}},
       kBadBirthDate},
      {"document expiry date",
       false,
       {{"listBusinessEntityDocument", {document_with("documentExpiryDate", s)}}},
       s},
      {"related birth date",
       false,
       {{"listRelatedEntity", {person_related({{"birthDate", kBadBirthDate}})}}},
       kBadBirthDate},
      {"related establishment date",
       false,
       {{"listRelatedEntity",
         {{{"entityType", "ORGANIZATION"},
           {"relationType", "OWNER"},
           {"title", "Holding"},
           {"establishmentDate", s}}}}},
       s},
      {"related document date",
       false,
       {{"listRelatedEntity",
         {person_related({{"listBusinessEntityDocument",
                           {document_with("documentIssueDate", kBadBirthDate)}}})}}},
       kBadBirthDate},
      {"description too long", false, {{"activityDescription", long_text}}, s},
      {"restricted region description too long",
       true,
       {{"activityInRestrictedRegionDescription", long_text}},
       s},
      {"name with a control character", false, {{"firstName", s + "\x01"}}, s, false},
      {"email in an enum column", false, {{"riskLevel", "jan.novak@" + s + ".lt"}}, s},
      {"phone in a nested enum",
       false,
       {{"listRelatedEntity",
         {person_related(
             {{"listContact", {{{"contactType", "+370 " + s}, {"contactDetails", "x"}}}}})}}},
       s},
      {"address in a country column", false, {{"citizenshipCountry", "Gedimino pr. 1 " + s}}, s},
      {"address in a nested country",
       false,
       {{"listRelatedEntity",
         {person_related({{"listAddress", {{{"country", "Main st 1 " + s}}}}})}}},
       s},
      {"name in the related entityType",
       false,
       {{"listRelatedEntity", {person_related({{"entityType", "Jan " + s}})}}},
       s},
      {"document type holding a number",
       false,
       {{"listBusinessEntityDocument", {document_with("identityDocumentType", "No " + s)}}},
       s},
      {"lead category with free text", false, {{"riskManagementCategory", "LEAD_ " + s}}, s},
      {"address in a classifier",
       false,
       {{"listAddress", {{{"country", "LT"}, {"addressType", "Gedimino " + s}}}}},
       s,
       false},
      {"related additional DATE",
       false,
       {{"listRelatedEntity",
         {person_related({{"listAdditionalValues", additional("DATE", kBadBirthDate)}})}}},
       kBadBirthDate},
  };
  for (const char* type : {"INTEGER", "DECIMAL", "DATE", "TIMESTAMP", "BOOLEAN"}) {
    out.push_back({std::string("additional ") + type,
                   false,
                   {{"listAdditionalValues", additional(type, s)}},
                   s});
  }
  return out;
}

// The addressType list makes the classifier path reachable; the fixtures use RESIDENCE.
etl::model::ValidationOptions options() {
  etl::model::ValidationOptions o;
  o.classifiers["addressType"] = {"RESIDENCE"};
  return o;
}

json patched(bool organization, const json& patch) {
  json item = organization ? validation::organization() : validation::individual();
  item.merge_patch(patch);
  return item;
}

etl::model::Problems problems_of(const json& item) {
  etl::model::Problems out;
  etl::model::validate_customer(item, options(), out);
  return out;
}

// Every string under `patch` whose field may not be quoted (unknown keys count as private),
// found by walking the customer spec alongside the patch.
void private_strings(const json& patch, const etl::model::ObjectSpec* spec,
                     std::vector<std::string>& out) {
  for (const auto& item : patch.items()) {
    const json& v = item.value();
    const etl::model::FieldSpec* f = spec != nullptr ? spec->find(item.key()) : nullptr;
    if (v.is_string()) {
      if (f == nullptr || !etl::model::quotable(*f)) out.push_back(v.get<std::string>());
    } else if (v.is_object()) {
      private_strings(v, f != nullptr ? f->element : nullptr, out);
    } else if (v.is_array()) {
      for (const json& e : v) {
        if (e.is_object()) private_strings(e, f != nullptr ? f->element : nullptr, out);
        if (e.is_string()) out.push_back(e.get<std::string>());
      }
    }
  }
}

// Short values ("x", "Dr") would match inside ordinary words of any message.
bool long_enough(const std::string& s) {
  return s.find_first_not_of(" \t") != std::string::npos && s.size() >= 3;
}

// A sandbox on a loopback port and one client; every item gets its own number and customerExtId.
struct Sandbox {
  etl::sandbox::SandboxServer server{etl::sandbox::SandboxOptions{"127.0.0.1", 0, kSandboxToken}};
  httplib::Client client{"127.0.0.1", server.start()};
  int sent = 0;

  // The item's result (errorCode and errorDescription when rejected).
  json submit(json item) {
    ++sent;
    item["communicationNumber"] = "cn-" + std::to_string(sent);
    item["customerExtId"] = "PD" + std::to_string(sent);
    const httplib::Headers headers = {{"Authorization", std::string("Bearer ") + kSandboxToken}};
    const json body = {{"customers", json::array({item})}};
    const auto res = client.Post("/amlyze-ws-rest/validate-batch-customers", headers, body.dump(),
                                 "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    return json::parse(res->body).at("results").at(0);
  }
};

std::string description_of(const json& result) {
  return result.value("errorDescription", std::string());
}

// A field by its path in the customer spec, e.g. "listRelatedEntity[].listAddress[].country".
const etl::model::FieldSpec& field_at(const std::string& path) {
  const etl::model::ObjectSpec* spec = &etl::model::customer_spec();
  const etl::model::FieldSpec* f = nullptr;
  std::size_t from = 0;
  while (true) {
    const std::size_t dot = path.find('.', from);
    std::string name = path.substr(from, dot == std::string::npos ? std::string::npos : dot - from);
    if (name.size() > 2 && name.compare(name.size() - 2, 2, "[]") == 0)
      name.resize(name.size() - 2);
    REQUIRE_MESSAGE(spec != nullptr, path);
    f = spec->find(name);
    REQUIRE_MESSAGE(f != nullptr, path);
    if (dot == std::string::npos) return *f;
    spec = f->element;
    from = dot + 1;
  }
}

}  // namespace

TEST_SUITE("private data") {
  TEST_CASE("the field spec quotes codes and never a person's data") {
    for (const char* path : {"firstName",
                             "lastName",
                             "birthDate",
                             "applicationDate",
                             "approvalDate",
                             "closingDate",
                             "nationalCode",
                             "activityDescription",
                             "title",
                             "tradingName",
                             "establishmentDate",
                             "initialDepositAccount",
                             "initialDepositAmount",
                             "numberOfEmployees",
                             "incomeSourceDescription",
                             "listContact[].contactDetails",
                             "listAddress[].addressDetails",
                             "listAddress[].streetAddress",
                             "listAddress[].city",
                             "listAddress[].zipCode",
                             "listAddress[].region",
                             "listBusinessEntityDocument[].documentNumber",
                             "listBusinessEntityDocument[].documentIssueDate",
                             "listBusinessEntityDocument[].documentExpiryDate",
                             "listBusinessEntityDocument[].documentIssueAuthority",
                             "listBusinessEntityDocument[].description",
                             "listSourceOfWealth[].comment",
                             "listSourceOfWealth[].amount",
                             "listCountryOfTaxPayment[].taxpayerNumber",
                             "listRegionOfActivity[].region",
                             "listAdditionalValues[].value",
                             "listAdditionalValues[].description",
                             "listRelatedEntity[].firstName",
                             "listRelatedEntity[].lastName",
                             "listRelatedEntity[].birthDate",
                             "listRelatedEntity[].extId",
                             "listRelatedEntity[].nationalCode",
                             "listRelatedEntity[].title",
                             "listRelatedEntity[].relationDescription",
                             "listRelatedEntity[].listAddress[].addressDetails",
                             "listRelatedEntity[].listContact[].contactDetails",
                             "listRelatedEntity[].listAdditionalValues[].value",
                             "fieldOfActivity.employment.employerTitle",
                             "listRelatedEntity",
                             "listAddress"}) {
      CAPTURE(path);
      CHECK_FALSE(etl::model::quotable(field_at(path)));
    }
    for (const char* path :
         {"customerExtId", "entityType", "riskLevel", "customerStatus", "riskManagementCategory",
          "citizenshipCountry", "legalForm", "isPEP", "businessUnit", "initialDepositCurrency",
          "listContact[].contactType", "listAddress[].country", "listAddress[].addressType",
          "listAdditionalValues[].code", "listAdditionalValues[].datatype",
          "listRelatedEntity[].relationType", "listRelatedEntity[].listAddress[].country",
          "fieldOfActivity.pension.pensionCountry"}) {
      CAPTURE(path);
      CHECK(etl::model::quotable(field_at(path)));
    }
  }

  TEST_CASE("a code is quoted only when it looks like one") {
    const auto& risk = field_at("riskLevel");
    CHECK(etl::model::about_value(risk, "SEVERE", "is bad") == "\"SEVERE\" is bad");
    CHECK(etl::model::about_value(risk, "Jan Novak", "is bad") == "is bad");
    CHECK(etl::model::about_value(risk, "1985-05-01", "is bad") == "is bad");
    CHECK(etl::model::about_value(risk, std::string(41, 'A'), "is bad") == "is bad");
    CHECK(etl::model::about_value(field_at("firstName"), "Jan", "is bad") == "is bad");
  }

  TEST_CASE("reasons keep the field path and the rule but not the value") {
    const auto problems = problems_of(
        patched(false, {{"listRelatedEntity", {person_related({{"birthDate", kBadBirthDate}})}},
                        {"riskLevel", "SEVERE"},
                        {"activityDescription", std::string(32770, 'x')},
                        {"listAdditionalValues", additional("DATE", kSecret)}}));
    const std::string why = etl::model::describe(problems, 10);
    CHECK(why.find("ETL.DATE listRelatedEntity[0].birthDate: is not a real calendar date "
                   "(yyyy-MM-dd)") != std::string::npos);
    CHECK(why.find("ETL.ENUM riskLevel: \"SEVERE\" is not one of NONE, LOW") != std::string::npos);
    CHECK(why.find("ETL.LENGTH activityDescription: is 32770 characters long, the maximum is "
                   "32768") != std::string::npos);
    CHECK(why.find("AV07 listAdditionalValues[0].value: is not a valid DATE (yyyy-MM-dd, a real "
                   "calendar date) (additional value \"related_to_usa\")") != std::string::npos);
    CHECK(why.find(kBadBirthDate) == std::string::npos);
    CHECK(why.find(kSecret) == std::string::npos);
  }

  TEST_CASE("no validation reason quotes a private value, at any nesting level") {
    for (const PrivateCase& c : private_cases()) {
      INFO(c.name);
      const auto problems = problems_of(patched(c.organization, c.patch));
      const std::string why = etl::model::describe(problems, 100);
      CAPTURE(why);
      CHECK_FALSE(problems.empty());
      CHECK(why.find(c.secret) == std::string::npos);
    }
  }

  TEST_CASE("the one-case-per-code table quotes no personal value") {
    for (const validation::Case& c : validation::cases()) {
      INFO(c.name);
      const json patch = json::parse(c.patch);
      const auto problems = problems_of(patched(c.organization, patch));
      const std::string why = etl::model::describe(problems, 100);
      CAPTURE(why);
      std::vector<std::string> secrets;
      private_strings(patch, &etl::model::customer_spec(), secrets);
      for (const std::string& s : secrets) {
        if (long_enough(s)) CHECK_MESSAGE(why.find(s) == std::string::npos, s);
      }
    }
  }

  TEST_CASE("values that do not convert are not quoted, json columns included") {
    using etl::model::ColumnKind;
    const std::vector<etl::model::SourceColumn> columns = {
        {"customerExtId", ColumnKind::kText, "text"},
        {"entityType", ColumnKind::kText, "text"},
        {"riskManagementCategory", ColumnKind::kText, "text"},
        {"riskLevel", ColumnKind::kText, "text"},
        {"customerStatus", ColumnKind::kText, "text"},
        {"applicationDate", ColumnKind::kDate, "date"},
        {"title", ColumnKind::kText, "text"},
        {"registrationCountry", ColumnKind::kText, "text"},
        {"legalForm", ColumnKind::kText, "text"},
        {"numberOfEmployees", ColumnKind::kInteger, "int"},
        {"initialDepositAmount", ColumnKind::kDecimal, "numeric"},
        {"listRelatedEntity", ColumnKind::kJson, "json"},
        {"_changed_at", ColumnKind::kTimestamp, "timestamptz"}};
    const auto plan = etl::model::plan_columns(columns, "private.sql", false);
    const std::string number = std::string(kSecret) + "12";
    const std::string broken = R"([{"firstName":")" + std::string(kSecret) + R"(","lastName")";
    const std::vector<std::string> cells = {"O1",
                                            "ORGANIZATION",
                                            "ORG",
                                            "LOW",
                                            "ACTIVE",
                                            "2016-01-01",
                                            "LTD Bull",
                                            "LV",
                                            "LTD",
                                            number,
                                            number,
                                            broken,
                                            "2026-11-26 04:00:00+00"};
    etl::model::RowValues row;
    for (const auto& cell : cells) row.emplace_back(cell);
    const auto customer = etl::model::transform_row(plan, row, {"BANK", std::nullopt, {}});
    const std::string why = etl::model::describe(customer.problems, 10);
    CAPTURE(why);
    CHECK(why.find("ETL.TYPE numberOfEmployees: is not integer") != std::string::npos);
    CHECK(why.find("ETL.TYPE initialDepositAmount: is not numeric") != std::string::npos);
    const etl::model::Problem* mapping = etl::model::first_mapping_problem(customer.problems);
    REQUIRE(mapping != nullptr);
    CHECK(mapping->path == "listRelatedEntity");
    CHECK(mapping->message.find(kSecret) == std::string::npos);
    CHECK(why.find(kSecret) == std::string::npos);
  }
}

TEST_SUITE("private data") {
  TEST_CASE("the sandbox's errorDescription quotes no private value") {
    Sandbox sandbox;
    CHECK_FALSE(sandbox.submit(validation::individual()).contains("errorCode"));
    CHECK_FALSE(sandbox.submit(validation::organization()).contains("errorCode"));
    for (const PrivateCase& c : private_cases()) {
      if (!c.sandbox) continue;
      INFO(c.name);
      const json result = sandbox.submit(patched(c.organization, c.patch));
      CAPTURE(result.dump());
      CHECK(result.at("resultType") == "REQUEST_REJECTED");
      CHECK(description_of(result).find(c.secret) == std::string::npos);
    }
  }

  TEST_CASE("the sandbox quotes codes and describes the rest") {
    Sandbox sandbox;
    json item = patched(false, {{"riskLevel", "SEVERE"}});
    CHECK(description_of(sandbox.submit(item)) ==
          "riskLevel must be one of NONE, LOW, MEDIUM, HIGH, EXTREME, got 'SEVERE'");
    item =
        patched(false, {{"listRelatedEntity", {person_related({{"birthDate", kBadBirthDate}})}}});
    CHECK(description_of(sandbox.submit(item)) ==
          "listRelatedEntity[0].birthDate must be a calendar date yyyy-MM-dd, got a value of 10 "
          "characters");
    item = patched(false, {{"listAdditionalValues", additional("INTEGER", kSecret)}});
    CHECK(description_of(sandbox.submit(item)) ==
          "listAdditionalValues[0].value is not a valid INTEGER, got a value of 12 characters "
          "(valueCode: 'related_to_usa')");
  }

  TEST_CASE("the sandbox quotes no personal value of the one-case-per-code table") {
    Sandbox sandbox;
    for (const validation::Case& c : validation::cases()) {
      INFO(c.name);
      const json patch = json::parse(c.patch);
      const std::string why = description_of(sandbox.submit(patched(c.organization, patch)));
      CAPTURE(why);
      std::vector<std::string> secrets;
      private_strings(patch, &etl::model::customer_spec(), secrets);
      for (const std::string& s : secrets) {
        if (long_enough(s)) CHECK_MESSAGE(why.find(s) == std::string::npos, s);
      }
    }
  }
}

namespace {

constexpr const char* kPrivateName = "PRIVATE-Name-7f3a";
constexpr const char* kPrivateValue = "PRIVATE-Value-7f3a";

// P1 has a related person with a private name, a date of birth that is no date and an additional
// value that is no DATE; P2 is valid.
constexpr const char* kExtractSql = R"(
SELECT * FROM (VALUES
  ('P1', 'INDIVIDUAL', 'LOW', 'ACTIVE', 'IND', DATE '2016-01-01', 'PRIVATE-Name-7f3a', 'Garcia',
   'LT', json '[{"entityType":"INDIVIDUAL","relationType":"OWNER","firstName":"PRIVATE-Name-7f3a",
   "lastName":"PRIVATE-Name-7f3a","birthDate":"1985-13-45","listAdditionalValues":[{"code":"dob",
   "datatype":"DATE","description":"PRIVATE-Name-7f3a","value":"PRIVATE-Value-7f3a"}]}]', now()),
  ('P2', 'INDIVIDUAL', 'LOW', 'ACTIVE', 'IND', DATE '2016-01-01', 'Tomas', 'Garcia', 'LT', NULL,
   now())
) AS t ("customerExtId", "entityType", "riskLevel", "customerStatus", "riskManagementCategory",
        "applicationDate", "firstName", "lastName", "citizenshipCountry", "listRelatedEntity",
        "_changed_at")
WHERE "_changed_at" >= $1
)";

// Every column of every row of every table of the ledger, as text.
std::string ledger_text(const etl::test::EtlHarness& h) {
  std::string out;
  for (const auto& table : h.ledger_rows("SELECT name FROM sqlite_master WHERE type = 'table'")) {
    for (const auto& row : h.ledger_rows("SELECT * FROM \"" + table.at(0) + "\"")) {
      for (const auto& cell : row) out += cell + "\n";
    }
  }
  return out;
}

std::string file_text(const std::filesystem::path& file) {
  return std::filesystem::exists(file) ? etl::read_file(file.string()) : "";
}

}  // namespace

TEST_SUITE("private data") {
  TEST_CASE("a held-back customer's private values reach neither the ledger nor the output") {
    etl::test::EtlHarness h(0);
    etl::test::write_text(h.dir() / "sql" / "private.sql", kExtractSql);
    h.config()["source"]["extract_sql"] = "../sql/private.sql";
    const auto run = h.etl({"run", "--log-level", "debug"});
    INFO(run.err);
    CHECK(run.exit_code == 3);
    CHECK(h.sandbox().customer_count() == 1);
    const std::string reason = h.ledger_value(
        "SELECT error_description FROM submissions WHERE customer_ext_id = 'P1' AND "
        "outcome = 'invalid'");
    CHECK(reason.find("listRelatedEntity[0].birthDate: is not a real calendar date") !=
          std::string::npos);
    CHECK(reason.find("listRelatedEntity[0].listAdditionalValues[0].value: is not a valid DATE") !=
          std::string::npos);
    const auto status = h.etl({"status"});
    const std::string ledger_file = h.ledger_path().string();
    for (const std::string& text :
         {ledger_text(h), file_text(ledger_file), file_text(ledger_file + "-wal"), run.out, run.err,
          status.out, status.err}) {
      CHECK(text.find(kPrivateName) == std::string::npos);
      CHECK(text.find(kPrivateValue) == std::string::npos);
      CHECK(text.find(kBadBirthDate) == std::string::npos);
    }
  }
}
