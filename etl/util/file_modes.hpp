// Folders and files created with an exact mode, whatever the process's umask: the umask can only
// take bits away (a umask of 077 would hide the ledger from its auditors), so the mode is set with
// a chmod after creating. What already exists keeps its mode: an operator may have made it
// stricter.
#pragma once

#include <filesystem>
#include <system_error>

namespace etl {

// Creates `dir` and its missing parents, each with exactly `mode`; existing ones are left as they
// are. Sets `ec` on failure.
void create_folders(const std::filesystem::path& dir, std::filesystem::perms mode,
                    std::error_code& ec);

enum class IfExists {
  kTruncate,  // empty it and set `mode`
  kKeep,      // leave it as it is, mode included: it is someone else's
};

// Creates `file` with exactly `mode`; a file already there is handled as `if_exists` says. Sets
// `ec` on failure.
void create_file(const std::filesystem::path& file, std::filesystem::perms mode,
                 std::error_code& ec, IfExists if_exists = IfExists::kTruncate);

// "0640": a mode as chmod takes it, for messages.
std::string octal_mode(std::filesystem::perms mode);

}  // namespace etl
