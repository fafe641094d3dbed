#include "sync/token.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "util/errors.hpp"
#include "util/log.hpp"
#include "util/text.hpp"

namespace etl::sync {
namespace {

constexpr std::string_view kBlank = " \t";

bool is_token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

[[noreturn]] void refuse(const std::string& source, const std::string& what) {
  // The message must never carry the token: a wrong one is often a real one of another system.
  throw ConfigError("the AMLYZE token from " + source + " " + what + "; nothing was sent");
}

// 1-based position in the text as read of the first character a b64token cannot hold (RFC 6750
// §2.1: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="), or 0 when it is one.
std::size_t first_bad_char(std::string_view token, std::size_t offset) {
  std::size_t i = 0;
  while (i < token.size() && is_token_char(token[i])) ++i;
  if (i == 0) return offset + 1;
  const std::size_t padding = i;
  while (i < token.size() && token[i] == '=') ++i;
  if (i == token.size()) return 0;
  return offset + (i > padding ? padding : i) + 1;  // '=' before other characters is the fault
}

std::string from_file(const std::string& path, const std::string& source) {
  std::string text;
  try {
    text = read_file(path);
  } catch (const std::exception& e) {
    throw ConfigError(source + ": " + e.what() + "; nothing was sent");
  }
  std::string token = checked_token(text, source);
  struct stat info {};
  if (stat(path.c_str(), &info) == 0 && (info.st_mode & S_IROTH) != 0) {
    log_warn(path + " can be read by every user: chmod 600 it (it holds the AMLYZE token)");
  }
  return token;
}

}  // namespace

std::string checked_token(const std::string& text, const std::string& source) {
  std::string_view token = text;
  while (!token.empty() && kBlank.find(token.back()) != std::string_view::npos) {
    token.remove_suffix(1);
  }
  if (!token.empty() && token.back() == '\n') {
    token.remove_suffix(1);
    if (!token.empty() && token.back() == '\r') token.remove_suffix(1);
  }
  const std::size_t lead = std::min(token.find_first_not_of(kBlank), token.size());
  token.remove_prefix(lead);
  while (!token.empty() && kBlank.find(token.back()) != std::string_view::npos) {
    token.remove_suffix(1);
  }
  if (token.empty()) refuse(source, "is empty");
  // A second line would go on the wire as an extra HTTP header.
  if (token.find_first_of("\r\n") != std::string_view::npos) {
    refuse(source, "has a second line (a token is one line)");
  }
  if (const std::size_t bad = first_bad_char(token, lead); bad != 0) {
    refuse(source, "contains a character bearer tokens cannot hold at position " +
                       std::to_string(bad) +
                       " (allowed: letters, digits, - . _ ~ + / and trailing =)");
  }
  return std::string(token);
}

Token read_token(const AmlyzeConfig& amlyze) {
  if (!amlyze.token_file.empty()) {
    const std::string path = amlyze.token_file.string();
    const std::string source = "amlyze.token_file " + path;
    return {from_file(path, source), source};
  }
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir != nullptr && *dir != '\0') {
    const std::string path = std::string(dir) + "/" + amlyze.token_credential;
    struct stat info {};
    if (stat(path.c_str(), &info) == 0) {
      const std::string source = "systemd credential " + amlyze.token_credential;
      return {from_file(path, source), source};
    }
  }
  const char* token = std::getenv(amlyze.token_env.c_str());
  if (token == nullptr || *token == '\0') {
    throw ConfigError("no AMLYZE token: set amlyze.token_file, pass the systemd credential " +
                      amlyze.token_credential + " (LoadCredential=), or export " +
                      amlyze.token_env + " (amlyze.token_env); nothing was sent");
  }
  const std::string source = "$" + amlyze.token_env;
  return {checked_token(token, source), source};
}

}  // namespace etl::sync
