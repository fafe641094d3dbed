// Tests of amlyze-sandbox: the rules on nested lists (documents, related entities, contacts,
// addresses, turnovers, additional values, screening processes, field of activity), whose error
// codes carry the prefix of the list they were found in.
#include <doctest/doctest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/sandbox_client.hpp"

using namespace etl::test::sandbox_client;

TEST_SUITE("sandbox") {
  TEST_CASE("nested lists are checked with prefixed codes") {
    Sandbox sandbox;
    json person = individual("C1");
    const json document = {{"entityType", "INDIVIDUAL"},   {"identityDocumentType", "PASSPORT"},
                           {"documentNumber", "AB123"},    {"documentIssueDate", "2015-06-01"},
                           {"documentIssueCountry", "LT"}, {"documentIssueAuthority", "Police"}};
    const json owner = {{"entityType", "INDIVIDUAL"},
                        {"relationType", "OWNER"},
                        {"firstName", "Ona"},
                        {"lastName", "Kim"}};
    std::string code;
    SUBCASE("valid lists") {
      person["listBusinessEntityDocument"] = {document};
      person["listRelatedEntity"] = {owner,
                                     {{"entityType", "ORGANIZATION"},
                                      {"relationType", "DIRECTOR"},
                                      {"title", "Holding"},
                                      {"registrationCountry", "EE"},
                                      {"share", 40},
                                      {"listAddress", {{{"country", "EE"}}}}}};
      person["listContact"] = {
          {{"contactType", "MOBILEPHONE"}, {"contactDetails", "+37060000000"}}};
      person["listAddress"] = {{{"country", "LT"}, {"zipCode", "04127"}}};
      person["listDeclaredTurnover"] = {
          {{"turnoverType", "TURNOVER_PER_MONTH"}, {"turnoverRange", "MONTHLY"}, {"to", 5000}}};
      person["listAdditionalValues"] = {{{"code", "onboarded_at"},
                                         {"datatype", "TIMESTAMP"},
                                         {"description", "Onboarded at"},
                                         {"value", "2024-04-08 10:45:00.000+0200"}}};
      person["fieldOfActivity"] = {
          {"student", {{"isStudent", true}, {"higherSchoolCountry", "LT"}}}};
      person["initializeScreeningProcesses"] = {"PEP"};
      person["unknownField"] = "ignored";
      code = "";
    }
    SUBCASE("turnover without bounds") {
      person["listDeclaredTurnover"] = {{{"turnoverType", "X"}, {"turnoverRange", "ANNUAL"}}};
      code = "REQ01";
    }
    SUBCASE("contact type") {
      person["listContact"] = {{{"contactType", "FAX"}, {"contactDetails", "+3701"}}};
      code = "Co1";
    }
    SUBCASE("contact details") {
      person["listContact"] = {{{"contactType", "EMAIL"}}};
      code = "Co2";
    }
    SUBCASE("document number") {
      json bad = document;
      bad.erase("documentNumber");
      person["listBusinessEntityDocument"] = {document, bad};
      code = "Q002.DOC03";
    }
    SUBCASE("document entity type") {
      json bad = document;
      bad["entityType"] = "PERSON";
      person["listBusinessEntityDocument"] = {bad};
      code = "Q002.DOC01";
    }
    SUBCASE("document issue country") {
      json bad = document;
      bad.erase("documentIssueCountry");
      person["listBusinessEntityDocument"] = {bad};
      code = "Q002.DOC06";
    }
    SUBCASE("document type") {
      json bad = document;
      bad["identityDocumentType"] = "VISA";
      person["listBusinessEntityDocument"] = {bad};
      code = "ENUM01";
    }
    SUBCASE("document issue date") {
      json bad = document;
      bad.erase("documentIssueDate");
      person["listBusinessEntityDocument"] = {bad};
      code = "REQ01";
    }
    SUBCASE("related relationType") {
      json bad = owner;
      bad.erase("relationType");
      person["listRelatedEntity"] = {bad};
      code = "C017.C016.RE01";
    }
    SUBCASE("related entityType") {
      json bad = owner;
      bad.erase("entityType");
      person["listRelatedEntity"] = {bad};
      code = "C017.C016.RE02";
    }
    SUBCASE("related person name") {
      json bad = owner;
      bad.erase("lastName");
      person["listRelatedEntity"] = {bad};
      code = "REQ01";
    }
    SUBCASE("related organisation title") {
      json bad = owner;
      bad["entityType"] = "ORGANIZATION";
      person["listRelatedEntity"] = {bad};
      code = "REQ01";
    }
    SUBCASE("related contact") {
      json bad = owner;
      bad["listContact"] = {{{"contactDetails", "x@example.com"}}};
      person["listRelatedEntity"] = {bad};
      code = "C017.C016.RE06.Co1";
    }
    SUBCASE("related document") {
      json bad = owner;
      json bad_document = document;
      bad_document.erase("entityType");
      bad["listBusinessEntityDocument"] = {bad_document};
      person["listRelatedEntity"] = {bad};
      code = "C017.C016.RE08.DOC01";
    }
    SUBCASE("additional value") {
      person["listAdditionalValues"] = {{{"code", "related_to_usa"},
                                         {"datatype", "BOOLEAN"},
                                         {"description", "Related to USA"},
                                         {"value", "yes"}}};
      code = "AV07";
    }
    SUBCASE("screening process") {
      person["initializeScreeningProcesses"] = {"PEP", "NOT_EXISTS"};
      code = "SCR01";
    }
    SUBCASE("pension country") {
      person["fieldOfActivity"] = {{"pension", {{"isPensioner", true}, {"pensionCountry", "XX"}}}};
      code = "FOA02";
    }
    CHECK(sandbox.code_for(person) == code);
  }
}
