#include "ledger/ledger_file.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <system_error>

#include "ledger/migrations.hpp"
#include "ledger/sqlite.hpp"
#include "util/errors.hpp"
#include "util/file_modes.hpp"
#include "util/log.hpp"

namespace etl::ledger {
namespace {

namespace fs = std::filesystem;

// The first 100 bytes of every SQLite database (https://www.sqlite.org/fileformat.html).
constexpr std::size_t kHeaderSize = 100;
constexpr char kMagic[16] = "SQLite format 3";    // with its NUL: 16 bytes
constexpr std::size_t kApplicationIdOffset = 68;  // big-endian

[[noreturn]] void refuse(const fs::path& path, const std::string& found) {
  throw ConfigError(path.string() + " is not an amlyze-etl ledger (" + found +
                    "); nothing was changed. Fix ledger.path in the config");
}

std::int32_t application_id(const unsigned char* header) {
  const unsigned char* p = header + kApplicationIdOffset;
  return static_cast<std::int32_t>((std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                                   (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]});
}

// Read-only, so a file that turns out to be someone else's is not touched.
bool migrations_table_in(const fs::path& path) {
  try {
    Database db(path.string(), OpenMode::kReadOnly);
    return has_migrations_table(db);
  } catch (const LedgerError& e) {
    refuse(path, std::string("SQLite cannot read it: ") + e.what());
  }
}

}  // namespace

LedgerFile inspect_ledger_file(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) return LedgerFile::kNone;
  if (ec) throw LedgerError(path.string() + ": cannot look at the ledger: " + ec.message());
  if (status.type() == fs::file_type::directory) refuse(path, "it is a folder");
  if (status.type() != fs::file_type::regular) refuse(path, "it is not a regular file");

  unsigned char header[kHeaderSize] = {};
  std::ifstream in(path, std::ios::binary);
  if (!in) throw LedgerError(path.string() + ": cannot read the ledger: " + std::strerror(errno));
  in.read(reinterpret_cast<char*>(header), kHeaderSize);
  const std::streamsize got = in.gcount();
  if (got == 0) return LedgerFile::kNone;
  if (got < static_cast<std::streamsize>(kHeaderSize) ||
      std::memcmp(header, kMagic, sizeof kMagic) != 0) {
    refuse(path, "not a SQLite database");
  }
  const std::int32_t id = application_id(header);
  if (id == kApplicationId) return LedgerFile::kLedger;
  if (id != 0) {
    char found[96];
    std::snprintf(found, sizeof found,
                  "a SQLite database of another application: application_id %d", id);
    refuse(path, found);
  }
  if (migrations_table_in(path)) return LedgerFile::kUnstamped;
  refuse(path, "a SQLite database without amlyze-etl's tables");
}

void create_ledger_folder(const fs::path& ledger) {
  if (!ledger.has_parent_path()) return;
  std::error_code ec;
  create_folders(ledger.parent_path(), kLedgerFolderMode, ec);
  if (ec) {
    throw LedgerError(ledger.parent_path().string() +
                      ": cannot create the ledger's folder: " + ec.message());
  }
}

void create_ledger_file(const fs::path& ledger) {
  std::error_code ec;
  // An empty file someone made is theirs, mode included.
  create_file(ledger, kLedgerFileMode, ec, IfExists::kKeep);
  if (ec) throw LedgerError(ledger.string() + ": cannot create the ledger: " + ec.message());
}

void warn_if_open_to_others(const fs::path& ledger) {
  std::error_code ec;
  const fs::perms file = fs::status(ledger, ec).permissions();
  if (!ec && (file & fs::perms::others_all) != fs::perms::none) {
    log_warn(ledger.string() + ": others can read the ledger (mode " + octal_mode(file) +
             "); chmod 640 " + ledger.string() + " (auditors read it through the group)");
  }
  const fs::path folder = ledger.has_parent_path() ? ledger.parent_path() : fs::path(".");
  const fs::perms dir = fs::status(folder, ec).permissions();
  if (!ec && (dir & fs::perms::others_write) != fs::perms::none &&
      (dir & fs::perms::sticky_bit) == fs::perms::none) {
    log_warn(folder.string() + ": others can write to the ledger's folder (mode " +
             octal_mode(dir) + ") and so replace the ledger; chmod 750 " + folder.string());
  }
}

}  // namespace etl::ledger
