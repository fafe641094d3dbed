// Streams the integrator's extract query out of PostgreSQL through a server-side cursor inside
// one REPEATABLE READ READ ONLY transaction, so memory is bounded by `fetch_size` rows and every
// row comes from one snapshot whose time becomes the next watermark.
#pragma once

#include <future>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "model/column_plan.hpp"
#include "model/transform.hpp"
#include "source/open_transactions.hpp"

namespace etl::source {

class ExtractCursor {
 public:
  // Connects (libpq conninfo; empty: the PG* environment) and switches the connection to UTF-8
  // whatever PGCLIENTENCODING or the conninfo asked. `idle_warn_seconds`: sessions idle in a
  // transaction for longer are listed in open_transactions(). Throws SourceError.
  ExtractCursor(const std::string& conninfo, int idle_warn_seconds);
  ExtractCursor(const ExtractCursor&) = delete;
  ExtractCursor& operator=(const ExtractCursor&) = delete;
  ~ExtractCursor();

  // Reads the other sessions' open transactions, then starts the snapshot and declares the
  // cursor for `sql` with $1 = the window start: `watermark` minus `lookback_seconds`, or
  // '-infinity' without a watermark (first run, --full).
  // Throws ConfigError naming `sql_file` for SQL the server refuses (with the line) and for a
  // query whose only parameter is not $1, SourceError for connection trouble.
  // With `only_ext_ids`, the query reads everything ($1 = '-infinity') but keeps only those
  // customers: the filter is applied outside the integrator's query and PostgreSQL pushes it
  // down to the customer table.
  void open(const std::string& sql, const std::string& sql_file,
            const std::optional<std::string>& watermark, int lookback_seconds,
            const std::vector<std::string>* only_ext_ids = nullptr);

  // $1 as passed to the query.
  const std::string& window_start() const { return window_start_; }
  // PostgreSQL's estimate of the rows the query returns (for the progress ETA), if it gave one.
  std::optional<long long> estimated_rows() const { return estimated_rows_; }

  // The snapshot time of the extract transaction (UTC, PostgreSQL text form).
  const std::string& snapshot_time() const { return snapshot_time_; }
  // The other sessions' transactions open just before the snapshot (not read for only_ext_ids).
  const OpenTransactions& open_transactions() const { return open_transactions_; }
  // The client encoding the environment or the conninfo asked for, when it was not UTF8.
  const std::optional<std::string>& overridden_encoding() const { return overridden_encoding_; }

  // Column names and kinds; valid after the first fetch().
  const std::vector<model::SourceColumn>& columns() const { return columns_; }

  // Fetches up to `count` rows into the internal buffer; false when the cursor is exhausted.
  // The next `count` rows are then already being fetched on a background thread, so PostgreSQL
  // builds them while the caller transforms and sends these.
  bool fetch(int count);
  std::size_t rows() const { return result_.size(); }
  // Row `i` of the last fetch as nullable text values (views into the buffer).
  void row(std::size_t i, model::RowValues& out) const;

  // Ends the read-only transaction (nothing to commit; releases the snapshot).
  void close();

 private:
  void use_utf8_and_utc();
  void read_open_transactions();
  void check_parameters(const std::string& sql);
  void describe_columns();
  void estimate(const std::string& sql);
  pqxx::result fetch_now(int count);
  void wait_for_prefetch() noexcept;

  std::unique_ptr<pqxx::connection> connection_;
  std::unique_ptr<pqxx::work> transaction_;
  pqxx::result result_;
  std::future<pqxx::result> next_;  // the prefetch; the connection is its own while pending
  std::vector<model::SourceColumn> columns_;
  std::string snapshot_time_;
  std::string window_start_;
  std::optional<long long> estimated_rows_;
  std::string sql_file_;
  int idle_warn_seconds_ = 0;
  OpenTransactions open_transactions_;
  std::optional<std::string> overridden_encoding_;
};

}  // namespace etl::source
