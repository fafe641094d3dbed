// What sits at ledger.path, told from the file's own bytes before SQLite writes anything (opening
// a database in WAL mode rewrites its header), and how the ledger's file and folder are made:
// the file 0640 in a 0750 folder, so auditors read it as members of the service's group.
#pragma once

#include <filesystem>

namespace etl::ledger {

constexpr auto kLedgerFileMode = std::filesystem::perms(0640);
constexpr auto kLedgerFolderMode = std::filesystem::perms(0750);

enum class LedgerFile {
  kNone,       // no file, or an empty one: a run makes the ledger there
  kLedger,     // a ledger: its application_id is kApplicationId
  kUnstamped,  // no application_id but amlyze-etl's schema_migrations: made by an earlier version
};

// Throws ConfigError naming the path when it holds anything else (another application's SQLite
// file, a file that is not SQLite, a folder), having written nothing to it or beside it.
LedgerFile inspect_ledger_file(const std::filesystem::path& path);

// Creates the ledger's missing folders, 0750. Throws LedgerError.
void create_ledger_folder(const std::filesystem::path& ledger);

// Creates the ledger file, empty and 0640, unless a file is there already. Throws LedgerError.
void create_ledger_file(const std::filesystem::path& ledger);

// Warns when others (neither the owner nor the group) can read the ledger or replace it.
void warn_if_open_to_others(const std::filesystem::path& ledger);

}  // namespace etl::ledger
