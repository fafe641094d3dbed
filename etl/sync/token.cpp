#include "sync/token.hpp"

#include <sys/stat.h>

#include <cstdlib>

#include "util/errors.hpp"
#include "util/log.hpp"
#include "util/text.hpp"

namespace etl::sync {
namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string from_file(const std::string& path, const char* what) {
  std::string token;
  try {
    token = trimmed(read_file(path));
  } catch (const std::exception& e) {
    throw ConfigError(std::string(what) + ": " + e.what() + "; nothing was sent");
  }
  if (token.empty()) throw ConfigError(path + " (" + what + ") is empty; nothing was sent");
  struct stat info {};
  if (stat(path.c_str(), &info) == 0 && (info.st_mode & S_IROTH) != 0) {
    log_warn(path + " can be read by every user: chmod 600 it (it holds the AMLYZE token)");
  }
  return token;
}

}  // namespace

std::string read_token(const AmlyzeConfig& amlyze) {
  if (!amlyze.token_file.empty()) return from_file(amlyze.token_file.string(), "amlyze.token_file");
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir != nullptr && *dir != '\0') {
    const std::string path = std::string(dir) + "/" + amlyze.token_credential;
    struct stat info {};
    if (stat(path.c_str(), &info) == 0) return from_file(path, "systemd credential");
  }
  const char* token = std::getenv(amlyze.token_env.c_str());
  if (token == nullptr || *token == '\0') {
    throw ConfigError("no AMLYZE token: set amlyze.token_file, pass the systemd credential " +
                      amlyze.token_credential + " (LoadCredential=), or export " +
                      amlyze.token_env + " (amlyze.token_env); nothing was sent");
  }
  return token;
}

}  // namespace etl::sync
