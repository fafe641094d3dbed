// Tests of amlyze-sandbox: the rules on a customer's own fields (mandatory header fields, fields
// forbidden for the entity type, enums, dates, country codes, JSON types), each through HTTP so the
// error code is the one a client sees, and the date, token and country helpers behind them.
#include <doctest/doctest.h>
#include <httplib.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "sandbox/country_codes.hpp"
#include "sandbox/field_rules.hpp"
#include "sandbox/request_auth.hpp"
#include "support/sandbox_client.hpp"

using namespace etl::test::sandbox_client;

TEST_SUITE("sandbox") {
  TEST_CASE("C014 and C015 even when the forbidden field is null") {
    Sandbox sandbox;
    json person = individual("C1");
    person["title"] = nullptr;
    const json rejected = sandbox.submit(person);
    CHECK(rejected.at("errorCode") == "C014");
    CHECK(rejected.at("errorDescription") == "Field not allowed for INDIVIDUAL. Field: title");

    json company = organization("O1");
    company["firstName"] = nullptr;
    CHECK(sandbox.code_for(company) == "C015");
    company = organization("O1");
    company["fieldOfActivity"] = json::object();
    CHECK(sandbox.code_for(company) == "C015");
    person = individual("C1");
    person["numberOfEmployees"] = 3;
    CHECK(sandbox.code_for(person) == "C014");
  }

  TEST_CASE("closingDate follows customerStatus") {
    Sandbox sandbox;
    json closed = individual("C1");
    closed["customerStatus"] = "CLOSED";
    CHECK(sandbox.code_for(closed) == "C013");
    json active = individual("C2");
    active["closingDate"] = "2020-01-01";
    CHECK(sandbox.code_for(active) == "C013a");
    active = individual("C2");
    active["closingDate"] = nullptr;
    CHECK(sandbox.code_for(active) == "");
    closed["communicationNumber"] = next_number();
    closed["closingDate"] = "2020-01-01";
    CHECK(sandbox.code_for(closed) == "");
  }

  TEST_CASE("unknown countries are rejected with their field's code") {
    Sandbox sandbox;
    json person = individual("C1");
    SUBCASE("citizenshipCountry") {
      person["citizenshipCountry"] = "XX";
      CHECK(sandbox.code_for(person) == "C016.I06");
    }
    SUBCASE("lower case") {
      person["citizenshipCountry"] = "lt";
      CHECK(sandbox.code_for(person) == "C016.I06");
    }
    SUBCASE("permanentResidenceCountry") {
      person["permanentResidenceCountry"] = "UK";
      CHECK(sandbox.code_for(person) == "C016.I08");
    }
    SUBCASE("registrationCountry") {
      json company = organization("O1");
      company["registrationCountry"] = "ZZ";
      CHECK(sandbox.code_for(company) == "REG");
    }
    SUBCASE("address") {
      person["listAddress"] = {{{"country", "EU"}, {"addressDetails", "Main st 1"}}};
      const json result = sandbox.submit(person);
      CHECK(result.at("errorCode") == "Q004.ADR02");
      CHECK(result.at("errorDescription").get<std::string>().find("listAddress[0].country") !=
            std::string::npos);
    }
    SUBCASE("related entity") {
      person["listRelatedEntity"] = {{{"entityType", "ORGANIZATION"},
                                      {"relationType", "OWNER"},
                                      {"title", "Holding"},
                                      {"country", "QQ"}}};
      CHECK(sandbox.code_for(person) == "C017.C016.RE03");
    }
  }

  TEST_CASE("dates must be calendar dates yyyy-MM-dd") {
    Sandbox sandbox;
    json person = individual("C1");
    SUBCASE("30 February") {
      person["birthDate"] = "2023-02-30";
      CHECK(sandbox.code_for(person) == "DATE01");
    }
    SUBCASE("29 February of a non-leap century") {
      person["applicationDate"] = "1900-02-29";
      CHECK(sandbox.code_for(person) == "DATE01");
    }
    SUBCASE("timestamp") {
      person["applicationDate"] = "2024-04-08T10:45:00.000+02:00";
      CHECK(sandbox.code_for(person) == "DATE01");
    }
    SUBCASE("leap day") {
      person["birthDate"] = "2024-02-29";
      CHECK(sandbox.code_for(person) == "");
    }
    SUBCASE("missing applicationDate") {
      person.erase("applicationDate");
      CHECK(sandbox.code_for(person) == "C012");
    }
  }

  TEST_CASE("wrong JSON types reject the item") {
    Sandbox sandbox;
    json person = individual("C1");
    SUBCASE("string for boolean") { person["isPEP"] = "true"; }
    SUBCASE("number for string") { person["customerExtId"] = 123; }
    SUBCASE("object list element") { person["listContact"] = json::array({"EMAIL"}); }
    SUBCASE("number zipCode") { person["listAddress"] = {{{"country", "LT"}, {"zipCode", 4127}}}; }
    SUBCASE("string for integer") {
      person = organization("O1");
      person["numberOfEmployees"] = "12";
    }
    CHECK(sandbox.code_for(person) == "TYPE01");
  }

  TEST_CASE("header fields are mandatory in order") {
    Sandbox sandbox;
    const std::vector<std::pair<const char*, const char*>> cases = {
        {"communicationNumber", "001"},     {"requester", "001"},
        {"customerExtId", "C002"},          {"entityType", "C010"},
        {"riskManagementCategory", "C007"}, {"riskLevel", "C0RL"},
        {"customerStatus", "C0CS"},         {"firstName", "REQ01"},
        {"citizenshipCountry", "C016.I06"}};
    for (const auto& [field, code] : cases) {
      CAPTURE(field);
      json person = individual("C1");
      person.erase(field);
      CHECK(sandbox.code_for(person) == code);
      person = individual("C1");
      person[field] = field == std::string("communicationNumber") ? json(nullptr) : json("  ");
      CHECK(sandbox.code_for(person) == code);
    }
    json person = individual("C1");
    person.erase("customerExtId");
    person.erase("requester");
    CHECK(sandbox.code_for(person) == "001");
    CHECK(sandbox.server.customer_count() == 0);
  }

  TEST_CASE("enums and lead categories and organisation fields") {
    Sandbox sandbox;
    json person = individual("C1");
    person["riskLevel"] = "VERY_HIGH";
    CHECK(sandbox.code_for(person) == "C0RL");
    person = individual("C1");
    person["entityType"] = "PERSON";
    CHECK(sandbox.code_for(person) == "C010");
    person = individual("C1");
    person["action"] = "DELETE";
    CHECK(sandbox.code_for(person) == "ENUM01");
    person = individual("C1");
    person["riskManagementCategory"] = "LEAD_IND";
    CHECK(sandbox.code_for(person) == "C008.I02");
    json company = organization("O1");
    company.erase("title");
    CHECK(sandbox.code_for(company) == "C017.O01");
    company = organization("O1");
    company.erase("legalForm");
    CHECK(sandbox.code_for(company) == "REQ01");
  }

  TEST_CASE("date and token and country helpers") {
    using namespace etl::sandbox;
    CHECK(is_calendar_date("2000-02-29"));
    CHECK_FALSE(is_calendar_date("2023-02-30"));
    CHECK_FALSE(is_calendar_date("2023-13-01"));
    CHECK_FALSE(is_calendar_date("2023-1-01"));
    CHECK_FALSE(is_calendar_date("2023-01-01 "));
    CHECK(bearer_token_matches("Bearer abc", "abc"));
    CHECK_FALSE(bearer_token_matches("Bearer abcd", "abc"));
    CHECK_FALSE(bearer_token_matches("Bearer ", ""));
    CHECK(constant_time_equals("", ""));
    CHECK_FALSE(constant_time_equals("a", ""));
    CHECK(kIsoCountryCodes.size() == 249);
    CHECK(std::is_sorted(kIsoCountryCodes.begin(), kIsoCountryCodes.end()));
    CHECK(is_country_code("LT"));
    CHECK_FALSE(is_country_code("XK"));
  }
}
