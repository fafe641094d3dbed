#include "amlyze/http_client.hpp"

#include <chrono>
#include <cstdlib>
#include <stdexcept>

namespace etl::amlyze {
namespace {

// libcurl's global init is not thread-safe; do it once before the first handle.
struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  const std::string line(data, size * count);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    std::string head = line.substr(0, kName.size());
    for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (head == kName) {
      char* end = nullptr;
      const long seconds = std::strtol(line.c_str() + kName.size(), &end, 10);
      // An HTTP-date instead of seconds is rare; it is ignored and the backoff applies.
      if (end != line.c_str() + kName.size() && seconds >= 0) {
        *static_cast<std::optional<long>*>(user) = seconds;
      }
    }
  }
  return size * count;
}

// Whether another attempt can help. A handshake that breaks off (CURLE_SSL_CONNECT_ERROR) is
// counted as transient: a reset or an overloaded balancer causes it as often as a setup mistake,
// and a lasting one still ends the run with exit 5 and curl's detail in the ledger.
TransportFailure classify(CURLcode rc) {
  switch (rc) {
    case CURLE_OK:
      return TransportFailure::kNone;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportFailure::kTimeout;
    case CURLE_PEER_FAILED_VERIFICATION:  // untrusted CA, expired, host name not in the cert
    case CURLE_SSL_CACERT_BADFILE:        // ca_file missing or not PEM
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
      return TransportFailure::kTls;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_COULDNT_RESOLVE_HOST:  // a typo or a missing DNS entry far more often than an outage
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportFailure::kAddress;
    default:
      return TransportFailure::kTransient;
  }
}

}  // namespace

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)) {
  static CurlGlobal global;
  curl_ = curl_easy_init();
  if (curl_ == nullptr) throw std::runtime_error("libcurl could not create a handle");
}

HttpClient::~HttpClient() { curl_easy_cleanup(curl_); }

HttpResponse HttpClient::post_json(const std::string& url, const std::string& body,
                                   const std::string& bearer_token) {
  HttpResponse response;
  const std::string auth = "Authorization: Bearer " + bearer_token;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Accept: application/json");
  headers = curl_slist_append(headers, auth.c_str());

  curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl_, CURLOPT_POST, 1L);
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &response.retry_after_seconds);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT, options_.timeout_seconds);
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl_, CURLOPT_TCP_KEEPALIVE, 1L);
  // A redirect would resend the token to another host.
  curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 0L);
  if (!options_.ca_file.empty()) curl_easy_setopt(curl_, CURLOPT_CAINFO, options_.ca_file.c_str());
  // curl's detail ("SSL certificate problem: self-signed certificate") says far more than its
  // code's generic text.
  char detail[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, detail);

  const auto start = std::chrono::steady_clock::now();
  const CURLcode rc = curl_easy_perform(curl_);
  response.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
  curl_slist_free_all(headers);
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, nullptr);
  if (rc != CURLE_OK) {
    response.transport_error = detail[0] != '\0' ? detail : curl_easy_strerror(rc);
    response.failure = classify(rc);
    if (response.failure == TransportFailure::kTls) {
      response.transport_error +=
          "; trusted CAs: " +
          (options_.ca_file.empty() ? std::string("the system's bundle") : options_.ca_file);
    }
    response.body.clear();
    return response;
  }
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace etl::amlyze
