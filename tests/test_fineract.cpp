// The Apache Fineract example (sql/examples/fineract/) end to end: the real binary, configured
// from the example's own config file, reads a database built from tests/fixtures/fineract (a DDL
// subset of Fineract's tenant schema and 13 clients) and sends to the sandbox.
#include <doctest/doctest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "support/etl_harness.hpp"

using etl::test::EtlHarness;
using etl::test::source_path;
using etl::test::SqlDatabase;

namespace {

const char* const kExample = "sql/examples/fineract/";

std::string slurp(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::unique_ptr<SqlDatabase> fineract_database() {
  return std::make_unique<SqlDatabase>(
      std::vector<std::string>{source_path("tests/fixtures/fineract/schema.sql"),
                               source_path("tests/fixtures/fineract/seed.sql")});
}

// A harness on a fresh Fineract database whose config is the example's amlyze-etl.jsonc, with
// only what points at this machine replaced: the database, the sandbox, the token variable, the
// ledger and the query's path (relative in the example, which sits in another folder).
class FineractHarness : public EtlHarness {
 public:
  FineractHarness()
      : EtlHarness(fineract_database(),
                   source_path(std::string(kExample) + "extract_customers.sql")) {
    nlohmann::json example =
        nlohmann::json::parse(slurp(source_path(std::string(kExample) + "amlyze-etl.jsonc")),
                              nullptr, true, /*ignore_comments=*/true);
    for (const auto& [section, key] :
         std::vector<std::pair<std::string, std::string>>{{"source", "conninfo"},
                                                          {"source", "extract_sql"},
                                                          {"amlyze", "base_url"},
                                                          {"amlyze", "token_env"},
                                                          {"ledger", "path"}}) {
      example.at(section).at(key) = config().at(section).at(key);
    }
    config() = example;
  }
};

const std::vector<std::string> kValidClients = {"000000001", "000000002", "000000003", "000000004",
                                                "000000005", "000000006", "000000007", "000000008",
                                                "000000010", "000000011", "000000012", "000000013"};
const char* const kDefective = "000000009";  // its address country has no ISO code in COUNTRY

}  // namespace

TEST_SUITE("fineract") {
  TEST_CASE("first run sends every valid Fineract client once and holds back the defective one") {
    FineractHarness h;
    const auto r = h.etl({"run"});
    INFO(r.err);
    REQUIRE(r.exit_code == 3);
    CHECK(h.sandbox().customer_count() == kValidClients.size());
    const auto stats = h.sandbox().stats();
    CHECK(stats.creates == kValidClients.size());
    CHECK(stats.updates == 0);
    CHECK(stats.rejected == 0);
    for (const auto& id : kValidClients) {
      CAPTURE(id);
      const auto stored = h.sandbox().stored_customer(id);
      REQUIRE(stored.has_value());
      CHECK(stored->creates == 1);
      CHECK(stored->payload.at("requester") == "FINERACT");
    }
    CHECK(h.ledger_value("SELECT extracted || ' ' || created || ' ' || invalid || ' ' || outcome "
                         "FROM runs WHERE run_id = 1") == "13 12 1 partial");
    CHECK(h.ledger_number("SELECT count(*) FROM submissions WHERE outcome = 'accepted' AND "
                          "action = 'CREATE'") == 12);

    // The defective client: never sent, held back with a code and a reason naming the field.
    CHECK_FALSE(h.sandbox().customer(kDefective).has_value());
    const auto held = h.ledger_rows(
        "SELECT customer_ext_id, error_code, error_description FROM submissions "
        "WHERE outcome = 'invalid'");
    REQUIRE(held.size() == 1);
    CHECK(held[0][0] == kDefective);
    CHECK_FALSE(held[0][1].empty());
    CHECK(held[0][2].find("citizenshipCountry") != std::string::npos);
    CHECK(h.ledger_value("SELECT last_outcome FROM customers WHERE customer_ext_id = '" +
                         std::string(kDefective) + "'") == "invalid");

    SUBCASE("a person, field by field") {
      const auto stored = h.sandbox().customer("000000001");
      REQUIRE(stored.has_value());
      const auto& p = *stored;
      const std::string where = " FROM m_client WHERE account_no = '000000001'";
      CHECK(p.at("entityType") == "INDIVIDUAL");
      CHECK(p.at("riskManagementCategory") == "IND");
      CHECK(p.at("riskLevel") == "LOW");  // ClientClassification 'Low Risk'
      CHECK(p.at("customerStatus") == "ACTIVE");
      CHECK(p.at("action") == "CREATE");
      CHECK(p.at("firstName") == h.source().value("SELECT firstname" + where));
      CHECK(p.at("lastName") == h.source().value("SELECT lastname" + where));
      CHECK(p.at("lastName") == "Kazlauskienė");
      CHECK(p.at("birthDate") == h.source().value("SELECT date_of_birth::text" + where));
      CHECK(p.at("applicationDate") == h.source().value("SELECT submittedon_date::text" + where));
      CHECK(p.at("approvalDate") == h.source().value("SELECT activation_date::text" + where));
      CHECK(p.at("citizenshipCountry") == "LT");
      CHECK(p.at("nationalCode") == "48403120123");  // the active 'Id' identifier
      CHECK_FALSE(p.contains("closingDate"));
      CHECK_FALSE(p.contains("title"));
      CHECK_FALSE(p.contains("registrationCountry"));
      CHECK_FALSE(p.contains("legalForm"));
      CHECK_FALSE(p.contains("establishmentDate"));

      const nlohmann::json address = {
          {"country", "LT"},
          {"addressType", "RESIDENCE"},
          {"streetAddress", "Gedimino pr. 9"},
          {"city", "Vilnius"},
          {"zipCode", "LT-01103"},
          {"addressDetails", "Gedimino pr. 9, LT-01103 Vilnius, Lithuania"}};
      CHECK(p.at("listAddress") == nlohmann::json::array({address}));
      CHECK(p.at("listContact") ==
            nlohmann::json::array(
                {{{"contactType", "MOBILEPHONE"}, {"contactDetails", "+37061234567"}},
                 {{"contactType", "EMAIL"}, {"contactDetails", "ona.kazlauskiene@example.lt"}}}));
      const auto& documents = p.at("listBusinessEntityDocument");
      REQUIRE(documents.size() == 2);
      CHECK(documents[0] == nlohmann::json{{"entityType", "INDIVIDUAL"},
                                           {"identityDocumentType", "PASSPORT"},
                                           {"documentNumber", "LT1234567"},
                                           {"documentIssueDate", "2023-02-01"},
                                           {"documentIssueCountry", "LT"},
                                           {"documentIssueAuthority", "Migracijos departamentas"}});
      CHECK(documents[1].at("identityDocumentType") == "IDENTITYCARD");
      CHECK(documents[1].at("documentNumber") == "48403120123");
    }

    SUBCASE("an entity, field by field") {
      const auto stored = h.sandbox().customer("000000010");
      REQUIRE(stored.has_value());
      const auto& o = *stored;
      const std::string where = " FROM m_client WHERE account_no = '000000010'";
      CHECK(o.at("entityType") == "ORGANIZATION");
      CHECK(o.at("riskManagementCategory") == "ORG");
      CHECK(o.at("customerStatus") == "ACTIVE");
      CHECK(o.at("title") == h.source().value("SELECT fullname" + where));
      CHECK(o.at("title") == "UAB Baltic Timber");
      CHECK(o.at("registrationCountry") == "LT");  // the Registered Office address
      CHECK(o.at("legalForm") == "LTD");           // Constitution 'Private Limited Company'
      // Fineract keeps an entity's incorporation date in date_of_birth.
      CHECK(o.at("establishmentDate") == h.source().value("SELECT date_of_birth::text" + where));
      CHECK(o.at("establishmentDate") == "2015-06-18");
      CHECK(o.at("nationalCode") ==
            h.source().value("SELECT incorp_no FROM m_client_non_person WHERE client_id = 10"));
      CHECK(o.at("applicationDate") == "2018-03-28");
      CHECK(o.at("approvalDate") == "2018-04-02");
      for (const char* field :
           {"firstName", "lastName", "birthDate", "citizenshipCountry", "closingDate"}) {
        CAPTURE(field);
        CHECK_FALSE(o.contains(field));
      }
      const auto& addresses = o.at("listAddress");
      REQUIRE(addresses.size() == 2);
      CHECK(addresses[0].at("addressType") == "REGISTRATION");
      CHECK(addresses[0].at("addressDetails") ==
            "Konstitucijos pr. 7, LT-09308 Vilnius, Lithuania");
      CHECK(addresses[1].at("addressType") == "HEADQUARTERS");
      CHECK(addresses[1].at("city") == "Kaunas");
      CHECK(o.at("listBusinessEntityDocument") ==
            nlohmann::json::array({{{"entityType", "ORGANIZATION"},
                                    {"identityDocumentType", "REGISTRATIONCERTIFICATE"},
                                    {"documentNumber", "304123456"},
                                    {"documentIssueDate", "2018-03-28"},
                                    {"documentIssueCountry", "LT"},
                                    {"documentIssueAuthority", "Registrų centras"}}}));
      CHECK(o.at("listContact").size() == 2);
    }

    SUBCASE("every Fineract client status maps to its AMLYZE status") {
      struct Expected {
        const char* id;
        const char* status;
        const char* closing;  // "" when closingDate must be absent
        bool approved;
      };
      for (const Expected& e :
           std::vector<Expected>{{"000000003", "PENDING", "", false},          // 100
                                 {"000000004", "CLOSED", "2024-06-30", true},  // 600, a person
                                 {"000000005", "REJECTED", "", false},         // 700
                                 {"000000006", "REJECTED", "", false},         // 800 withdrawn
                                 {"000000007", "ACTIVE", "", true},            // 300
                                 {"000000008", "ACTIVE", "", true},  // 303 transfer in progress
                                 {"000000012", "CLOSED", "2024-01-31", true},  // 600, an entity
                                 {"000000013", "PENDING", "", false}}) {       // 100, an entity
        CAPTURE(e.id);
        const auto p = h.sandbox().customer(e.id);
        REQUIRE(p.has_value());
        CHECK(p->at("customerStatus") == e.status);
        if (*e.closing != '\0') {
          CHECK(p->at("closingDate") == e.closing);
        } else {
          CHECK_FALSE(p->contains("closingDate"));
        }
        CHECK(p->contains("approvalDate") == e.approved);
      }
    }

    SUBCASE("only active addresses and identifiers, risk from the client classification") {
      const auto p = h.sandbox().customer("000000007");
      REQUIRE(p.has_value());
      CHECK(p->at("riskLevel") == "HIGH");
      const auto& addresses = p->at("listAddress");
      REQUIRE(addresses.size() == 2);  // the inactive Hamburg address is left out
      CHECK(addresses[0].at("country") == "DE");
      CHECK(addresses[1].at("country") == "LT");
      CHECK(addresses[1].at("addressType") == "CORRESPONDENCE");
      const auto& documents = p->at("listBusinessEntityDocument");
      REQUIRE(documents.size() == 1);  // the replaced passport (status 100) is left out
      CHECK(documents[0].at("documentNumber") == "C01X00T47");
      CHECK(documents[0].at("documentIssueCountry") == "DE");
      CHECK_FALSE(p->contains("nationalCode"));  // no 'Id' identifier

      const auto other = h.sandbox().customer("000000012");
      REQUIRE(other.has_value());
      CHECK(other->at("listBusinessEntityDocument")[0].at("identityDocumentType") == "OTHER");
      CHECK(other->at("listBusinessEntityDocument")[0].at("description") == "Any Other Id Type");
      CHECK(other->at("legalForm") == "COOPERATIVE");
      CHECK_FALSE(other->contains("listContact"));  // no mobile, no e-mail: absent, not []
      const auto rejected = h.sandbox().customer("000000005");
      REQUIRE(rejected.has_value());
      CHECK_FALSE(rejected->contains("listBusinessEntityDocument"));
      CHECK(h.sandbox().customer("000000002")->at("firstName") == "Jānis Andris");
      CHECK(h.sandbox().customer("000000011")->at("riskLevel") == "MEDIUM");
      CHECK(h.sandbox().customer("000000013")->at("riskLevel") == "LOW");  // unclassified
    }
  }

  TEST_CASE("a second run after one Fineract client changed sends exactly that one as UPDATE") {
    FineractHarness h;
    REQUIRE(h.etl({"run"}).exit_code == 3);
    const auto before = h.sandbox().stats();
    // What Fineract does when a client is closed: status, date and reason, and its audit column.
    h.source().exec(
        "UPDATE m_client SET status_enum = 600, closedon_date = DATE '2024-10-15', "
        "closure_reason_cv_id = 180, last_modified_by = 1, last_modified_on_utc = now() "
        "WHERE account_no = '000000002'");
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(h.ledger_value("SELECT extracted || ' ' || created || ' ' || updated || ' ' || invalid "
                         "FROM runs WHERE run_id = 2") == "1 0 1 0");
    const auto stats = h.sandbox().stats();
    CHECK(stats.updates == 1);
    CHECK(stats.creates == before.creates);
    CHECK(stats.rejected == 0);
    CHECK(h.ledger_rows(
              "SELECT customer_ext_id, action, outcome FROM submissions WHERE run_id = 2") ==
          std::vector<std::vector<std::string>>{{"000000002", "UPDATE", "accepted"}});
    const auto closed = h.sandbox().stored_customer("000000002");
    REQUIRE(closed.has_value());
    CHECK(closed->updates == 1);
    CHECK(closed->payload.at("action") == "UPDATE");
    CHECK(closed->payload.at("customerStatus") == "CLOSED");
    CHECK(closed->payload.at("closingDate") == "2024-10-15");
    CHECK(closed->payload.at("lastName") == "Bērziņš");  // UPDATE carries the whole customer

    SUBCASE("a third run with no change sends nothing") {
      const auto requests = h.sandbox().stats().http_requests;
      const auto again = h.etl({"run"});
      CHECK(again.exit_code == 0);
      CHECK(h.sandbox().stats().http_requests == requests);
    }
  }

  TEST_CASE("a new identifier moves its client into the window through its own change time") {
    FineractHarness h;
    REQUIRE(h.etl({"run"}).exit_code == 3);
    // Fineract writes the identifier row only; m_client.last_modified_on_utc does not move.
    h.source().exec(
        "INSERT INTO m_client_identifier (client_id, document_type_id, document_key, status, "
        "active, description, created_by, last_modified_by, created_on_utc, last_modified_on_utc) "
        "VALUES (2, 1, 'LV9988776', 200, 200, 'PMLP', 1, 1, now(), now())");
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(h.ledger_value("SELECT extracted || ' ' || updated FROM runs WHERE run_id = 2") == "1 1");
    const auto p = h.sandbox().customer("000000002");
    REQUIRE(p.has_value());
    const auto& documents = p->at("listBusinessEntityDocument");
    REQUIRE(documents.size() == 2);
    CHECK(documents[1].at("identityDocumentType") == "PASSPORT");
    CHECK(documents[1].at("documentNumber") == "LV9988776");
    CHECK(documents[1].at("documentIssueCountry") == "LV");
  }

  TEST_CASE("adding the missing ISO code to the COUNTRY code value sends the held-back client") {
    FineractHarness h;
    REQUIRE(h.etl({"run"}).exit_code == 3);
    // A code value has no change time: the fix is picked up by a --full run.
    h.source().exec("UPDATE m_code_value SET code_description = 'UA' WHERE code_value = 'Ukraine'");
    const auto r = h.etl({"run", "--full"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(h.ledger_value("SELECT extracted || ' ' || created || ' ' || unchanged FROM runs "
                         "WHERE run_id = 2") == "13 1 12");
    const auto p = h.sandbox().customer(kDefective);
    REQUIRE(p.has_value());
    CHECK(p->at("citizenshipCountry") == "UA");
    CHECK(p->at("listAddress")[0].at("country") == "UA");
    CHECK(h.sandbox().stats().rejected == 0);
  }
}
