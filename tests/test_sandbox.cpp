// Tests of amlyze-sandbox: a SandboxServer on a free loopback port, driven over HTTP the way the
// ETL drives AMLYZE. Rule-level cases go through the HTTP surface too, so they pin down what a
// client actually sees; fault-plan cases use real clients (httplib, libcurl) for the same reason.
#include <curl/curl.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <httplib.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sandbox/country_codes.hpp"
#include "sandbox/fault_plan.hpp"
#include "sandbox/field_rules.hpp"
#include "sandbox/request_auth.hpp"
#include "sandbox/sandbox_server.hpp"

namespace {

using etl::sandbox::SandboxOptions;
using etl::sandbox::SandboxServer;
using nlohmann::json;

constexpr const char* kToken = "sandbox-test-token";
constexpr const char* kBatchPath = "/amlyze-ws-rest/batch-customers";
constexpr const char* kValidatePath = "/amlyze-ws-rest/validate-batch-customers";

// A fresh communicationNumber per call: the sandbox, like AMLYZE, burns every one it sees.
std::string next_number() {
  static int counter = 0;
  return "cn-" + std::to_string(++counter);
}

// The minimal INDIVIDUAL of amlyze-api.md §2.5.
json individual(const std::string& ext_id) {
  return {{"communicationNumber", next_number()},
          {"requester", "BANK_ETL"},
          {"action", "CREATE"},
          {"riskLevel", "LOW"},
          {"customerStatus", "ACTIVE"},
          {"riskManagementCategory", "IND"},
          {"entityType", "INDIVIDUAL"},
          {"customerExtId", ext_id},
          {"applicationDate", "2016-01-01"},
          {"firstName", "Tomas"},
          {"lastName", "Garcia"},
          {"citizenshipCountry", "LT"}};
}

// The minimal ORGANIZATION of amlyze-api.md §2.5.
json organization(const std::string& ext_id) {
  return {{"communicationNumber", next_number()},
          {"requester", "BANK_ETL"},
          {"action", "CREATE"},
          {"riskLevel", "LOW"},
          {"customerStatus", "ACTIVE"},
          {"riskManagementCategory", "ORG"},
          {"entityType", "ORGANIZATION"},
          {"customerExtId", ext_id},
          {"applicationDate", "2016-01-01"},
          {"title", "LTD Bull"},
          {"registrationCountry", "LV"},
          {"legalForm", "CORPORATION"}};
}

json batch_of(std::vector<json> items) { return {{"customers", std::move(items)}}; }

// One sandbox per test case, so cases never see each other's customers or numbers.
struct Sandbox {
  SandboxServer server{SandboxOptions{"127.0.0.1", 0, kToken}};
  httplib::Client client{"127.0.0.1", server.start()};

  httplib::Result post(const std::string& path, const std::string& body,
                       const std::string& authorization = std::string("Bearer ") + kToken,
                       const char* content_type = "application/json") {
    httplib::Headers headers;
    if (!authorization.empty()) headers.emplace("Authorization", authorization);
    return client.Post(path.c_str(), headers, body, content_type);
  }

  // Posts a batch that must come back 200 and returns the parsed body.
  json send(const json& batch, const std::string& path = kBatchPath) {
    const httplib::Result res = post(path, batch.dump());
    REQUIRE(res);
    REQUIRE(res->status == 200);
    return json::parse(res->body);
  }

  // Sends one item and returns its result.
  json submit(const json& item, const std::string& path = kBatchPath) {
    const json response = send(batch_of({item}), path);
    REQUIRE(response.at("results").size() == 1);
    return response["results"][0];
  }

  // The errorCode one item gets, or "" if it is accepted.
  std::string code_for(const json& item) {
    const json result = submit(item);
    return result.contains("errorCode") ? result["errorCode"].get<std::string>() : "";
  }
};

const json& result_for(const json& response, const json& item) {
  for (const json& result : response.at("results")) {
    if (result.at("communicationNumber") == item.at("communicationNumber")) return result;
  }
  throw std::runtime_error("no result for " + item.at("communicationNumber").dump());
}

}  // namespace

// Fault-plan helpers.
namespace {

using etl::sandbox::FaultKind;
using etl::sandbox::FaultPlan;
using etl::sandbox::FaultStep;
using Clock = std::chrono::steady_clock;

FaultPlan plan_of(std::deque<FaultStep> steps) {
  FaultPlan plan;
  plan.next = std::move(steps);
  return plan;
}

long long elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

// Polls for up to 5 s: the server may still be finishing a request its client gave up on.
template <typename Condition>
bool eventually(Condition condition) {
  for (int attempt = 0; attempt < 500; ++attempt) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

// The message of the std::invalid_argument that parsing `text` as a plan throws, or "".
std::string plan_error(const std::string& text) {
  try {
    etl::sandbox::parse_fault_plan(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// libcurl with one handle for several requests, the way the ETL's client uses it, so that the
// second request goes over the first one's keep-alive connection.
class CurlSession {
 public:
  explicit CurlSession(int port)
      : url_("http://127.0.0.1:" + std::to_string(port) + kBatchPath), curl_(curl_easy_init()) {
    headers_ =
        curl_slist_append(headers_, (std::string("Authorization: Bearer ") + kToken).c_str());
    headers_ = curl_slist_append(headers_, "Content-Type: application/json");
  }
  ~CurlSession() {
    curl_slist_free_all(headers_);
    curl_easy_cleanup(curl_);
  }
  CurlSession(const CurlSession&) = delete;
  CurlSession& operator=(const CurlSession&) = delete;

  CURLcode post(const std::string& body) {
    body_.clear();
    curl_easy_setopt(curl_, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &body_);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &CurlSession::on_body);
    return curl_easy_perform(curl_);
  }
  const std::string& body() const { return body_; }

 private:
  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
  }

  std::string url_;
  CURL* curl_;
  curl_slist* headers_ = nullptr;
  std::string body_;
};

}  // namespace

#ifdef AMLYZE_SANDBOX_BIN
namespace {

// Starts the amlyze-sandbox binary with exactly `env` as its environment, stdout and stderr into
// `output`.
pid_t spawn_sandbox(const std::vector<std::string>& args, const std::vector<std::string>& env,
                    const std::string& output) {
  std::vector<char*> argv{const_cast<char*>(AMLYZE_SANDBOX_BIN)};
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& var : env) envp.push_back(const_cast<char*>(var.c_str()));
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, AMLYZE_SANDBOX_BIN, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  return pid;
}

int exit_code(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The port the binary wrote to `path`, or 0 if it did not within 10 s.
int wait_for_port(const std::string& path) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::ifstream in(path);
    int port = 0;
    if (in >> port) return port;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return 0;
}

}  // namespace
#endif

TEST_SUITE("sandbox") {
  TEST_CASE("401 without a valid bearer token") {
    Sandbox sandbox;
    const std::string body = batch_of({individual("C123")}).dump();
    std::string authorization;
    SUBCASE("no header") { authorization = ""; }
    SUBCASE("wrong token") { authorization = "Bearer wrong-token"; }
    SUBCASE("token prefix") { authorization = "Bearer sandbox-test"; }
    SUBCASE("basic scheme") { authorization = std::string("Basic ") + kToken; }
    const httplib::Result res = sandbox.post(kBatchPath, body, authorization);
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(json::parse(res->body) == json{{"error", {{"code", "unauthorized"}}}});
    CHECK(sandbox.server.customer_count() == 0);
    CHECK(sandbox.server.stats().unauthorized == 1);
  }

  TEST_CASE("bearer scheme is case-insensitive") {
    Sandbox sandbox;
    const httplib::Result res = sandbox.post(kValidatePath, batch_of({individual("C1")}).dump(),
                                             std::string("bearer ") + kToken);
    REQUIRE(res);
    CHECK(res->status == 200);
  }

  TEST_CASE("400 Spring error for a body that is not a batch") {
    Sandbox sandbox;
    std::string body;
    SUBCASE("not JSON") { body = "{\"customers\": ["; }
    SUBCASE("no customers") { body = R"({"items": []})"; }
    SUBCASE("customers not an array") { body = R"({"customers": {}})"; }
    SUBCASE("item not an object") { body = R"({"customers": [1]})"; }
    const httplib::Result res = sandbox.post(kBatchPath, body);
    REQUIRE(res);
    CHECK(res->status == 400);
    const json error = json::parse(res->body);
    CHECK(error.at("status") == 400);
    CHECK(error.at("error") == "Bad Request");
    CHECK(error.at("path") == kBatchPath);
    CHECK(error.at("timestamp").get<std::string>().size() == 29);
    CHECK(sandbox.server.stats().batches == 0);
  }

  TEST_CASE("415 without a JSON content type") {
    Sandbox sandbox;
    const httplib::Result res = sandbox.post(kBatchPath, batch_of({individual("C1")}).dump(),
                                             std::string("Bearer ") + kToken, "text/plain");
    REQUIRE(res);
    CHECK(res->status == 415);
    CHECK(json::parse(res->body).at("error") == "Unsupported Media Type");
  }

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

  TEST_CASE("unknown paths and customers get a Spring 404") {
    Sandbox sandbox;
    for (const char* path : {"/amlyze-ws-rest/customers", "/sandbox/customers/nobody"}) {
      const httplib::Result res = sandbox.client.Get(path);
      REQUIRE(res);
      CHECK(res->status == 404);
      CHECK(json::parse(res->body).at("path") == path);
    }
  }

  TEST_CASE("server lifecycle") {
    CHECK_THROWS_AS(SandboxServer(SandboxOptions{"127.0.0.1", 0, ""}), std::invalid_argument);
    SandboxServer first(SandboxOptions{"127.0.0.1", 0, kToken});
    const int port = first.start();
    CHECK(port > 0);
    CHECK(first.port() == port);
    CHECK_THROWS_AS(first.start(), std::logic_error);
    SandboxServer second(SandboxOptions{"127.0.0.1", port, kToken});
    CHECK_THROWS_AS(second.start(), std::runtime_error);
    first.stop();
    first.stop();
    httplib::Client client("127.0.0.1", port);
    CHECK_FALSE(client.Get("/sandbox/stats"));
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

  TEST_CASE("fault plan JSON round trip") {
    FaultPlan plan;
    plan.latency_ms = 25;
    plan.next = {FaultStep{FaultKind::kStatus, 429, 7, 0},
                 FaultStep{FaultKind::kWholeBatch500},
                 FaultStep{FaultKind::kErrorCode200},
                 FaultStep{FaultKind::kWholeBatch400},
                 FaultStep{FaultKind::kApplyThenDrop},
                 FaultStep{FaultKind::kApplyThenStall, 503, -1, 900},
                 FaultStep{FaultKind::kStall, 503, -1, 50},
                 FaultStep{}};
    plan.poison_ext_ids = {"P1", "P2"};
    plan.poison_status = 500;
    plan.reject_ext_ids = {{"R1", "C016.I06"}};
    plan.failure_rate = 0.25;
    plan.seed = 4294967295u;
    const json encoded = plan;
    CHECK(encoded.at("next")[0] ==
          json{{"kind", "status"}, {"status", 429}, {"retry_after_seconds", 7}, {"stall_ms", 0}});
    CHECK(encoded.at("next")[5].at("kind") == "apply_then_stall");
    CHECK(encoded.at("reject_ext_ids") == json{{"R1", "C016.I06"}});
    CHECK(encoded.get<FaultPlan>() == plan);
    CHECK(etl::sandbox::parse_fault_plan(encoded.dump()) == plan);
    CHECK(etl::sandbox::parse_fault_plan("// nothing scripted\n{}") == FaultPlan{});
    const FaultPlan sparse = etl::sandbox::parse_fault_plan(
        R"({"next": [{"kind": "apply_then_drop"}, {"kind": "status", "status": 502}]})");
    CHECK(sparse.next == std::deque<FaultStep>{FaultStep{FaultKind::kApplyThenDrop},
                                               FaultStep{FaultKind::kStatus, 502, -1, 0}});
  }

  TEST_CASE("fault plan JSON errors name the key") {
    CHECK(plan_error(R"({"latency": 5})") == "fault plan: latency: unknown key");
    CHECK(plan_error(R"({"next": [{"kind": "stal"}]})")
              .find("next[0].kind: unknown kind \"stal\"; expected one of none, status") !=
          std::string::npos);
    CHECK(plan_error(R"({"next": [{"status": 429}]})") == "fault plan: next[0].kind: missing");
    CHECK(plan_error(R"({"next": [{"kind": "status", "retry_after": 1}]})") ==
          "fault plan: next[0].retry_after: unknown key");
    CHECK(plan_error(R"({"next": [{"kind": "status", "status": "429"}]})") ==
          "fault plan: next[0].status: must be an integer, got \"429\"");
    CHECK(plan_error(R"({"next": [{"kind": "status", "status": 99}]})") ==
          "fault plan: next[0].status: must be 200-599");
    CHECK(plan_error(R"({"next": [{"kind": "stall", "stall_ms": 1.5}]})") ==
          "fault plan: next[0].stall_ms: must be an integer, got 1.5");
    CHECK(plan_error(R"({"next": {"kind": "stall"}})") ==
          "fault plan: next: must be an array of steps");
    CHECK(plan_error(R"({"latency_ms": -1})") == "fault plan: latency_ms: must be >= 0");
    CHECK(plan_error(R"({"latency_ms": 3000000000})") ==
          "fault plan: latency_ms: must be an integer, got 3000000000");
    CHECK(plan_error(R"({"seed": -1})") ==
          "fault plan: seed: must be an unsigned 32-bit integer, got -1");
    CHECK(plan_error(R"({"failure_rate": 1.5})") == "fault plan: failure_rate: must be in [0, 1]");
    CHECK(plan_error(R"({"poison_status": 503})") ==
          "fault plan: poison_status: must be 400 or 500");
    CHECK(plan_error(R"({"poison_ext_ids": ["P1", 2]})") ==
          "fault plan: poison_ext_ids: must be an array of strings");
    CHECK(plan_error(R"({"reject_ext_ids": {"R1": 5}})") ==
          "fault plan: reject_ext_ids.R1: must be an errorCode string");
    CHECK(plan_error("[]") == "fault plan: must be a JSON object");
    CHECK(plan_error("{") == "fault plan: not valid JSON");
    CHECK_THROWS_AS(json("stal").get<FaultKind>(), std::invalid_argument);
    CHECK_THROWS_WITH_AS(etl::sandbox::load_fault_plan("/nonexistent/faults.json"),
                         doctest::Contains("/nonexistent/faults.json"), std::invalid_argument);
  }

  TEST_CASE("set_faults refuses an invalid plan and keeps the old one") {
    Sandbox sandbox;
    const FaultPlan plan = plan_of({FaultStep{FaultKind::kStatus, 429, 1, 0}});
    sandbox.server.set_faults(plan);
    FaultPlan bad;
    bad.next = {FaultStep{FaultKind::kStall, 503, -1, -5}};
    CHECK_THROWS_WITH_AS(sandbox.server.set_faults(bad),
                         "fault plan: next[0].stall_ms: must be >= 0", std::invalid_argument);
    CHECK(sandbox.server.faults() == plan);
    SUBCASE("clear_faults") { sandbox.server.clear_faults(); }
    SUBCASE("reset") { sandbox.server.reset(); }
    CHECK(sandbox.server.faults() == FaultPlan{});
    CHECK(sandbox.code_for(individual("C1")) == "");
  }

  TEST_CASE("fault endpoints replace and show and clear the plan") {
    Sandbox sandbox;
    const json plan = {{"next", {{{"kind", "status"}, {"status", 429}}}}, {"latency_ms", 1}};
    httplib::Result res = sandbox.client.Post("/sandbox/faults", plan.dump(), "application/json");
    REQUIRE(res);
    CHECK(res->status == 200);
    const json stored = json::parse(res->body);
    CHECK(stored.at("next")[0].at("status") == 429);
    CHECK(stored.at("next")[0].at("retry_after_seconds") == -1);
    CHECK(stored.at("seed") == 1);
    CHECK(sandbox.server.faults().latency_ms == 1);

    res = sandbox.client.Post("/sandbox/faults", R"({"next": [{"kind": "bogus"}]})",
                              "application/json");
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json::parse(res->body).at("error").get<std::string>().find("unknown kind \"bogus\"") !=
          std::string::npos);
    res = sandbox.client.Get("/sandbox/faults");
    REQUIRE(res);
    CHECK(json::parse(res->body) == stored);

    CHECK(sandbox.post(kBatchPath, batch_of({individual("C1")}).dump())->status == 429);
    res = sandbox.client.Get("/sandbox/faults");
    REQUIRE(res);
    CHECK(json::parse(res->body).at("next") == json::array());

    sandbox.server.set_faults(plan_of({FaultStep{FaultKind::kWholeBatch400}}));
    SUBCASE("DELETE") {
      res = sandbox.client.Delete("/sandbox/faults");
      REQUIRE(res);
      CHECK(res->status == 200);
      CHECK(json::parse(res->body) == json(FaultPlan{}));
    }
    SUBCASE("POST /sandbox/reset") { REQUIRE(sandbox.client.Post("/sandbox/reset")); }
    CHECK(sandbox.server.faults() == FaultPlan{});
    CHECK(sandbox.code_for(individual("C2")) == "");
  }

  TEST_CASE("status step answers without processing") {
    Sandbox sandbox;
    int status = 0;
    int retry_after = -1;
    std::string error;
    SUBCASE("429 with Retry-After") {
      status = 429;
      retry_after = 7;
      error = "Too Many Requests";
    }
    SUBCASE("503 without Retry-After") {
      status = 503;
      error = "Service Unavailable";
    }
    SUBCASE("502") {
      status = 502;
      retry_after = 0;
      error = "Bad Gateway";
    }
    sandbox.server.set_faults(plan_of({FaultStep{FaultKind::kStatus, status, retry_after, 0}}));
    const json person = individual("C1");
    const httplib::Result res = sandbox.post(kBatchPath, batch_of({person}).dump());
    REQUIRE(res);
    CHECK(res->status == status);
    CHECK(json::parse(res->body) == json{{"error", error}});
    CHECK(res->has_header("Retry-After") == (retry_after >= 0));
    if (retry_after >= 0)
      CHECK(res->get_header_value("Retry-After") == std::to_string(retry_after));
    CHECK(res->get_header_value("X-Sandbox-Fault") == "status");
    CHECK(sandbox.server.customer_count() == 0);
    const etl::sandbox::SandboxStats stats = sandbox.server.stats();
    CHECK(stats.faults_injected == 1);
    CHECK(stats.http_requests == 1);
    CHECK(stats.batches == 0);
    // Nothing was processed, so the communicationNumber is still unused.
    CHECK(sandbox.code_for(person) == "");
  }

  TEST_CASE("whole-batch answers process nothing") {
    Sandbox sandbox;
    const json person = individual("C1");
    SUBCASE("500 with the errorCode body") {
      sandbox.server.set_faults(plan_of({FaultStep{FaultKind::kWholeBatch500}}));
      const httplib::Result res = sandbox.post(kBatchPath, batch_of({person}).dump());
      REQUIRE(res);
      CHECK(res->status == 500);
      const json body = json::parse(res->body);
      CHECK(body.at("errorCode") == "500");
      CHECK(body.at("errorDescription") == "Processing failed");
      CHECK(body.at("timeElapsedMs").is_number_integer());
      CHECK(body.size() == 3);
    }
    SUBCASE("200 with the errorCode body and no results") {
      sandbox.server.set_faults(plan_of({FaultStep{FaultKind::kErrorCode200}}));
      const httplib::Result res = sandbox.post(kValidatePath, batch_of({person}).dump());
      REQUIRE(res);
      CHECK(res->status == 200);
      const json body = json::parse(res->body);
      CHECK(body.at("errorCode") == "500");
      CHECK(body.at("errorDescription") == "Processing failed");
      CHECK_FALSE(body.contains("results"));
    }
    SUBCASE("Spring-style 400") {
      sandbox.server.set_faults(plan_of({FaultStep{FaultKind::kWholeBatch400}}));
      const httplib::Result res = sandbox.post(kBatchPath, batch_of({person}).dump());
      REQUIRE(res);
      CHECK(res->status == 400);
      const json body = json::parse(res->body);
      CHECK(body.at("error") == "Bad Request");
      CHECK(body.at("path") == kBatchPath);
      CHECK(body.at("status") == 400);
      CHECK(sandbox.server.stats().bad_requests == 0);
    }
    CHECK(sandbox.server.stats().batches == 0);
    CHECK(sandbox.server.stats().faults_injected == 1);
    CHECK(sandbox.code_for(person) == "");
  }

  TEST_CASE("apply then drop saves the batch but the client gets no answer") {
    Sandbox sandbox;
    sandbox.server.set_faults(plan_of({FaultStep{FaultKind::kApplyThenDrop}}));
    const json person = individual("C1");
    const httplib::Result res = sandbox.post(kBatchPath, batch_of({person}).dump());
    CHECK_FALSE(res);
    CHECK(res.error() == httplib::Error::Read);
    CHECK(sandbox.server.customer("C1") == person);
    const etl::sandbox::SandboxStats stats = sandbox.server.stats();
    CHECK(stats.batches == 1);
    CHECK(stats.creates == 1);
    CHECK(stats.faults_injected == 1);
    // The number was burnt: resending the same item is O005, a fresh number is C004.
    CHECK(sandbox.code_for(person) == "O005");
    json again = person;
    again["communicationNumber"] = next_number();
    CHECK(sandbox.code_for(again) == "C004");
  }

  TEST_CASE("apply then drop also cuts off an answer that is not results") {
    Sandbox sandbox;
    sandbox.server.set_faults(plan_of({FaultStep{FaultKind::kApplyThenDrop}}));
    const httplib::Result res = sandbox.post(kBatchPath, "not json");
    CHECK_FALSE(res);
    CHECK(sandbox.server.stats().bad_requests == 1);
    CHECK(sandbox.server.stats().faults_injected == 1);
  }

  TEST_CASE("apply then drop is an error for libcurl on a reused connection") {
    // libcurl silently re-sends a POST whose reused connection closed without a byte; the drop
    // must not be hidden that way, so the ETL sees an error and exactly one batch is processed.
    Sandbox sandbox;
    sandbox.server.set_faults(plan_of({FaultStep{}, FaultStep{FaultKind::kApplyThenDrop}}));
    CurlSession session(sandbox.server.port());
    REQUIRE(session.post(batch_of({individual("C1")}).dump()) == CURLE_OK);
    CHECK(json::parse(session.body()).at("results").size() == 1);
    CHECK(session.post(batch_of({individual("C2")}).dump()) == CURLE_PARTIAL_FILE);
    CHECK(session.body().empty());
    CHECK(sandbox.server.stats().batches == 2);
    CHECK(sandbox.server.stats().http_requests == 2);
    CHECK(sandbox.server.customer("C2").has_value());
  }

  TEST_CASE("apply then stall outlasts a short client timeout") {
    Sandbox sandbox;
    sandbox.server.set_faults(plan_of({FaultStep{FaultKind::kApplyThenStall, 503, -1, 5000}}));
    httplib::Client client("127.0.0.1", sandbox.server.port());
    client.set_read_timeout(std::chrono::milliseconds(300));
    const json person = individual("C1");
    const auto sent = Clock::now();
    const httplib::Result res =
        client.Post(kBatchPath, {{"Authorization", std::string("Bearer ") + kToken}},
                    batch_of({person}).dump(), "application/json");
    CHECK_FALSE(res);
    CHECK(elapsed_ms(sent) < 4000);
    CHECK(eventually([&] { return sandbox.server.customer("C1") == person; }));
    CHECK(sandbox.server.stats().batches == 1);
    // stop() cuts the stall short instead of waiting out its 5 s.
    const auto stopping = Clock::now();
    sandbox.server.stop();
    CHECK(elapsed_ms(stopping) < 3000);
  }

  TEST_CASE("stall and latency delay a normal answer") {
    Sandbox sandbox;
    SUBCASE("stall") {
      sandbox.server.set_faults(plan_of({FaultStep{FaultKind::kStall, 503, -1, 300}}));
      const auto sent = Clock::now();
      CHECK(sandbox.code_for(individual("C1")) == "");
      CHECK(elapsed_ms(sent) >= 300);
      CHECK(sandbox.server.stats().faults_injected == 1);
    }
    SUBCASE("latency on every batch request, faulted or not") {
      FaultPlan plan = plan_of({FaultStep{FaultKind::kStatus, 429, 1, 0}});
      plan.latency_ms = 200;
      sandbox.server.set_faults(plan);
      auto sent = Clock::now();
      CHECK(sandbox.post(kBatchPath, batch_of({individual("C1")}).dump())->status == 429);
      CHECK(elapsed_ms(sent) >= 200);
      sent = Clock::now();
      CHECK(sandbox.code_for(individual("C1")) == "");
      CHECK(elapsed_ms(sent) >= 200);
      sent = Clock::now();
      REQUIRE(sandbox.client.Get("/sandbox/stats"));
      CHECK(elapsed_ms(sent) < 200);
      CHECK(sandbox.server.stats().faults_injected == 1);
    }
  }

  TEST_CASE("auth is checked before any fault") {
    Sandbox sandbox;
    FaultPlan plan = plan_of({FaultStep{FaultKind::kStatus, 503, -1, 0}});
    plan.latency_ms = 2000;
    plan.failure_rate = 1;
    sandbox.server.set_faults(plan);
    const auto sent = Clock::now();
    const httplib::Result res =
        sandbox.post(kBatchPath, batch_of({individual("C1")}).dump(), "Bearer wrong-token");
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(elapsed_ms(sent) < 1500);
    CHECK(sandbox.server.faults().next.size() == 1);
    CHECK(sandbox.server.stats().faults_injected == 0);
  }

  TEST_CASE("steps are consumed in order across both endpoints") {
    Sandbox sandbox;
    sandbox.server.set_faults(
        plan_of({FaultStep{FaultKind::kStatus, 429, 2, 0}, FaultStep{},
                 FaultStep{FaultKind::kWholeBatch500}, FaultStep{FaultKind::kStatus, 503, -1, 0}}));
    const std::vector<std::pair<const char*, int>> expected = {
        {kBatchPath, 429}, {kValidatePath, 200}, {kValidatePath, 500},
        {kBatchPath, 503}, {kBatchPath, 200},    {kValidatePath, 200}};
    for (std::size_t i = 0; i < expected.size(); ++i) {
      CAPTURE(i);
      const httplib::Result res =
          sandbox.post(expected[i].first, batch_of({individual("C" + std::to_string(i))}).dump());
      REQUIRE(res);
      CHECK(res->status == expected[i].second);
      CHECK(sandbox.server.faults().next.size() == (i < 4 ? 3 - i : 0));
    }
    const etl::sandbox::SandboxStats stats = sandbox.server.stats();
    CHECK(stats.faults_injected == 3);
    CHECK(stats.batches == 3);
    CHECK(stats.http_requests == 6);
  }

  TEST_CASE("poison customers break the whole batch") {
    Sandbox sandbox;
    FaultPlan plan;
    plan.poison_ext_ids = {"POISON"};
    const json good = individual("C1");
    const json poison = individual("POISON");
    SUBCASE("400") {
      sandbox.server.set_faults(plan);
      const httplib::Result res = sandbox.post(kBatchPath, batch_of({good, poison}).dump());
      REQUIRE(res);
      CHECK(res->status == 400);
      CHECK(json::parse(res->body).at("error") == "Bad Request");
    }
    SUBCASE("500") {
      plan.poison_status = 500;
      sandbox.server.set_faults(plan);
      const httplib::Result res = sandbox.post(kBatchPath, batch_of({good, poison}).dump());
      REQUIRE(res);
      CHECK(res->status == 500);
      CHECK(json::parse(res->body).at("errorDescription") == "Processing failed");
      CHECK(res->get_header_value("X-Sandbox-Fault") == "poison");
    }
    CHECK(sandbox.server.customer_count() == 0);
    CHECK(sandbox.server.stats().batches == 0);
    CHECK(sandbox.server.stats().faults_injected == 1);
    // Split off, the good customer goes through with the same number; the poison one keeps failing.
    CHECK(sandbox.code_for(good) == "");
    CHECK(sandbox.post(kValidatePath, batch_of({poison}).dump())->status == plan.poison_status);
    CHECK(sandbox.server.stats().faults_injected == 2);
  }

  TEST_CASE("scripted rejections come back with the chosen code") {
    Sandbox sandbox;
    FaultPlan plan;
    plan.reject_ext_ids = {{"C2", "C999"}};
    sandbox.server.set_faults(plan);
    const json first = individual("C1");
    json second = individual("C2");
    second.erase("lastName");  // the scripted code wins over the real one
    const json response = sandbox.send(batch_of({first, second}));
    CHECK(result_for(response, first).at("resultType") == "REQUEST_ACCEPTED");
    const json& rejected = result_for(response, second);
    CHECK(rejected.at("resultType") == "REQUEST_REJECTED");
    CHECK(rejected.at("errorCode") == "C999");
    CHECK(rejected.at("errorDescription") == "Rejected by the sandbox fault plan");
    CHECK(sandbox.server.customer("C2") == std::nullopt);
    CHECK(sandbox.server.stats().by_error_code == std::map<std::string, std::size_t>{{"C999", 1}});
    CHECK(sandbox.server.stats().faults_injected == 0);
    // O005 is checked first, and the validate endpoint rejects the same way.
    CHECK(sandbox.code_for(second) == "O005");
    CHECK(sandbox.submit(individual("C2"), kValidatePath).at("errorCode") == "C999");
  }

  TEST_CASE("failure rate is deterministic for a seed") {
    Sandbox sandbox;
    auto pattern = [&](double rate, unsigned seed) {
      FaultPlan plan;
      plan.failure_rate = rate;
      plan.seed = seed;
      sandbox.server.set_faults(plan);
      std::string failed;
      for (int i = 0; i < 24; ++i) {
        const httplib::Result res =
            sandbox.post(kValidatePath, batch_of({individual("C1")}).dump());
        REQUIRE(res);
        REQUIRE((res->status == 200 || res->status == 503));
        if (res->status == 503) {
          CHECK(res->get_header_value("X-Sandbox-Fault") == "failure_rate");
          CHECK_FALSE(res->has_header("Retry-After"));
        }
        failed += res->status == 503 ? 'x' : '.';
      }
      return failed;
    };
    const std::string first = pattern(0.5, 42);
    CHECK(pattern(0.5, 42) == first);
    CHECK(pattern(0.5, 43) != first);
    const auto failures = std::count(first.begin(), first.end(), 'x');
    CHECK(failures > 0);
    CHECK(failures < 24);
    const std::size_t before = sandbox.server.stats().faults_injected;
    CHECK(pattern(1, 42) == std::string(24, 'x'));
    CHECK(sandbox.server.stats().faults_injected == before + 24);
    CHECK(pattern(0, 42) == std::string(24, '.'));
    CHECK(sandbox.server.stats().faults_injected == before + 24);
  }

  TEST_CASE("steps go before failure rate") {
    Sandbox sandbox;
    FaultPlan plan = plan_of({FaultStep{}, FaultStep{FaultKind::kStatus, 429, 3, 0}});
    plan.failure_rate = 1;
    sandbox.server.set_faults(plan);
    CHECK(sandbox.post(kValidatePath, batch_of({individual("C1")}).dump())->status == 200);
    const httplib::Result res = sandbox.post(kValidatePath, batch_of({individual("C1")}).dump());
    REQUIRE(res);
    CHECK(res->status == 429);
    CHECK(res->get_header_value("Retry-After") == "3");
    CHECK(sandbox.post(kValidatePath, batch_of({individual("C1")}).dump())->status == 503);
  }

#ifdef AMLYZE_SANDBOX_BIN
  TEST_CASE("amlyze-sandbox binary") {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                      ("amlyze-sandbox-test-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const std::string output = (dir / "output.txt").string();
    SUBCASE("exits 2 without a token") {
      const pid_t pid = spawn_sandbox({"--port", "0"}, {"PATH=/usr/bin:/bin"}, output);
      CHECK(exit_code(pid) == 2);
      CHECK(read_text(output).find("AMLYZE_TOKEN") != std::string::npos);
    }
    SUBCASE("serves until SIGTERM") {
      const std::string port_file = (dir / "port").string();
      const pid_t pid =
          spawn_sandbox({"--port", "0", "--port-file", port_file, "--token-env", "SBX_TOKEN"},
                        {"SBX_TOKEN=binary-secret"}, output);
      const int port = wait_for_port(port_file);
      if (port == 0) kill(pid, SIGKILL);
      REQUIRE(port > 0);
      httplib::Client client("127.0.0.1", port);
      const httplib::Result res =
          client.Post(kBatchPath, {{"Authorization", "Bearer binary-secret"}},
                      batch_of({individual("C1")}).dump(), "application/json");
      REQUIRE(res);
      CHECK(res->status == 200);
      kill(pid, SIGTERM);
      CHECK(exit_code(pid) == 0);
      CHECK(read_text(output) ==
            "amlyze-sandbox listening on http://127.0.0.1:" + std::to_string(port) + "\n");
    }
    SUBCASE("--faults starts with a plan") {
      const std::string plan_file = (dir / "faults.json").string();
      std::ofstream(plan_file) << R"(// the first request is throttled
        {"next": [{"kind": "status", "status": 429, "retry_after_seconds": 2}]})";
      const std::string port_file = (dir / "port").string();
      const pid_t pid =
          spawn_sandbox({"--port", "0", "--port-file", port_file, "--faults", plan_file},
                        {"AMLYZE_TOKEN=binary-secret"}, output);
      const int port = wait_for_port(port_file);
      if (port == 0) kill(pid, SIGKILL);
      REQUIRE(port > 0);
      httplib::Client client("127.0.0.1", port);
      const httplib::Headers auth = {{"Authorization", "Bearer binary-secret"}};
      const std::string body = batch_of({individual("C1")}).dump();
      const httplib::Result throttled = client.Post(kBatchPath, auth, body, "application/json");
      REQUIRE(throttled);
      CHECK(throttled->status == 429);
      CHECK(throttled->get_header_value("Retry-After") == "2");
      const httplib::Result accepted = client.Post(kBatchPath, auth, body, "application/json");
      REQUIRE(accepted);
      CHECK(accepted->status == 200);
      kill(pid, SIGTERM);
      CHECK(exit_code(pid) == 0);
    }
    SUBCASE("--faults with a bad plan exits 2") {
      const std::string plan_file = (dir / "faults.json").string();
      std::ofstream(plan_file) << R"({"next": [{"kind": "hang"}]})";
      const pid_t pid = spawn_sandbox({"--port", "0", "--faults", plan_file},
                                      {"AMLYZE_TOKEN=binary-secret"}, output);
      CHECK(exit_code(pid) == 2);
      CHECK(read_text(output).find("next[0].kind: unknown kind \"hang\"") != std::string::npos);
    }
    std::filesystem::remove_all(dir);
  }
#endif
}
