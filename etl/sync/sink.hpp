// Where planned customers go: AMLYZE over HTTP (BatchSender) or files for --dry-run
// (DryRunWriter). Both batch by `batch_size` and keep at most one batch in memory.
#pragma once

#include <string>

#include "ledger/ledger.hpp"
#include "model/customer.hpp"

namespace etl::sync {

class Sink {
 public:
  virtual ~Sink() = default;
  // Queues a valid customer with its action (CREATE | UPDATE); may send a full batch.
  virtual void add(model::Customer customer, const std::string& action) = 0;
  // Sends whatever is queued.
  virtual void flush() = 0;
  // While held, add() only queues: the run holds the first rows back until they are all checked,
  // so a mapping error in them stops the run before anything is sent.
  virtual void hold(bool on) { (void)on; }
};

}  // namespace etl::sync
