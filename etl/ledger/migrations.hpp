// Forward-only ledger migrations, compiled into the binary from migrations/ledger/NNNN_name.sql
// and applied in order at start-up, each in its own transaction.
#pragma once

#include "ledger/sqlite.hpp"

namespace etl::ledger {

// Applies every embedded migration newer than the ledger's version. Throws LedgerError when the
// ledger was written by a newer amlyze-etl (a version this binary does not know).
void migrate(Database& db);

// Whether the database has amlyze-etl's migrations table (every ledger has, from its first run).
bool has_migrations_table(Database& db);

// For readers, which cannot migrate: throws LedgerError unless the ledger's schema is the one
// this binary knows (an older one: the next run upgrades it).
void check_schema(Database& db);

// The highest migration version compiled into this binary.
int latest_migration();

}  // namespace etl::ledger
