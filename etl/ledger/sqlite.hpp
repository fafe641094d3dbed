// A small RAII wrapper over the SQLite C API: prepare once, bind/step/reset in loops, every return
// code checked and turned into a LedgerError that names the ledger file and the statement.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etl::ledger {

// PRAGMA application_id of every ledger (bytes 68-71 of the file): "AMLz" in ASCII. It tells a
// ledger from any other SQLite file (`file` prints it too).
constexpr std::int32_t kApplicationId = 0x414D4C7A;

enum class OpenMode {
  kNew,        // an empty file the job has just created: stamped with kApplicationId, then WAL
  kReadWrite,  // an existing file: WAL, FULL sync, foreign keys
  kReadOnly,   // an existing file, never written and nothing created beside it (see the .cpp)
};

class Database {
 public:
  // Opens an existing file (it never creates one: see ledger_file.hpp) with a busy timeout.
  // kNew and kReadWrite write to the file at once (WAL mode): check first what it is.
  explicit Database(const std::string& path, OpenMode mode = OpenMode::kReadWrite);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more statements without results.
  void exec(const std::string& sql);
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  long long last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
  [[noreturn]] void fail(const std::string& what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Statement {
 public:
  Statement(Database& db, const std::string& sql);
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binders are 1-based like SQLite; they return *this for chaining.
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, long long value);
  Statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  // NULL for nullopt.
  Statement& bind_optional(int index, const std::optional<std::string>& value);
  Statement& bind_optional(int index, const std::optional<int>& value);
  Statement& bind_optional(int index, const std::optional<long long>& value);
  Statement& bind_null(int index);
  Statement& bind_blob(int index, const void* data, std::size_t size);
  // Binds a named parameter (":run_id") if the statement has it.
  Statement& bind_named(const std::string& name, const std::string& value);

  // Steps once; true when a row is available.
  bool step();
  // Steps until done (for statements without results), then resets.
  void run();
  void reset();

  bool is_null(int column) const;
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  long long integer(int column) const;
  std::optional<long long> optional_integer(int column) const;
  bool is_blob(int column) const;
  // The column's bytes as a BLOB (valid until the next step or reset).
  std::string_view blob(int column) const;
  std::vector<std::string> column_names() const;

 private:
  Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back if destroyed without commit().
class Transaction {
 public:
  explicit Transaction(Database& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool open_ = true;
};

}  // namespace etl::ledger
