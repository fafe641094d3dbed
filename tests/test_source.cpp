// The PostgreSQL side of the job end to end (real binary, real PostgreSQL, the sandbox): long
// transactions never lose a change, the connection always reads UTF-8, the extract query's
// parameter contract, and PostgreSQL errors reported without the values they quote.
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "source/pg_error.hpp"
#include "support/etl_harness.hpp"
#include "util/text.hpp"
#include "util/utf8.hpp"

using etl::test::EtlHarness;
using etl::test::source_path;
using etl::test::SqlDatabase;

namespace {

void pause_ms(long long ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// A copy of the reference extract query with `from` replaced by `to`, used by the next runs.
void use_variant(EtlHarness& h, const std::string& name, const std::string& from,
                 const std::string& to) {
  std::string sql = etl::read_file(source_path("sql/extract_customers.sql"));
  const auto at = sql.find(from);
  REQUIRE(at != std::string::npos);
  sql.replace(at, from.size(), to);
  etl::test::write_text(h.dir() / "sql" / name, sql);
  h.config()["source"]["extract_sql"] = "../sql/" + name;
}

std::vector<std::string> reference_bank_files() {
  std::set<std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(source_path("migrations/reference_bank"))) {
    if (entry.path().extension() == ".sql") files.insert(entry.path().string());
  }
  return {files.begin(), files.end()};
}

// The first individual: only individuals have first and last names.
std::string first_person(const SqlDatabase& db) {
  return db.value("SELECT customer_no FROM core.customer WHERE kind = 'P' ORDER BY id LIMIT 1");
}

// An application transaction as ORMs and posting batches write it: the change is stamped with
// now(), the transaction's START (the schema's trigger, which stamps clock_timestamp(), is off
// for this session), and the transaction stays open.
class LongTransaction {
 public:
  LongTransaction(const std::string& conninfo, const std::string& customer_no)
      : connection_(conninfo + " application_name=posting_batch"), tx_(connection_) {
    pid_ = tx_.exec1("SELECT pg_backend_pid()")[0].as<int>();
    tx_.exec0("SET LOCAL session_replication_role = replica");
    tx_.exec0(
        "UPDATE core.customer SET last_name = 'Longtransactionname', updated_at = now() "
        "WHERE customer_no = '" +
        customer_no + "'");
  }
  int pid() const { return pid_; }
  void commit() { tx_.commit(); }

 private:
  pqxx::connection connection_;
  pqxx::work tx_;
  int pid_ = 0;
};

// A login role of the throwaway cluster that may read the reference schema and nothing more.
class ReaderRole {
 public:
  explicit ReaderRole(etl::test::SqlDatabase& db)
      : db_(db), name_("amlyze_reader_" + std::to_string(getpid())) {
    db_.exec("DROP ROLE IF EXISTS " + name_ + "; CREATE ROLE " + name_ +
             " LOGIN; GRANT USAGE ON SCHEMA core TO " + name_ +
             "; GRANT SELECT ON ALL TABLES IN SCHEMA core TO " + name_);
  }
  ~ReaderRole() {
    try {
      db_.exec("DROP OWNED BY " + name_ + "; DROP ROLE " + name_);
    } catch (const std::exception&) {
      // best effort: the cluster is thrown away after the tests
    }
  }
  const std::string& name() const { return name_; }

 private:
  etl::test::SqlDatabase& db_;
  std::string name_;
};

}  // namespace

TEST_SUITE("source") {
  TEST_CASE("a change of a transaction open at the snapshot is sent after its commit, lookback 0") {
    EtlHarness h(20);
    h.config()["source"]["lookback_seconds"] = 0;
    REQUIRE(h.etl({"run"}).exit_code == 0);
    const std::string id = first_person(h.bank());
    LongTransaction late(h.bank().conninfo(), id);
    pause_ms(300);  // the next run's snapshot is well after the change's stamp
    const auto during = h.etl({"run"});
    INFO(during.err);
    REQUIRE(during.exit_code == 0);
    CHECK(h.sandbox().stats().updates == 0);  // not committed: not visible yet
    CHECK(contains(during.err, "watermark held back by a transaction open since"));
    CHECK(contains(during.err, "(pid " + std::to_string(late.pid())));
    late.commit();
    const auto after = h.etl({"run"});
    INFO(after.err);
    REQUIRE(after.exit_code == 0);
    CHECK(h.sandbox().stats().updates == 1);
    CHECK(h.sandbox().customer(id)->at("lastName") == "Longtransactionname");
  }

  TEST_CASE("a session idle in a transaction is named in a warning each run, never its query") {
    EtlHarness h(10);
    h.config()["source"]["idle_transaction_warn_seconds"] = 1;
    LongTransaction idle(h.bank().conninfo(), first_person(h.bank()));
    pause_ms(1500);
    for (int run = 0; run < 2; ++run) {
      const auto r = h.etl({"run"});
      INFO(r.err);
      CHECK(r.exit_code == 0);
      CHECK(contains(r.err, "session pid " + std::to_string(idle.pid()) +
                                " (application_name \"posting_batch\") has been idle in a "
                                "transaction for "));
      CHECK_FALSE(contains(r.err, "Longtransactionname"));
      CHECK_FALSE(contains(r.err, "UPDATE core.customer"));
    }
    SUBCASE("a younger one is not named") {
      h.config()["source"]["idle_transaction_warn_seconds"] = 3600;
      const auto r = h.etl({"run"});
      CHECK_FALSE(contains(r.err, "idle in a transaction"));
    }
  }

  TEST_CASE(
      "a role that cannot see other sessions falls back to the lookback and names the grant") {
    EtlHarness h(10);
    ReaderRole reader(h.bank());
    h.config()["source"]["conninfo"] = h.bank().conninfo() + " user=" + reader.name();
    const std::string warning = "GRANT pg_read_all_stats TO " + reader.name();
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(occurrences(r.err, warning) == 1);
    CHECK(contains(r.err, "lookback_seconds (300) can be missed"));
    CHECK(h.sandbox().customer_count() == 10);

    h.bank().exec("GRANT pg_read_all_stats TO " + reader.name());
    const auto granted = h.etl({"run"});
    INFO(granted.err);
    CHECK(granted.exit_code == 0);
    CHECK_FALSE(contains(granted.err, "pg_read_all_stats"));
  }

  TEST_CASE("the connection reads UTF-8 whatever PGCLIENTENCODING or the conninfo ask") {
    EtlHarness h(10);
    const std::string name =
        "J\xC5\xAB"
        "rat\xC4\x97 \xC3\x89lodie";  // Jūratė Élodie
    const std::string id = first_person(h.bank());
    h.bank().exec("UPDATE core.customer SET first_name = '" + name + "' WHERE customer_no = '" +
                  id + "'");
    std::map<std::string, std::string> env;
    SUBCASE("PGCLIENTENCODING") { env["PGCLIENTENCODING"] = "LATIN1"; }
    SUBCASE("client_encoding in the conninfo") {
      h.config()["source"]["conninfo"] = h.bank().conninfo() + " client_encoding=LATIN1";
    }
    const auto r = h.etl({"run"}, env);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(occurrences(r.err, "asked for LATIN1; amlyze-etl reads UTF8") == 1);
    CHECK(h.sandbox().customer(id)->at("firstName") == name);
  }

  TEST_CASE("a value that is not UTF-8 (SQL_ASCII database) holds back that customer only") {
    EtlHarness h(std::make_unique<SqlDatabase>(
                     reference_bank_files(),
                     "ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"),
                 source_path("sql/extract_customers.sql"));
    h.source().exec("SELECT core.generate_customers(12, 1, 0)");
    const std::string id = first_person(h.source());
    h.source().exec("UPDATE core.customer SET first_name = E'Ren\\xe9' WHERE customer_no = '" + id +
                    "'");
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK(h.sandbox().customer_count() == 11);
    CHECK_FALSE(h.sandbox().customer(id).has_value());
    const auto held = h.ledger_rows(
        "SELECT customer_ext_id, error_code, error_description FROM submissions "
        "WHERE outcome = 'invalid'");
    REQUIRE(held.size() == 1);
    CHECK(held[0][0] == id);
    CHECK(held[0][1] == "ETL.ENCODING");
    CHECK(contains(held[0][2], "firstName"));
    CHECK_FALSE(contains(held[0][2], "Ren"));
  }

  TEST_CASE("the extract query takes $1 and only $1, counted by PostgreSQL") {
    EtlHarness h(5);
    SUBCASE("no $1 (the file's comments still mention it)") {
      use_variant(h, "no_param.sql", "$1::timestamptz", "'-infinity'::timestamptz /* $1 */");
      const auto r = h.etl({"run"});
      INFO(r.err);
      CHECK(r.exit_code == 2);
      CHECK(contains(r.err, "no_param.sql: the extract query has no parameter $1"));
    }
    SUBCASE("$1 only inside a string literal") {
      use_variant(h, "literal.sql", "$1::timestamptz", "'-infinity'::timestamptz AND '$1' <> ''");
      const auto r = h.etl({"run"});
      INFO(r.err);
      CHECK(r.exit_code == 2);
      CHECK(contains(r.err, "literal.sql: the extract query has no parameter $1"));
    }
    SUBCASE("$2 as well") {
      use_variant(h, "two_params.sql", "$1::timestamptz", "$1::timestamptz AND c.id > $2::int");
      const auto r = h.etl({"run"});
      INFO(r.err);
      CHECK(r.exit_code == 2);
      CHECK(contains(r.err, "two_params.sql: the extract query uses parameters $1 to $2"));
    }
    CHECK(h.sandbox().stats().http_requests == 0);
    CHECK(h.ledger_value("SELECT outcome FROM runs") == "aborted");
  }

  TEST_CASE("a PostgreSQL error is printed and stored with its SQLSTATE, without the values") {
    EtlHarness h(10);
    const std::string secret = "Privatissimus";
    const std::string id = first_person(h.bank());
    h.bank().exec("UPDATE core.customer SET first_name = '" + secret + "' WHERE customer_no = '" +
                  id + "'");
    std::string sqlstate;
    std::string message;
    SUBCASE("a date cast that fails on one row") {
      use_variant(h, "cast.sql", "nullif(btrim(c.first_name), '') END AS \"firstName\"",
                  "nullif(btrim(c.first_name), '') END AS \"firstName\", "
                  "CASE WHEN c.customer_no = '" +
                      id +
                      "' THEN ('x' || c.first_name)::date "
                      "END AS \"birthDate\"");
      sqlstate = "SQLSTATE 22007";
      message = "invalid input syntax for type date: \"\xE2\x80\xA6\"";
    }
    SUBCASE("a json cast, whose DETAIL and CONTEXT quote the value") {
      use_variant(h, "json.sql", "nullif(btrim(c.first_name), '') END AS \"firstName\"",
                  "nullif(btrim(c.first_name), '') END AS \"firstName\", "
                  "CASE WHEN c.customer_no = '" +
                      id +
                      "' THEN c.first_name::json "
                      "END AS \"birthDate\"");
      sqlstate = "SQLSTATE 22P02";
      message = "invalid input syntax for type json";
    }
    const auto r = h.etl({"run"});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    const std::string stored = h.ledger_value("SELECT error FROM runs WHERE run_id = 1");
    for (const std::string& text : {r.err, stored}) {
      CHECK(contains(text, sqlstate));
      CHECK(contains(text, message));
      CHECK_FALSE(contains(text, secret));
      CHECK_FALSE(contains(text, "DETAIL"));
      CHECK_FALSE(contains(text, "CONTEXT"));
      CHECK_FALSE(contains(text, "Token"));
    }
    // A row fails at FETCH time, when earlier chunks may already be in AMLYZE: the message must
    // not promise that nothing was sent.
    CHECK_FALSE(contains(r.err, "nothing was sent"));
    CHECK(contains(r.err, "what was sent before is in the ledger, the next run resumes"));
  }
}

TEST_SUITE("source") {
  TEST_CASE("valid_utf8 accepts UTF-8 and refuses other bytes, overlong forms and surrogates") {
    CHECK(etl::valid_utf8(""));
    CHECK(etl::valid_utf8("plain ASCII, longer than eight bytes"));
    CHECK(
        etl::valid_utf8("J\xC5\xAB"
                        "rat\xC4\x97 \xE2\x80\xA6 \xF0\x9F\x98\x80"));
    CHECK_FALSE(etl::valid_utf8("Ren\xE9"));           // LATIN1 é
    CHECK_FALSE(etl::valid_utf8("abcdefgh\xC3"));      // cut after eight ASCII bytes
    CHECK_FALSE(etl::valid_utf8("\xC0\xAF"));          // overlong '/'
    CHECK_FALSE(etl::valid_utf8("\xE0\x80\xAF"));      // overlong, three bytes
    CHECK_FALSE(etl::valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
    CHECK_FALSE(etl::valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    CHECK_FALSE(etl::valid_utf8("\xE2\x80x"));         // continuation missing
  }

  TEST_CASE("describe_pg_error keeps SQLSTATE, position and names, drops DETAIL and values") {
    etl::test::SqlDatabase db({});
    pqxx::connection c(db.conninfo());
    const auto error_of = [&c](const std::string& sql) {
      try {
        pqxx::nontransaction tx(c);
        tx.exec(sql);
      } catch (const pqxx::sql_error& e) {
        return etl::source::describe_pg_error(e);
      }
      return std::string("no error");
    };
    CHECK(error_of("SELECT 'Secretvalue'::json") ==
          "SQLSTATE 22P02: invalid input syntax for type json\nLINE 1: SELECT 'Secretvalue'::json"
          "\n               ^");
    CHECK(error_of("SELECT to_date('Secretvalue', 'YYYY')") ==
          "SQLSTATE 22007: invalid value \"\xE2\x80\xA6\"");
    // Class 42: raised while parsing; the quoted words are the query's own names.
    CHECK(error_of("SELECT relnamx FROM pg_class") ==
          "SQLSTATE 42703: column \"relnamx\" does not exist\nLINE 1: SELECT relnamx FROM "
          "pg_class\n               ^\nHINT:  Perhaps you meant to reference the column "
          "\"pg_class.relname\".");
    CHECK(error_of("DO $$BEGIN RAISE EXCEPTION 'Secretvalue'; END$$").find("Secretvalue") ==
          std::string::npos);
    try {
      pqxx::connection refused("host=127.0.0.1 port=1 connect_timeout=2");
    } catch (const pqxx::broken_connection& e) {
      CHECK(etl::source::describe_pg_error(e) ==
            "connection to server at \"127.0.0.1\", port 1 failed: Connection refused Is the "
            "server running on that host and accepting TCP/IP connections?");
    }
  }
}
