#include "source/pg_error.hpp"

#include <pqxx/pqxx>
#include <string_view>
#include <vector>

#include "util/text.hpp"

namespace etl::source {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    lines.push_back(text.substr(at, end == std::string::npos ? std::string::npos : end - at));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// libpq labels each field after the primary message; "LINE n:" starts the position.
bool is_field_label(std::string_view line) {
  for (std::string_view label :
       {"DETAIL:  ", "HINT:  ", "CONTEXT:  ", "QUERY:  ", "LOCATION:  ", "STATEMENT:  ", "LINE "}) {
    if (starts_with(line, label)) return true;
  }
  return false;
}

bool is_caret(std::string_view line) {
  const auto caret = line.find_first_not_of(' ');
  return caret != std::string_view::npos && line[caret] == '^' && caret + 1 == line.size();
}

std::string strip_severity(std::string line) {
  for (std::string_view severity : {"ERROR:  ", "FATAL:  ", "PANIC:  "}) {
    if (starts_with(line, severity)) return line.substr(severity.size());
  }
  return line;
}

std::string describe_sql_error(const pqxx::sql_error& e) {
  const std::string& state = e.sqlstate();
  const bool parse_time = starts_with(state, "42");
  const std::vector<std::string> lines = split_lines(e.what());
  // The primary message runs to the first labelled line: a quoted value may hold a newline.
  std::string primary;
  std::size_t i = 0;
  for (; i < lines.size() && !is_field_label(lines[i]); ++i) {
    primary += (i == 0 ? "" : " ") + lines[i];
  }
  primary = strip_severity(primary);
  if (starts_with(state, "P0")) {
    primary =
        "(a function in the query raised an error; its message is not shown, as it may "
        "hold customer data)";
  } else if (!parse_time) {
    primary = mask_quoted(primary);
  }
  std::string out = "SQLSTATE " + (state.empty() ? std::string("unknown") : state) + ": " + primary;
  for (; i < lines.size(); ++i) {
    // The position quotes the statement the job sent, which holds no data (values are parameters).
    if (starts_with(lines[i], "LINE ") && i + 1 < lines.size() && is_caret(lines[i + 1])) {
      out += "\n" + lines[i] + "\n" + lines[i + 1];
      ++i;
    } else if (starts_with(lines[i], "HINT:  ")) {
      out += "\n" + (parse_time ? lines[i] : mask_quoted(lines[i]));
    }
    // DETAIL, CONTEXT, QUERY and their continuation lines are dropped: they quote values.
  }
  return out;
}

// libpq's connection messages continue on tab-indented lines: one line for the operator.
std::string describe_connection_error(const std::exception& e) {
  std::string out;
  for (std::string line : split_lines(e.what())) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    line = line.substr(start);
    if (starts_with(line, "DETAIL:  ") || starts_with(line, "CONTEXT:  ")) continue;
    out += (out.empty() ? "" : " ") + line;
  }
  return out;
}

}  // namespace

std::string describe_pg_error(const std::exception& e) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) return describe_sql_error(*sql);
  return describe_connection_error(e);
}

}  // namespace etl::source
