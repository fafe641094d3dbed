#include "source/extract_cursor.hpp"

#include <nlohmann/json.hpp>

#include "source/pg_error.hpp"
#include "util/errors.hpp"

namespace etl::source {
namespace {

constexpr const char* kCursor = "amlyze_extract";
constexpr const char* kContract = "amlyze_contract";

model::ColumnKind kind_of(pqxx::oid type) {
  switch (type) {
    case 16:
      return model::ColumnKind::kBoolean;
    case 20:
    case 21:
    case 23:
      return model::ColumnKind::kInteger;
    case 700:
    case 701:
    case 1700:
      return model::ColumnKind::kDecimal;
    case 1082:
      return model::ColumnKind::kDate;
    case 1184:
      return model::ColumnKind::kTimestamp;
    case 114:
    case 3802:
      return model::ColumnKind::kJson;
    case 18:
    case 19:
    case 25:
    case 705:
    case 1042:
    case 1043:
      return model::ColumnKind::kText;
    default:
      return model::ColumnKind::kOther;
  }
}

// Drops trailing blanks and semicolons: integrators end statements with ';', DECLARE cannot.
std::string trim_statement(std::string sql) {
  while (!sql.empty() &&
         (std::isspace(static_cast<unsigned char>(sql.back())) || sql.back() == ';')) {
    sql.pop_back();
  }
  return sql;
}

// PostgreSQL's position ("LINE n: ..." and a caret) is kept, prefixed by the file. `after`
// says what became of the run: nothing sent when the query is refused up front; batches may
// have gone out when a row fails at FETCH time.
std::string sql_message(const std::string& sql_file, const pqxx::sql_error& e, const char* after) {
  return sql_file + ": PostgreSQL refused the extract query (" + describe_pg_error(e) +
         ")\nFix the query; " + after;
}

SourceError lost(const std::string& when, const pqxx::broken_connection& e) {
  return SourceError("PostgreSQL connection lost" + when + ": " + describe_pg_error(e));
}

// A PostgreSQL text[] literal: every element double-quoted, backslash and quote escaped.
std::string array_literal(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char ch : values[i]) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  return out + "}";
}

}  // namespace

ExtractCursor::ExtractCursor(const std::string& conninfo, int idle_warn_seconds)
    : idle_warn_seconds_(idle_warn_seconds) {
  try {
    connection_ = std::make_unique<pqxx::connection>(conninfo);
    use_utf8_and_utc();
  } catch (const pqxx::broken_connection& e) {
    throw SourceError("cannot connect to PostgreSQL: " + describe_pg_error(e));
  } catch (const pqxx::sql_error& e) {
    throw SourceError("cannot prepare the PostgreSQL session: " + describe_pg_error(e));
  }
}

// The job reads UTF-8 whatever PGCLIENTENCODING or a client_encoding in the conninfo say: the
// payload is JSON. A SQL_ASCII database is the exception: PostgreSQL never checked its bytes and
// would refuse a whole FETCH for one value that is not UTF-8, so the connection takes them as
// they are (SQL_ASCII) and the transform holds back the customers whose values are not UTF-8.
// Timestamps are compared as text, so they all come in UTC and ISO form.
void ExtractCursor::use_utf8_and_utc() {
  std::string server;
  {
    pqxx::nontransaction show(*connection_, "server_encoding");
    server = show.exec1("SHOW server_encoding")[0].c_str();
  }
  const std::string wanted = server == "SQL_ASCII" ? server : "UTF8";
  const std::string encoding = connection_->get_client_encoding();
  if (encoding != wanted) {
    if (encoding != server) overridden_encoding_ = encoding;  // someone asked for it
    connection_->set_client_encoding(wanted);
  }
  pqxx::nontransaction session(*connection_, "session");
  session.exec0("SET TIME ZONE 'UTC'");
  session.exec0("SET DateStyle = 'ISO, YMD'");
}

// Autocommit, before the extract's transaction begins: a transaction open at the snapshot was
// either open during this read or started after it (see open_transactions.hpp).
void ExtractCursor::read_open_transactions() {
  try {
    pqxx::nontransaction read(*connection_, "open_transactions");
    open_transactions_ = source::read_open_transactions(read, idle_warn_seconds_);
  } catch (const pqxx::broken_connection& e) {
    throw lost("", e);
  } catch (const pqxx::sql_error& e) {
    // A DBA may have revoked pg_stat_activity: the lookback alone protects the run, as for a
    // role without pg_read_all_stats, and the run says so.
    open_transactions_ = OpenTransactions{};
    open_transactions_.unreadable = describe_pg_error(e);
  }
}

ExtractCursor::~ExtractCursor() { wait_for_prefetch(); }

void ExtractCursor::open(const std::string& sql, const std::string& sql_file,
                         const std::optional<std::string>& watermark, int lookback_seconds,
                         const std::vector<std::string>* only_ext_ids) {
  sql_file_ = sql_file;
  if (only_ext_ids == nullptr) read_open_transactions();
  try {
    transaction_ = std::make_unique<pqxx::work>(*connection_, "extract");
    transaction_->exec0("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    // A full read is costly enough to trigger JIT, whose compile time outweighs its gain here.
    transaction_->exec0("SET LOCAL jit = off");
    // The first query takes the snapshot; now() is the transaction's start, just before it.
    snapshot_time_ = transaction_->exec1("SELECT now()::text")[0].c_str();
    window_start_ = "-infinity";
    if (watermark) {
      window_start_ =
          transaction_
              ->exec_params1("SELECT ($1::timestamptz - $2 * interval '1 second')::text",
                             *watermark, lookback_seconds)[0]
              .c_str();
    }
  } catch (const pqxx::broken_connection& e) {
    throw lost("", e);
  }
  try {
    check_parameters(trim_statement(sql));
    // Same line as the query's first line, so PostgreSQL's LINE n matches the file.
    const std::string declare = std::string("DECLARE ") + kCursor + " NO SCROLL CURSOR FOR ";
    if (only_ext_ids == nullptr) {
      estimate(trim_statement(sql));
      transaction_->exec_params(declare + trim_statement(sql), window_start_);
    } else {
      transaction_->exec_params(
          declare + "SELECT * FROM (" + trim_statement(sql) +
              "\n) AS amlyze_selected WHERE \"customerExtId\" = ANY ($2::text[])",
          window_start_, array_literal(*only_ext_ids));
    }
  } catch (const pqxx::broken_connection& e) {
    throw lost("", e);
  } catch (const pqxx::sql_error& e) {
    throw ConfigError(sql_message(sql_file, e, "nothing was sent."));
  }
}

// The contract: $1 and only $1. PostgreSQL itself counts the parameters of the prepared
// statement, so a "$1" inside a string literal or a comment does not count. Preparing only
// parses the query: nothing is planned or run.
void ExtractCursor::check_parameters(const std::string& sql) {
  // Same line as the query's first line, so PostgreSQL's LINE n matches the file.
  transaction_->exec0(std::string("PREPARE ") + kContract + " AS " + sql);
  const auto count = transaction_
                         ->exec_params1(
                             "SELECT cardinality(parameter_types) FROM "
                             "pg_prepared_statements WHERE name = $1",
                             kContract)[0]
                         .as<int>();
  transaction_->exec0(std::string("DEALLOCATE ") + kContract);
  if (count == 0) {
    throw ConfigError(sql_file_ +
                      ": the extract query has no parameter $1, the start of the change window "
                      "(timestamptz): every run would read every customer. Filter on it, e.g. "
                      "WHERE <change time> >= $1::timestamptz. Nothing was sent.");
  }
  if (count > 1) {
    throw ConfigError(sql_file_ + ": the extract query uses parameters $1 to $" +
                      std::to_string(count) +
                      "; the job passes only $1, the start of the change window. Nothing was "
                      "sent.");
  }
}

void ExtractCursor::estimate(const std::string& sql) {
  try {
    pqxx::subtransaction guard(*transaction_, "estimate");
    const pqxx::row plan = guard.exec_params1("EXPLAIN (FORMAT JSON) " + sql, window_start_);
    const auto json = nlohmann::json::parse(plan[0].c_str(), nullptr, false);
    if (json.is_array() && !json.empty()) {
      estimated_rows_ = json[0].at("Plan").at("Plan Rows").get<long long>();
    }
    guard.commit();
  } catch (const std::exception&) {
    // No estimate, no ETA; the extract itself reports real errors.
  }
}

pqxx::result ExtractCursor::fetch_now(int count) {
  try {
    return transaction_->exec(std::string("FETCH FORWARD ") + std::to_string(count) + " FROM " +
                              kCursor);
  } catch (const pqxx::broken_connection& e) {
    throw lost(" during the extract", e);
  } catch (const pqxx::sql_error& e) {
    // Errors at execution time (a cast that fails on some row, a division by zero) land here.
    throw SourceError(
        sql_message(sql_file_, e, "what was sent before is in the ledger, the next run resumes."));
  }
}

bool ExtractCursor::fetch(int count) {
  result_ = next_.valid() ? next_.get() : fetch_now(count);
  if (columns_.empty()) describe_columns();
  if (!result_.empty()) {
    next_ = std::async(std::launch::async, [this, count] { return fetch_now(count); });
  }
  return !result_.empty();
}

void ExtractCursor::wait_for_prefetch() noexcept {
  if (!next_.valid()) return;
  try {
    next_.get();
  } catch (const std::exception&) {
    // the run is ending anyway; its own error is the one reported
  }
}

void ExtractCursor::describe_columns() {
  for (pqxx::row::size_type i = 0; i < result_.columns(); ++i) {
    const pqxx::oid type = result_.column_type(i);
    std::string type_name = "oid " + std::to_string(type);
    try {
      type_name = transaction_->exec_params1("SELECT format_type($1, NULL)", type)[0].c_str();
    } catch (const pqxx::sql_error&) {
      // keep the oid
    }
    columns_.push_back({result_.column_name(i), kind_of(type), type_name});
  }
}

void ExtractCursor::row(std::size_t i, model::RowValues& out) const {
  const pqxx::row r = result_[static_cast<pqxx::result::size_type>(i)];
  out.resize(r.size());
  for (pqxx::row::size_type c = 0; c < r.size(); ++c) {
    const pqxx::field f = r[c];
    if (f.is_null()) {
      out[c].reset();
    } else {
      out[c] = std::string_view(f.c_str(), f.size());
    }
  }
}

void ExtractCursor::close() {
  wait_for_prefetch();
  if (transaction_) {
    try {
      transaction_->abort();
    } catch (const std::exception&) {
      // the connection may already be gone; nothing was written
    }
    transaction_.reset();
  }
}

}  // namespace etl::source
