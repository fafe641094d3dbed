// Where planned customers go: AMLYZE over HTTP (BatchSender) or files for --dry-run
// (DryRunWriter). Both batch by `batch_size`. What they keep in memory: DryRunWriter one batch at
// most. BatchSender up to 2 x batch_size customers waiting for a batch (its queue_limit: add()
// blocks there), plus the batches in flight (up to amlyze.max_in_flight) and their follow-ups
// (retries, split halves, C004 resends); while hold() is on, everything add() gets (the run holds
// the first fetched chunk, at most source.fetch_size rows).
#pragma once

#include <string>

#include "ledger/ledger.hpp"
#include "model/action.hpp"
#include "model/customer.hpp"

namespace etl::sync {

class Sink {
 public:
  virtual ~Sink() = default;
  // Queues a valid customer with its action; may send a full batch.
  virtual void add(model::Customer customer, model::Action action) = 0;
  // Sends whatever is queued.
  virtual void flush() = 0;
  // While held, add() only queues: the run holds the first rows back until they are all checked,
  // so a mapping error in them stops the run before anything is sent.
  virtual void hold(bool on) { (void)on; }
};

}  // namespace etl::sync
