// Streams the integrator's extract query out of PostgreSQL through a server-side cursor inside
// one REPEATABLE READ READ ONLY transaction, so memory is bounded by `fetch_size` rows and every
// row comes from one snapshot whose time becomes the next watermark.
#pragma once

#include <pqxx/pqxx>

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/column_plan.hpp"
#include "model/transform.hpp"

namespace etl::source {

class ExtractCursor {
 public:
  // Connects (libpq conninfo; empty: the PG* environment). Throws SourceError.
  explicit ExtractCursor(const std::string& conninfo);
  ExtractCursor(const ExtractCursor&) = delete;
  ExtractCursor& operator=(const ExtractCursor&) = delete;
  ~ExtractCursor();

  // Starts the snapshot and declares the cursor for `sql` with $1 = the window start:
  // `watermark` minus `lookback_seconds`, or '-infinity' without a watermark (first run, --full).
  // Throws ConfigError naming `sql_file` and the line for SQL the server refuses, SourceError for
  // connection trouble.
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
};

}  // namespace etl::source
