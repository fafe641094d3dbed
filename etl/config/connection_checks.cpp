#include "config/connection_checks.hpp"

#include <curl/curl.h>
#include <libpq-fe.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

#include "util/text.hpp"

namespace etl {
namespace {

// A libcurl URL handle (CURLU), parsed once.
class ParsedUrl {
 public:
  ParsedUrl() : handle_(curl_url()) {}
  ~ParsedUrl() { curl_url_cleanup(handle_); }
  ParsedUrl(const ParsedUrl&) = delete;
  ParsedUrl& operator=(const ParsedUrl&) = delete;

  CURLUcode parse(const std::string& url) {
    return handle_ == nullptr ? CURLUE_OUT_OF_MEMORY
                              : curl_url_set(handle_, CURLUPART_URL, url.c_str(), 0);
  }
  // The part, or nothing when the URL has none.
  std::optional<std::string> get(CURLUPart part) const {
    char* value = nullptr;
    if (curl_url_get(handle_, part, &value, 0) != CURLUE_OK || value == nullptr) return {};
    std::string out(value);
    curl_free(value);
    return out;
  }
  void clear(CURLUPart part) { curl_url_set(handle_, part, nullptr, 0); }

 private:
  CURLU* handle_;
};

std::string character_name(unsigned char c) {
  if (c == ' ') return "a space";
  if (c == '\t') return "a tab";
  if (c == '\n' || c == '\r') return "a line break";
  return "a control character";
}

// Whitespace and control characters anywhere: curl would drop or encode some of them, so the
// URL used would not be the URL written.
std::string blank_problem(const std::string& url) {
  for (std::size_t i = 0; i < url.size(); ++i) {
    const auto c = static_cast<unsigned char>(url[i]);
    if (c <= 0x20 || c == 0x7f) {
      return "contains " + character_name(c) + " at position " + std::to_string(i + 1) +
             "; a URL has none (write a space in a path as %20)";
    }
  }
  return "";
}

// The URL with user, password, options, query and fragment cut out: safe to print.
std::string printable(ParsedUrl& url) {
  for (const CURLUPart part : {CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS,
                               CURLUPART_QUERY, CURLUPART_FRAGMENT}) {
    url.clear(part);
  }
  return url.get(CURLUPART_URL).value_or("");
}

}  // namespace

std::string conninfo_problem(const std::string& conninfo) {
  char* error = nullptr;
  const std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(conninfo.c_str(), &error), &PQconninfoFree);
  if (!options) {
    // libpq quotes the text it stumbled on, which may be the password
    // (`invalid percent-encoded token: "s3cr%zz"`).
    std::string why = error == nullptr ? "out of memory" : mask_quoted(error);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    PQfreemem(error);
    return "libpq cannot parse it (" + why + "); see \"Connection Strings\" in the libpq manual";
  }
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0') continue;
    // A password in the config would sit in a file that is copied around and committed.
    if (std::strcmp(o->keyword, "password") == 0) {
      return "contains a password; remove it and give it in ~/.pgpass (or the file PGPASSFILE "
             "names) or in PGPASSWORD instead";
    }
    if (std::strcmp(o->keyword, "sslpassword") == 0) {
      return "contains sslpassword (the client key's passphrase); remove it and keep the key "
             "(sslkey) unencrypted, readable by the service user only";
    }
  }
  return "";
}

std::string base_url_problem(const std::string& url) {
  if (const std::string blank = blank_problem(url); !blank.empty()) return blank;
  constexpr const char* kScheme = "must start with https:// (or http:// for a local sandbox)";
  ParsedUrl parsed;
  const CURLUcode rc = parsed.parse(url);
  if (rc == CURLUE_UNSUPPORTED_SCHEME || rc == CURLUE_BAD_SCHEME) return kScheme;
  if (rc == CURLUE_NO_HOST) return "has no host";
  if (rc != CURLUE_OK) {
    return std::string("is not a well-formed URL (") + curl_url_strerror(rc) + ")";
  }
  const std::string scheme = parsed.get(CURLUPART_SCHEME).value_or("");
  if (scheme != "http" && scheme != "https") return kScheme;
  // libcurl reads "http:///api" as the host "api"; that is a typo, not a host.
  const auto authority = url.find("://");
  if (authority == std::string::npos || url.compare(authority + 3, 1, "/") == 0 ||
      parsed.get(CURLUPART_HOST).value_or("").empty()) {
    return "has no host";
  }
  if (parsed.get(CURLUPART_USER) || parsed.get(CURLUPART_PASSWORD) ||
      parsed.get(CURLUPART_OPTIONS)) {
    return "must not hold credentials (user:password@): AMLYZE takes the bearer token only "
           "(amlyze.token_file, the systemd credential or amlyze.token_env); write it as " +
           printable(parsed);
  }
  if (parsed.get(CURLUPART_QUERY)) return "must not have a query (?...): give the base URL only";
  if (parsed.get(CURLUPART_FRAGMENT)) return "must not have a fragment (#...)";
  return "";
}

std::string ca_file_problem(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) return path + " does not exist";
  if (!std::filesystem::is_regular_file(status)) return path + " is not a file";
  std::string text;
  try {
    text = read_file(path);
  } catch (const std::exception& e) {
    return e.what();  // names the path and the reason
  }
  const std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), &BIO_free);
  STACK_OF(X509_INFO)* infos =
      bio ? PEM_X509_INFO_read_bio(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  int certificates = 0;
  for (int i = 0; infos != nullptr && i < sk_X509_INFO_num(infos); ++i) {
    if (sk_X509_INFO_value(infos, i)->x509 != nullptr) ++certificates;
  }
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  ERR_clear_error();  // leave OpenSSL's error queue clean for libcurl
  if (certificates == 0) {
    return path + " holds no PEM certificate (-----BEGIN CERTIFICATE-----) OpenSSL can read";
  }
  return "";
}

}  // namespace etl
