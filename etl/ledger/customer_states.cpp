#include "ledger/customer_states.hpp"

#include <algorithm>
#include <vector>

#include "ledger/compact.hpp"
#include "ledger/statements.hpp"

namespace etl::ledger {
namespace {

// A customer_id that no row of customers or submissions uses yet: submissions may name a
// customer whose row a killed run never wrote back.
long long next_customer_id(Database& db) {
  Statement s(db,
              "SELECT max(coalesce((SELECT max(customer_id) FROM customer_state), 0), "
              "coalesce((SELECT max(customer_id) FROM submission_log), 0)) + 1");
  s.step();
  return s.integer(0);
}

}  // namespace

CustomerStates::CustomerStates(Database& db)
    : select_(db,
              "SELECT customer_id, coalesce(entity_type, ''), accepted_hash, accepted_ms, "
              "last_hash, last_error_code, last_changed_at, last_outcome, "
              "coalesce(last_seen_run, 0), attempts FROM customer_state "
              "WHERE customer_ext_id = ?"),
      upsert_(db, kWriteBackCustomerSql),
      next_id_(next_customer_id(db)) {}

CustomerRow* CustomerStates::find(const std::string& ext_id) {
  if (const auto held = rows_.find(ext_id); held != rows_.end()) return &held->second;
  if (absent_.count(ext_id) != 0) return nullptr;
  select_.bind(1, ext_id);
  if (!select_.step()) {
    select_.reset();
    if (absent_.size() >= kFlushEvery) absent_.clear();
    absent_.insert(ext_id);
    return nullptr;
  }
  CustomerRow row;
  row.id = select_.integer(0);
  row.entity_type = select_.text(1);
  row.accepted_hash = read_hash(select_, 2);
  row.accepted_ms = select_.optional_integer(3);
  row.last_hash = read_hash(select_, 4);
  row.last_error_code = select_.optional_text(5);
  row.last_changed_at = select_.optional_text(6);
  row.last_outcome = select_.text(7);
  row.last_seen_run = select_.integer(8);
  row.attempts = select_.integer(9);
  select_.reset();
  return &rows_.emplace(ext_id, std::move(row)).first->second;
}

CustomerRow& CustomerStates::get(const std::string& ext_id, std::optional<long long> id) {
  if (CustomerRow* known = find(ext_id)) return *known;
  absent_.erase(ext_id);
  CustomerRow row;
  row.id = id.value_or(next_id_);
  next_id_ = std::max(next_id_, row.id + 1);
  row.dirty = true;
  return rows_.emplace(ext_id, std::move(row)).first->second;
}

std::size_t CustomerStates::flush(long long now) {
  // In customerExtId order: each index page is visited once, as a merge would.
  std::vector<const std::pair<const std::string, CustomerRow>*> changed;
  changed.reserve(rows_.size());
  for (const auto& entry : rows_) {
    if (entry.second.dirty) changed.push_back(&entry);
  }
  std::sort(changed.begin(), changed.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* entry : changed) {
    const CustomerRow& r = entry->second;
    upsert_.bind(1, r.id).bind(2, entry->first).bind(3, r.entity_type);
    bind_optional_hash(upsert_, 4, r.accepted_hash);
    upsert_.bind_optional(5, r.accepted_ms);
    bind_optional_hash(upsert_, 6, r.last_hash);
    upsert_.bind_optional(7, r.last_error_code);
    upsert_.bind_optional(8, r.last_changed_at).bind(9, r.last_outcome);
    upsert_.bind(10, r.last_seen_run).bind(11, r.attempts).bind(12, now).run();
  }
  rows_.clear();
  absent_.clear();
  return changed.size();
}

void rebuild_customers(Database& db, CustomerStates& states, long long current_run) {
  Statement later(db,
                  "SELECT s.customer_id, s.customer_ext_id, s.payload_hash, "
                  "coalesce(a.outcome, s.outcome), CASE WHEN a.submission_id IS NULL THEN "
                  "s.error_code ELSE a.error_code END, coalesce(a.finished_ms, s.finished_ms) "
                  "FROM submission_log s JOIN runs r USING (run_id) "
                  "LEFT JOIN submission_answer a USING (submission_id) "
                  "WHERE s.submission_id > coalesce((SELECT CAST(value AS INTEGER) FROM "
                  "sync_state WHERE key = 'customers_through'), 0) AND s.run_id <> ?1 AND "
                  "r.command <> 'validate' AND s.customer_ext_id IS NOT NULL AND "
                  "s.outcome <> 'duplicate' ORDER BY s.submission_id");
  later.bind(1, current_run);
  std::vector<std::string> rebuilt;
  while (later.step()) {
    const std::optional<long long> id = later.optional_integer(0);
    const std::string ext_id = later.text(1);
    CustomerRow& row = states.get(ext_id, id);
    const std::string outcome = later.text(3);
    row.last_hash = read_hash(later, 2);
    row.last_outcome = outcome == "unknown" ? "failed" : outcome;
    row.last_error_code = later.optional_text(4);
    if (outcome == "accepted") {
      row.accepted_hash = row.last_hash;
      row.accepted_ms = later.optional_integer(5);
    }
    row.dirty = true;
    rebuilt.push_back(ext_id);
  }
  // Counted, not added up: a submission written back in flight was counted then.
  Statement attempts(db,
                     "SELECT count(*) FROM submission_log s JOIN runs r USING (run_id) WHERE "
                     "s.customer_id = ? AND s.batch_id IS NOT NULL AND r.command <> 'validate'");
  for (const std::string& ext_id : rebuilt) {
    CustomerRow& row = states.get(ext_id);
    attempts.bind(1, row.id);
    attempts.step();
    row.attempts = attempts.integer(0);
    attempts.reset();
  }
}

}  // namespace etl::ledger
