// SIGINT/SIGTERM handling for long commands: the handler only sets a flag; the run checks it
// between rows and batches, finishes the batches in flight (up to amlyze.max_in_flight), records
// them and stops (exit 130).
#pragma once

namespace etl {

// Installs the handlers (idempotent).
void install_stop_handlers();
// True once SIGINT or SIGTERM arrived.
bool stop_requested();
// Throws InterruptedError when a stop was requested.
void throw_if_stop_requested();
// Sleeps up to `milliseconds`, returning early when a stop is requested.
void sleep_unless_stopped(long long milliseconds);

}  // namespace etl
