// Checks of the connection settings made when the config loads, so that every command stops with
// exit 2 before it connects, sends or opens the ledger: source.conninfo (no password however it is
// written), amlyze.base_url (a plain http(s) URL without credentials) and amlyze.ca_file (a
// readable PEM bundle). Each returns what is wrong as a phrase for "<file>:<line>: <key>: ...", or
// "" when nothing is. The phrases never quote the value: it may hold a password.
#pragma once

#include <string>

namespace etl {

// Parsed by libpq itself (PQconninfoParse), so URI escapes (pass%77ord=), quoting and spacing
// cannot hide a password; a conninfo libpq cannot parse is refused too.
std::string conninfo_problem(const std::string& conninfo);

// Parsed by libcurl's URL API: scheme http or https, a host, no whitespace or control characters,
// no user or password, no query, no fragment.
std::string base_url_problem(const std::string& url);

// The file exists, can be read and holds at least one PEM certificate.
std::string ca_file_problem(const std::string& path);

}  // namespace etl
