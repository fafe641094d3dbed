// One run at a time per ledger: an exclusive, non-blocking flock on "<ledger>.lock". The kernel
// releases it when the process dies, so a crashed run never leaves a stale lock behind. Only runs
// take it: status and report read without it and create nothing.
#pragma once

#include <filesystem>

namespace etl::ledger {

class RunLock {
 public:
  // Throws ConfigError when ledger_path holds something that is not a ledger (inspect_ledger_file),
  // BusyError when another process holds the lock, LedgerError when it cannot be created.
  explicit RunLock(const std::filesystem::path& ledger_path);
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();

 private:
  int fd_ = -1;
};

}  // namespace etl::ledger
