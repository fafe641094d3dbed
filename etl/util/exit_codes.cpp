#include "util/exit_codes.hpp"

#include "util/errors.hpp"

namespace etl {

int exit_code_for(const std::exception& error) {
  if (dynamic_cast<const UsageError*>(&error) != nullptr) return kExitUsage;
  if (dynamic_cast<const ConfigError*>(&error) != nullptr) return kExitUsage;
  if (dynamic_cast<const BusyError*>(&error) != nullptr) return kExitBusy;
  if (dynamic_cast<const InterruptedError*>(&error) != nullptr) return kExitInterrupted;
  return kExitAborted;
}

}  // namespace etl
