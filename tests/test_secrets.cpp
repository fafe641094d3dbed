// Secrets end to end: the bearer token's format and where it came from, and credentials in the
// config (a password in source.conninfo however it is spelled, user:password@ in amlyze.base_url,
// a ca_file that is not a CA bundle). Each is refused with exit 2 before anything is sent or
// written to the ledger, names where it was found and never repeats the secret.
#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "support/etl_harness.hpp"
#include "sync/token.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

using etl::test::EtlHarness;
using etl::test::ProcessResult;

namespace {

std::string slurp(const std::filesystem::path& file) { return etl::read_file(file.string()); }

// A secret of valid bearer-token characters that occurs nowhere else (paths, names, messages).
// Random, not a UUID: the ledger is full of time-based UUIDs that share most of their digits.
std::string fresh_secret() {
  static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
  std::mt19937_64 random(std::random_device{}());
  std::uniform_int_distribution<std::size_t> pick(0, sizeof kAlphabet - 2);
  std::string out = "Zq9";
  for (int i = 0; i < 29; ++i) out += kAlphabet[pick(random)];
  return out;
}

// Where any 8 characters in a row of `secret` appear in `text` (a part of a token leaks too), as
// "secret[i..] at N" so a failure does not print it; "" when nowhere.
std::string leaked(const std::string& text, const std::string& secret) {
  constexpr std::size_t kWindow = 8;
  for (std::size_t at = 0; at + kWindow <= secret.size(); ++at) {
    const auto found = text.find(secret.substr(at, kWindow));
    if (found != std::string::npos) {
      return "secret[" + std::to_string(at) + "..] at " + std::to_string(found);
    }
  }
  return "";
}

// Everything the run left behind that an operator or auditor could read.
std::string visible(const EtlHarness& h, const ProcessResult& r) {
  std::string all = r.out + r.err;
  if (std::filesystem::exists(h.ledger_path())) all += slurp(h.ledger_path());
  return all;
}

// A refused run: exit 2, one line naming `where`, nothing sent, no run in the ledger.
void check_refused(EtlHarness& h, const ProcessResult& r, const std::string& where,
                   const std::string& what) {
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(where) != std::string::npos);
  CHECK(r.err.find(what) != std::string::npos);
  CHECK(h.sandbox().stats().http_requests == 0);
  const bool no_run = !std::filesystem::exists(h.ledger_path()) ||
                      h.ledger_value("SELECT count(*) FROM runs") == "0";
  CHECK(no_run);
}

std::filesystem::path write_token_file(EtlHarness& h, const std::string& text) {
  const auto file = h.dir() / "secret" / "token";
  etl::test::write_text(file, text);
  chmod(file.c_str(), 0600);
  h.config()["amlyze"]["token_file"] = "../secret/token";
  return file;
}

// Token texts that must be refused, with the reason the message gives. `s` is the secret.
struct BadToken {
  std::string name;
  std::string text;
  std::string reason;
};

std::vector<BadToken> bad_tokens(const std::string& s) {
  return {
      {"second line", s + "\nX-Injected: yes\n", "has a second line"},
      {"blank second line", s + "\n\n", "has a second line"},
      {"inner space", s.substr(0, 12) + " " + s.substr(12), "at position 13"},
      {"inner tab", s.substr(0, 12) + "\t" + s.substr(12), "at position 13"},
      {"control character", s.substr(0, 12) + "\x1b" + s.substr(12), "at position 13"},
      {"non-ASCII", s.substr(0, 12) + "\xc3\xa9" + s.substr(12), "at position 13"},
      {"'=' inside", s.substr(0, 12) + "=" + s.substr(12), "at position 13"},
      {"empty", " \t\n", "empty"},
  };
}

// A self-signed certificate in PEM, made here so the test needs no fixture or openssl binary.
std::string self_signed_pem() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), &EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), &X509_free);
  REQUIRE((key && cert));
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("amlyze test CA"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key.get());
  REQUIRE(X509_sign(cert.get(), key.get(), nullptr) > 0);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_X509(bio.get(), cert.get());
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string config_error(const std::string& text) {
  try {
    etl::parse_config(text, "/etc/amlyze/etl.jsonc");
  } catch (const etl::ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_SUITE("secrets") {
  TEST_CASE("a token file with a second line is refused: no extra header goes on the wire") {
    EtlHarness h(10);
    const auto file = write_token_file(h, h.token() + "\nX-Injected: yes\n");
    const auto r = h.etl({"run"}, {{"AMLYZE_TEST_TOKEN", ""}});
    check_refused(h, r, "amlyze.token_file " + file.string(), "has a second line");
    CHECK(h.sandbox().customer_count() == 0);
    CHECK(visible(h, r).find(h.token()) == std::string::npos);
  }

  TEST_CASE("token text is checked wherever it comes from, and never repeated") {
    const std::string secret = fresh_secret();
    EtlHarness h(3);
    SUBCASE("token_file") {
      for (const BadToken& bad : bad_tokens(secret)) {
        CAPTURE(bad.name);
        const auto file = write_token_file(h, bad.text);
        const auto r = h.etl({"run"}, {{"AMLYZE_TEST_TOKEN", ""}});
        check_refused(h, r, "amlyze.token_file " + file.string(), bad.reason);
        CHECK(leaked(visible(h, r), secret) == "");
      }
    }
    SUBCASE("systemd credential") {
      for (const BadToken& bad : bad_tokens(secret)) {
        CAPTURE(bad.name);
        etl::test::write_text(h.dir() / "credentials" / "amlyze-token", bad.text);
        const auto r =
            h.etl({"run"}, {{"AMLYZE_TEST_TOKEN", ""},
                            {"CREDENTIALS_DIRECTORY", (h.dir() / "credentials").string()}});
        check_refused(h, r, "systemd credential amlyze-token", bad.reason);
        CHECK(leaked(visible(h, r), secret) == "");
      }
    }
    SUBCASE("environment variable") {
      for (const BadToken& bad : bad_tokens(secret)) {
        CAPTURE(bad.name);
        const auto r = h.etl({"validate"}, {{"AMLYZE_TEST_TOKEN", bad.text}});
        check_refused(h, r, "$AMLYZE_TEST_TOKEN", bad.reason);
        CHECK(leaked(visible(h, r), secret) == "");
      }
    }
  }

  TEST_CASE("checked_token: RFC 6750 b64token after trimming, positions as read") {
    using etl::sync::checked_token;
    const auto error = [](const std::string& text) {
      try {
        checked_token(text, "$T");
      } catch (const etl::ConfigError& e) {
        return std::string(e.what());
      }
      return std::string("(no error)");
    };
    CHECK(checked_token("abc-._~+/XYZ09==", "$T") == "abc-._~+/XYZ09==");
    CHECK(checked_token(" \tabc \t\r\n", "$T") == "abc");
    CHECK(checked_token("abc\n \t", "$T") == "abc");
    CHECK(error("abc\r").find("has a second line") != std::string::npos);
    CHECK(error("abc\n\n").find("has a second line") != std::string::npos);
    CHECK(error("\t ab=c").find("at position 5") != std::string::npos);
    CHECK(error("==").find("at position 1") != std::string::npos);
    CHECK(error("ab\"c").find("at position 3") != std::string::npos);
    CHECK(error("\r\n").find("$T is empty") != std::string::npos);
  }

  TEST_CASE("surrounding spaces, tabs and one trailing newline (CRLF too) are trimmed") {
    EtlHarness h(10);
    SUBCASE("token_file") {
      write_token_file(h, "\t " + h.token() + " \t\r\n");
      const auto r = h.etl({"run"}, {{"AMLYZE_TEST_TOKEN", ""}});
      INFO(r.err);
      CHECK(r.exit_code == 0);
    }
    SUBCASE("environment variable") {
      const auto r = h.etl({"run"}, {{"AMLYZE_TEST_TOKEN", "\t" + h.token() + "\n"}});
      INFO(r.err);
      CHECK(r.exit_code == 0);
    }
    CHECK(h.sandbox().customer_count() == 10);
  }

  TEST_CASE("a refused token names where it came from") {
    EtlHarness h(10);
    const std::string wrong = fresh_secret();
    SUBCASE("token_file") {
      const auto file = write_token_file(h, wrong + "\n");
      const auto r = h.etl({"run"}, {{"AMLYZE_TEST_TOKEN", ""}});
      CHECK(r.exit_code == 1);
      CHECK(r.err.find("AMLYZE refused the bearer token") != std::string::npos);
      CHECK(r.err.find("amlyze.token_file " + file.string()) != std::string::npos);
      CHECK(r.err.find("AMLYZE_TEST_TOKEN") == std::string::npos);
      CHECK(leaked(visible(h, r), wrong) == "");
    }
    SUBCASE("systemd credential") {
      etl::test::write_text(h.dir() / "credentials" / "amlyze-token", wrong);
      const auto r =
          h.etl({"run"}, {{"AMLYZE_TEST_TOKEN", ""},
                          {"CREDENTIALS_DIRECTORY", (h.dir() / "credentials").string()}});
      CHECK(r.exit_code == 1);
      CHECK(r.err.find("systemd credential amlyze-token") != std::string::npos);
      CHECK(leaked(visible(h, r), wrong) == "");
    }
    SUBCASE("environment variable") {
      const auto r = h.etl({"run"}, {{"AMLYZE_TEST_TOKEN", wrong}});
      CHECK(r.exit_code == 1);
      CHECK(r.err.find("$AMLYZE_TEST_TOKEN") != std::string::npos);
      CHECK(leaked(visible(h, r), wrong) == "");
    }
  }

  TEST_CASE("a password in source.conninfo is refused however it is written") {
    const std::string secret = "Zq9secretPw";
    EtlHarness h(5);
    const std::vector<std::string> conninfos = {
        "host=db user=etl password=" + secret, "host=db user=etl password = '" + secret + "'",
        "host=db PASSWORD=" + secret,  // libpq refuses the unknown keyword: still not repeated
        "postgresql://u@h/db?pass%77ord=" + secret, "postgresql://u:" + secret + "@h/db",
        "postgres://u:" + secret + "@h:5432,h2:5433/db?sslmode=require",
        "host=db sslpassword=" + secret,
        "postgresql://u:" + secret + "%zz@h/db",  // not parseable: libpq would quote it
        // A quote inside the quoted token: masking quote pairs would show what follows it.
        "postgresql://u:ab\"" + secret + "%zz@h/db",
        "postgresql://u@h/db?password=ab\"" + secret + "%zz",
        "host=db password='" + secret};  // unterminated quote
    for (const std::string& conninfo : conninfos) {
      CAPTURE(conninfo);
      h.config()["source"]["conninfo"] = conninfo;
      const auto r = h.etl({"run"});
      check_refused(h, r, "etl.jsonc:", "source.conninfo");
      CHECK(leaked(visible(h, r), secret) == "");
    }
  }

  TEST_CASE("a conninfo password is refused with the way to give it instead") {
    const std::string e =
        config_error(R"({"source": {"conninfo": "postgresql://u@h/db?pass%77ord=Zq9secretPw"}})");
    CHECK(e.rfind("/etc/amlyze/etl.jsonc:1: source.conninfo: ", 0) == 0);
    CHECK(e.find("PGPASSFILE") != std::string::npos);
    CHECK(e.find("PGPASSWORD") != std::string::npos);
    CHECK(e.find("Zq9secretPw") == std::string::npos);
    CHECK(config_error(R"({"source": {"conninfo": "host=db password="}})") == "(no error)");
    CHECK(config_error(
              R"({"source": {"conninfo": "postgresql://etl@db/bank?sslmode=verify-full"}})") ==
          "(no error)");
  }

  TEST_CASE("amlyze.base_url must be a plain http(s) URL without credentials") {
    const std::string secret = "Zq9secretPw";
    EtlHarness h(5);
    const std::string host = "127.0.0.1:" + std::to_string(h.sandbox().port());
    const std::vector<std::string> urls = {
        "http://etl:" + secret + "@" + host,
        "http://" + secret + "@" + host,
        "http://" + host + "/api v1",
        "http://" + host + "/api\tv1",
        "http://" + host + "\n",
        " http://" + host,
        "htp://" + host,
        "http://",
        "http:///api",
        "http://:8089/api",
        "http://" + host + "/?token=" + secret,
        "http://" + host + "/#" + secret,
        "http://etl:" + secret + "@" + host + "/a b",  // two faults: still nothing repeated
        "127.0.0.1:8089"};
    for (const std::string& url : urls) {
      CAPTURE(url);
      h.config()["amlyze"]["base_url"] = url;
      const auto r = h.etl({"run"});
      check_refused(h, r, "etl.jsonc:", "amlyze.base_url");
      CHECK(leaked(visible(h, r), secret) == "");
    }
  }

  TEST_CASE("credentials in base_url: every command stops before it sends or opens the ledger") {
    EtlHarness h(5);
    h.config()["amlyze"]["base_url"] =
        "https://etl:Zq9secretPw@127.0.0.1:" + std::to_string(h.sandbox().port()) + "/amlyze";
    for (const std::string command : {"run", "retry", "validate", "status"}) {
      CAPTURE(command);
      const auto r = h.etl({command});
      check_refused(h, r, "amlyze.base_url", "user:password@");
      CHECK(r.err.find("https://127.0.0.1:" + std::to_string(h.sandbox().port()) + "/amlyze") !=
            std::string::npos);  // the URL as it should be written
      CHECK(leaked(visible(h, r), "Zq9secretPw") == "");
    }
    CHECK(!std::filesystem::exists(h.ledger_path()));
  }

  TEST_CASE("amlyze.ca_file must exist, be readable and hold a PEM certificate") {
    EtlHarness h(5);
    const auto ca = h.dir() / "config" / "ca.pem";
    h.config()["amlyze"]["ca_file"] = "ca.pem";
    SUBCASE("missing") {
      const auto r = h.etl({"run"});
      check_refused(h, r, ca.string(), "amlyze.ca_file");
    }
    SUBCASE("not PEM") {
      etl::test::write_text(ca, "this is not a certificate\n");
      const auto r = h.etl({"validate"});
      check_refused(h, r, ca.string(), "no PEM certificate");
    }
    SUBCASE("a folder") {
      std::filesystem::create_directories(ca);
      const auto r = h.etl({"status"});
      check_refused(h, r, ca.string(), "amlyze.ca_file");
    }
    SUBCASE("a certificate: the config loads (plain http ignores it)") {
      etl::test::write_text(ca, "# test CA\n" + self_signed_pem());
      const auto r = h.etl({"run"});
      INFO(r.err);
      CHECK(r.exit_code == 0);
      CHECK(h.sandbox().customer_count() == 5);
    }
  }
}
