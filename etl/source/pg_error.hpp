// PostgreSQL's errors as the job prints and stores them (stderr, runs.error). The server's text
// can quote row data ("invalid input syntax for type date: \"1985-13-45\"", a DETAIL naming a key
// value, a CONTEXT line holding the input), and the ledger promises no customer data, so every
// PostgreSQL error the job reports goes through describe_pg_error.
#pragma once

#include <exception>
#include <string>

namespace etl::source {

// One report of a PostgreSQL error, safe to print and store:
// - a query error (pqxx::sql_error): "SQLSTATE 22007: <primary message>" plus PostgreSQL's
//   position ("LINE n: ..." and its caret, which quote the integrator's SQL, never data) and
//   HINT. Quoted literals in the message and hint become "…" (mask_quoted, util/text.hpp), except
//   for SQLSTATE class 42 (syntax error or access rule violation: raised while parsing, before any
//   row is read, and the quoted words are the query's own names). The message of a RAISE (class P0)
//   is entirely the function's own text, so it is left out. DETAIL, CONTEXT and QUERY are dropped.
// - a connection error (pqxx::broken_connection and others): libpq's text on one line. It names
//   host, port, user and database, never a password (libpq does not echo PGPASSWORD or the
//   password file, and the config refuses a password in the conninfo).
std::string describe_pg_error(const std::exception& e);

}  // namespace etl::source
