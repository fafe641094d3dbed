// Tests of amlyze-sandbox: what it keeps per customer and per communicationNumber (stored payloads,
// CREATE and UPDATE with C004, burnt numbers with O005, the validate endpoint), how results come
// back, and its stats and reset. Everything goes through HTTP, so it pins down what a client sees.
#include <doctest/doctest.h>
#include <httplib.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/sandbox_client.hpp"

using namespace etl::test::sandbox_client;

TEST_SUITE("sandbox") {
  TEST_CASE("minimal individual and organization are accepted and stored") {
    Sandbox sandbox;
    json person = individual("C123");
    json company = organization("O456");
    company["businessUnit"] = "sandbox";
    const json response = sandbox.send(batch_of({person, company}));
    CHECK(response.at("timeElapsedMs").is_number_integer());
    for (const json* item : {&person, &company}) {
      const json& result = result_for(response, *item);
      CHECK(result.at("resultType") == "REQUEST_ACCEPTED");
      CHECK(result.at("customerExtId") == item->at("customerExtId"));
      CHECK_FALSE(result.contains("errorCode"));
      CHECK_FALSE(result.contains("errorDescription"));
      CHECK(result.at("timeElapsedMs").is_number_integer());
    }
    CHECK(result_for(response, person).at("businessUnit").is_null());
    CHECK(result_for(response, company).at("businessUnit") == "sandbox");
    CHECK(sandbox.server.customer_count() == 2);
    CHECK(sandbox.server.customer("C123") == person);
    CHECK(sandbox.server.stored_customer("O456")->creates == 1);

    const httplib::Result res = sandbox.client.Get("/sandbox/customers/O456");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(json::parse(res->body) == company);
    CHECK(res->get_header_value("X-Sandbox-Creates") == "1");
  }

  TEST_CASE("O005 for a reused communicationNumber") {
    Sandbox sandbox;
    json first = individual("C1");
    json second = individual("C2");
    second["communicationNumber"] = first["communicationNumber"];
    SUBCASE("in a later request, even after a rejection") {
      first.erase("lastName");
      CHECK(sandbox.code_for(first) == "REQ01");
      CHECK(sandbox.code_for(second) == "O005");
    }
    SUBCASE("within one batch") {
      const json results = sandbox.send(batch_of({first, second})).at("results");
      CHECK(results[1].at("resultType") == "REQUEST_ACCEPTED");
      CHECK(results[0].at("errorCode") == "O005");
      CHECK(results[0].at("errorDescription") == "CommunicationNumber already used in amlyze");
      CHECK(results[0].at("customerExtId") == "C2");
    }
    CHECK(sandbox.server.customer("C2") == std::nullopt);
  }

  TEST_CASE("C004 for CREATE of an existing and UPDATE of a missing customer") {
    Sandbox sandbox;
    json update = individual("C9");
    update["action"] = "UPDATE";
    const json missing = sandbox.submit(update);
    CHECK(missing.at("errorCode") == "C004");
    CHECK(missing.at("errorDescription") ==
          "Cannot update not existing customer, use Action = CREATE");

    json create = individual("C9");
    create.erase("action");  // absent means CREATE
    CHECK(sandbox.code_for(create) == "");
    const json exists = sandbox.submit(individual("C9"));
    CHECK(exists.at("errorCode") == "C004");
    CHECK(exists.at("errorDescription") == "Customer already exists");

    update["communicationNumber"] = next_number();
    update["birthDate"] = "1980-05-17";
    CHECK(sandbox.code_for(update) == "");
    CHECK(sandbox.server.customer("C9") == update);
    CHECK(sandbox.server.stored_customer("C9")->updates == 1);
    CHECK(sandbox.server.stats().creates == 1);
  }

  TEST_CASE("UPDATE replaces the stored payload wholly") {
    Sandbox sandbox;
    json person = individual("C5");
    person["listContact"] = {{{"contactType", "EMAIL"}, {"contactDetails", "t@example.com"}}};
    CHECK(sandbox.code_for(person) == "");
    json update = individual("C5");
    update["action"] = "UPDATE";
    CHECK(sandbox.code_for(update) == "");
    CHECK_FALSE(sandbox.server.customer("C5")->contains("listContact"));
  }

  TEST_CASE("results come back reversed and match by communicationNumber") {
    Sandbox sandbox;
    const std::vector<json> items = {individual("C1"), organization("O2"), individual("C3")};
    const json response = sandbox.send(batch_of(items));
    const json& results = response.at("results");
    REQUIRE(results.size() == 3);
    for (std::size_t i = 0; i < items.size(); ++i) {
      CHECK(results[2 - i].at("communicationNumber") == items[i].at("communicationNumber"));
      CHECK(result_for(response, items[i]).at("customerExtId") == items[i].at("customerExtId"));
    }
  }

  TEST_CASE("validate endpoint saves nothing but burns the number") {
    Sandbox sandbox;
    const json person = individual("C1");
    const json validated = sandbox.submit(person, kValidatePath);
    CHECK(validated.at("resultType") == "REQUEST_ACCEPTED");
    CHECK(sandbox.server.customer_count() == 0);
    CHECK(sandbox.code_for(person) == "O005");

    json fresh = individual("C1");
    CHECK(sandbox.submit(fresh, kValidatePath).at("resultType") == "REQUEST_ACCEPTED");
    fresh["communicationNumber"] = next_number();
    CHECK(sandbox.code_for(fresh) == "");
    // validate does not look up existing customers: a second CREATE still validates.
    fresh["communicationNumber"] = next_number();
    CHECK(sandbox.submit(fresh, kValidatePath).at("resultType") == "REQUEST_ACCEPTED");
    CHECK(sandbox.server.stats().creates == 1);
  }

  TEST_CASE("stats count requests and outcomes") {
    Sandbox sandbox;
    json bad = individual("C2");
    bad["citizenshipCountry"] = "XX";
    sandbox.send(batch_of({individual("C1"), bad}));
    sandbox.post(kBatchPath, "not json");
    const etl::sandbox::SandboxStats stats = sandbox.server.stats();
    CHECK(stats.http_requests == 2);
    CHECK(stats.batches == 1);
    CHECK(stats.items == 2);
    CHECK(stats.accepted == 1);
    CHECK(stats.rejected == 1);
    CHECK(stats.creates == 1);
    CHECK(stats.bad_requests == 1);
    CHECK(stats.by_error_code == std::map<std::string, std::size_t>{{"C016.I06", 1}});

    const httplib::Result res = sandbox.client.Get("/sandbox/stats");
    REQUIRE(res);
    const json body = json::parse(res->body);
    CHECK(body.at("httpRequests") == 3);
    CHECK(body.at("byErrorCode").at("C016.I06") == 1);
  }

  TEST_CASE("reset forgets customers and numbers and counters") {
    Sandbox sandbox;
    const json person = individual("C1");
    CHECK(sandbox.code_for(person) == "");
    SUBCASE("over HTTP") {
      const httplib::Result res = sandbox.client.Post("/sandbox/reset");
      REQUIRE(res);
      CHECK(res->status == 200);
    }
    SUBCASE("in process") { sandbox.server.reset(); }
    CHECK(sandbox.server.customer_count() == 0);
    CHECK(sandbox.server.stats().accepted == 0);
    CHECK(sandbox.code_for(person) == "");
  }
}
