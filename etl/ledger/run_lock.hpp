// One run at a time per ledger: an exclusive, non-blocking flock on "<ledger>.lock". The kernel
// releases it when the process dies, so a crashed run never leaves a stale lock behind.
#pragma once

#include <filesystem>

namespace etl::ledger {

class RunLock {
 public:
  // Throws BusyError when another process holds the lock, LedgerError when it cannot be created.
  explicit RunLock(const std::filesystem::path& ledger_path);
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();

 private:
  int fd_ = -1;
};

}  // namespace etl::ledger
