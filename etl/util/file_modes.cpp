#include "util/file_modes.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <vector>

namespace etl {

namespace fs = std::filesystem;

void create_folders(const fs::path& dir, fs::perms mode, std::error_code& ec) {
  ec.clear();
  std::vector<fs::path> missing;
  for (fs::path p = dir; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    if (ec) return;
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  if (ec) return;
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    // Another process may create it meanwhile: then it is theirs and keeps its mode.
    if (!fs::create_directory(*it, ec) || ec) {
      if (ec) return;
      continue;
    }
    fs::permissions(*it, mode, fs::perm_options::replace, ec);
    if (ec) return;
  }
}

void create_file(const fs::path& file, fs::perms mode, std::error_code& ec, IfExists if_exists) {
  ec.clear();
  const auto bits = static_cast<mode_t>(mode);
  const int existing = if_exists == IfExists::kKeep ? O_EXCL : O_TRUNC;
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | existing | O_CLOEXEC, bits);
  if (fd < 0) {
    if (errno != EEXIST || if_exists != IfExists::kKeep) ec.assign(errno, std::generic_category());
    return;
  }
  if (::fchmod(fd, bits) != 0) ec.assign(errno, std::generic_category());
  ::close(fd);
}

std::string octal_mode(fs::perms mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & fs::perms::mask));
  return text;
}

}  // namespace etl
