// The rows of `customer_state` (the `customers` view) that a run is changing, held in memory and
// written back in large groups. The table is keyed by customerExtId, in no order the extract
// follows: writing each batch's customers at the batch's commit would rewrite most of that index's
// pages at every commit (6.5 KB written per customer at 200,000 customers). Written in groups of
// kFlushEvery, each page is written once per group.
//
// What the rows say is also in `submissions` (committed with every batch): after a kill,
// Ledger::resolve_abandoned rebuilds the rows a run had not written back from its submissions
// (see sync_state 'customers_through').
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "ledger/sqlite.hpp"

namespace etl::ledger {

// One row of `customer_state` (the `customers` view), as it will be written.
struct CustomerRow {
  long long id = 0;  // customers.customer_id, referenced by submissions.customer_id
  std::string entity_type;
  std::optional<std::string> accepted_hash, last_hash, last_error_code, last_changed_at;
  std::optional<long long> accepted_ms;  // Unix milliseconds
  std::string last_outcome = "seen";
  long long last_seen_run = 0;
  long long attempts = 0;
  bool dirty = false;  // changed since read: written at the next flush
};

class CustomerStates {
 public:
  // Rows kept before they are written back: ~250 bytes each, so ~16 MB at most, and the
  // customerExtId index is rewritten once per 65,536 customers, not once per batch.
  static constexpr std::size_t kFlushEvery = 32768;

  explicit CustomerStates(Database& db);

  // The customer's row as the ledger knows it; nullptr when the ledger has never seen it.
  CustomerRow* find(const std::string& ext_id);
  // The customer's row, created with a new customer_id when the ledger has never seen it (or
  // with `id` when a submission already names it: see Ledger::resolve_abandoned).
  CustomerRow& get(const std::string& ext_id, std::optional<long long> id = std::nullopt);
  // True when kFlushEvery rows are held: the caller flushes at its next commit.
  bool full() const { return rows_.size() >= kFlushEvery; }
  // Writes the changed rows (stamped `now`, Unix ms) in the caller's transaction and forgets them
  // all; returns how many it wrote.
  std::size_t flush(long long now);

 private:
  Statement select_;
  Statement upsert_;
  long long next_id_ = 1;
  std::unordered_map<std::string, CustomerRow> rows_;
  // customerExtIds looked up and not in the table since the last flush. A new customer is looked
  // up for its slice's plan (Ledger::customers), then created by its touch: without this, the
  // second lookup searched the index again, once per new customer of a first load. Only a
  // cache: emptied when it reaches kFlushEvery (runs that look up and never create, such as
  // validate) and at every flush.
  std::unordered_set<std::string> absent_;
};

// After a kill: loads into `states` the rows of customers whose submissions came after the last
// write-back (sync_state 'customers_through'), as those submissions say: last hash, outcome
// (`unknown` counts as failed), accepted hash and time, attempts. The caller writes them back.
// Submissions of `current_run` and of `validate` runs are left out.
void rebuild_customers(Database& db, CustomerStates& states, long long current_run);

}  // namespace etl::ledger
