// HTTP POST of JSON over libcurl, one easy handle reused so the connection is kept alive.
// TLS peers are always verified. The bearer token goes into one header and nowhere else.
#pragma once

#include <curl/curl.h>

#include <optional>
#include <string>

namespace etl::amlyze {

// Why no HTTP answer came back, as far as what the run does next is concerned.
enum class TransportFailure {
  kNone,       // an answer came back: see status
  kTransient,  // connection refused or reset, a handshake cut off, ...: worth another try
  kTimeout,    // no answer within timeout_seconds: worth another try
  kTls,        // the certificate failed verification, or the CA file or TLS setup is unusable:
               // no retry will fix it, a person must act
  kAddress,    // the URL cannot be used or its host does not resolve: a person must act
};

struct HttpResponse {
  long status = 0;  // 0: no HTTP answer (see transport_error)
  std::string body;
  std::string transport_error;  // curl's error text and detail; empty when an answer came back
  TransportFailure failure = TransportFailure::kNone;
  std::optional<long> retry_after_seconds;
  long long latency_ms = 0;
};

struct HttpOptions {
  long timeout_seconds = 30;
  std::string ca_file;  // empty: the system's CA bundle
};

// What the batch sender needs of HTTP; tests of retry timing swap in a scripted fake.
class HttpPoster {
 public:
  virtual ~HttpPoster() = default;
  // Never throws for HTTP or network trouble: it is in the response.
  virtual HttpResponse post_json(const std::string& url, const std::string& body,
                                 const std::string& bearer_token) = 0;
};

class HttpClient : public HttpPoster {
 public:
  explicit HttpClient(HttpOptions options);
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  ~HttpClient();

  HttpResponse post_json(const std::string& url, const std::string& body,
                         const std::string& bearer_token) override;

 private:
  CURL* curl_ = nullptr;
  HttpOptions options_;
};

}  // namespace etl::amlyze
