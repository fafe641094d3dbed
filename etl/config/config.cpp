#include "config/config.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "config/connection_checks.hpp"
#include "model/field_spec.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

namespace etl {
namespace {

using nlohmann::json;

// Reads one section with a fixed set of keys; every message names the file, line and key.
class SectionReader {
 public:
  SectionReader(const std::string& text, const std::filesystem::path& file, std::string section,
                const json& object)
      : text_(text), file_(file), section_(std::move(section)), object_(object) {}

  void expect_keys(const std::vector<std::string>& allowed) const {
    for (const auto& item : object_.items()) {
      bool known = false;
      for (const auto& key : allowed) known = known || key == item.key();
      if (known) continue;
      const std::string hint = nearest(item.key(), allowed);
      fail(item.key(),
           "unknown key" + (hint.empty() ? std::string(" (allowed: ") + join(allowed) + ")"
                                         : "; did you mean \"" + hint + "\"?"));
    }
  }

  void read(const std::string& key, std::string& out) const {
    if (names_a_path(key) && object_.contains(key) && object_.at(key).is_null()) {
      fail(key,
           "is null, which is not a path: write one in quotes, or remove the key to get "
           "the default");
    }
    if (!present(key)) return;
    if (!object_.at(key).is_string()) fail(key, "must be a string");
    out = object_.at(key).get<std::string>();
  }

  void read(const std::string& key, std::optional<std::string>& out) const {
    if (!object_.contains(key) || object_.at(key).is_null()) return;
    std::string value;
    read(key, value);
    out = value;
  }

  void read(const std::string& key, int& out, int min, int max) const {
    if (!present(key)) return;
    const json& v = object_.at(key);
    if (!v.is_number_integer() || v.get<long long>() < min || v.get<long long>() > max) {
      fail(key,
           "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    }
    out = static_cast<int>(v.get<long long>());
  }

  // Absent or null: left unset.
  void read(const std::string& key, std::optional<int>& out, int min, int max) const {
    if (!present(key)) return;
    int value = 0;
    read(key, value, min, max);
    out = value;
  }

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw ConfigError(file_.string() + ":" + std::to_string(line_of(key)) + ": " + section_ + "." +
                      key + ": " + what);
  }

 private:
  // Where a path belongs, null is a slip (a template's placeholder), not "the default": a run
  // would otherwise write its ledger somewhere nobody looks.
  bool names_a_path(const std::string& key) const {
    static const std::set<std::string> kPathKeys = {"source.extract_sql", "amlyze.token_file",
                                                    "amlyze.ca_file", "ledger.path",
                                                    "metrics.textfile"};
    return kPathKeys.count(section_ + "." + key) > 0;
  }

  bool present(const std::string& key) const {
    return object_.contains(key) && !object_.at(key).is_null();
  }

  // nlohmann/json keeps no positions, so find the quoted key in the text (first occurrence).
  std::size_t line_of(const std::string& key) const {
    const auto at = text_.find("\"" + key + "\"");
    return at == std::string::npos ? 1 : position_of(text_, at).line;
  }

  static std::string join(const std::vector<std::string>& keys) {
    std::string out;
    for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
    return out;
  }

  const std::string& text_;
  const std::filesystem::path& file_;
  std::string section_;
  const json& object_;
};

std::filesystem::path resolve(const std::filesystem::path& file, const std::string& value) {
  std::filesystem::path p(value);
  if (p.is_relative()) p = file.parent_path() / p;
  return p.lexically_normal();
}

json parse_text(const std::string& text, const std::filesystem::path& file) {
  try {
    return json::parse(text, nullptr, true, true);
  } catch (const json::parse_error& e) {
    const TextPosition pos = position_of(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string what = e.what();
    const auto cut = what.find(": ", what.find("parse error"));
    throw ConfigError(file.string() + ":" + std::to_string(pos.line) + ":" +
                      std::to_string(pos.column) + ": not valid JSON (" +
                      (cut == std::string::npos ? what : what.substr(cut + 2)) + ")");
  }
}

const json& section(const json& root, const std::string& name, const std::string& text,
                    const std::filesystem::path& file) {
  static const json kEmpty = json::object();
  if (!root.contains(name)) return kEmpty;
  if (!root.at(name).is_object()) {
    SectionReader(text, file, "config", root).fail(name, "must be an object { ... }");
  }
  return root.at(name);
}

void read_source(const SectionReader& r, const std::filesystem::path& file, SourceConfig& s) {
  r.expect_keys({"conninfo", "extract_sql", "lookback_seconds", "fetch_size",
                 "idle_transaction_warn_seconds"});
  r.read("conninfo", s.conninfo);
  std::string sql = "../sql/extract_customers.sql";
  r.read("extract_sql", sql);
  s.extract_sql = resolve(file, sql);
  r.read("lookback_seconds", s.lookback_seconds, 0, 7 * 24 * 3600);
  r.read("fetch_size", s.fetch_size, 1, 100000);
  r.read("idle_transaction_warn_seconds", s.idle_transaction_warn_seconds, 1, 7 * 24 * 3600);
  if (const std::string problem = conninfo_problem(s.conninfo); !problem.empty()) {
    r.fail("conninfo", problem);
  }
}

void read_amlyze(const SectionReader& r, AmlyzeConfig& a, const std::filesystem::path& file) {
  r.expect_keys({"base_url", "token_env", "token_file", "token_credential", "requester",
                 "business_unit", "batch_size", "timeout_seconds", "max_in_flight", "ca_file",
                 "max_attempts", "retry_initial_ms", "retry_max_ms", "retry_budget_seconds",
                 "max_failed_batches", "resend_grace_seconds"});
  r.read("base_url", a.base_url);
  if (const std::string problem = base_url_problem(a.base_url); !problem.empty()) {
    r.fail("base_url", problem);
  }
  while (!a.base_url.empty() && a.base_url.back() == '/') a.base_url.pop_back();
  r.read("token_env", a.token_env);
  if (a.token_env.empty()) r.fail("token_env", "must name the environment variable with the token");
  std::string token_file;
  r.read("token_file", token_file);
  if (!token_file.empty()) a.token_file = resolve(file, token_file);
  r.read("token_credential", a.token_credential);
  r.read("requester", a.requester);
  if (a.requester.empty() || a.requester.size() > 100) {
    r.fail("requester", "must be 1 to 100 characters (AMLYZE's limit)");
  }
  r.read("business_unit", a.business_unit);
  r.read("batch_size", a.batch_size, 1, 10000);
  r.read("timeout_seconds", a.timeout_seconds, 1, 3600);
  r.read("max_in_flight", a.max_in_flight, 1, 64);
  r.read("max_attempts", a.max_attempts, 1, 100);
  r.read("retry_initial_ms", a.retry_initial_ms, 0, 600000);
  r.read("retry_max_ms", a.retry_max_ms, 0, 3600000);
  r.read("retry_budget_seconds", a.retry_budget_seconds, 0, 86400);
  r.read("max_failed_batches", a.max_failed_batches, 1, 1000);
  r.read("resend_grace_seconds", a.resend_grace_seconds, 0, 3600);
  std::string ca;
  r.read("ca_file", ca);
  if (!ca.empty()) {
    a.ca_file = resolve(file, ca).string();
    // Checked now, not at the first request: a wrong CA bundle is a setting to fix (exit 2),
    // and every command stops before it connects.
    const std::string problem = ca_file_problem(a.ca_file);
    if (!problem.empty()) r.fail("ca_file", problem);
  }
}

std::vector<std::string> classifier_names() {
  std::set<std::string> names;
  std::vector<const model::ObjectSpec*> todo = {&model::customer_spec()};
  while (!todo.empty()) {
    const model::ObjectSpec* spec = todo.back();
    todo.pop_back();
    for (const auto& f : spec->fields) {
      if (!f.classifier.empty()) names.insert(f.classifier);
      if (f.element != nullptr) todo.push_back(f.element);
    }
  }
  return {names.begin(), names.end()};
}

void read_classifiers(const SectionReader& r, const json& section, Classifiers& out) {
  const std::vector<std::string> names = classifier_names();
  r.expect_keys(names);
  for (const auto& item : section.items()) {
    if (!item.value().is_array()) r.fail(item.key(), "must be a list of codes [\"...\", ...]");
    auto& codes = out[item.key()];
    for (const auto& code : item.value()) {
      if (!code.is_string() || code.get<std::string>().empty()) {
        r.fail(item.key(), "must hold non-empty strings only");
      }
      codes.insert(code.get<std::string>());
    }
  }
}

}  // namespace

Config parse_config(const std::string& text, const std::filesystem::path& file) {
  const json root = parse_text(text, file);
  if (!root.is_object()) throw ConfigError(file.string() + ":1:1: must be a JSON object { ... }");
  SectionReader top(text, file, "config", root);
  top.expect_keys({"source", "amlyze", "ledger", "metrics", "classifiers"});

  Config config;
  config.file = file;
  read_source(SectionReader(text, file, "source", section(root, "source", text, file)), file,
              config.source);
  read_amlyze(SectionReader(text, file, "amlyze", section(root, "amlyze", text, file)),
              config.amlyze, file);
  const SectionReader ledger(text, file, "ledger", section(root, "ledger", text, file));
  ledger.expect_keys({"path"});
  std::string path = "../var/ledger.sqlite";
  ledger.read("path", path);
  config.ledger.path = resolve(file, path);
  const SectionReader metrics(text, file, "metrics", section(root, "metrics", text, file));
  metrics.expect_keys({"textfile"});
  std::string textfile;
  metrics.read("textfile", textfile);
  if (!textfile.empty()) config.metrics.textfile = resolve(file, textfile);
  const json& classifiers = section(root, "classifiers", text, file);
  read_classifiers(SectionReader(text, file, "classifiers", classifiers), classifiers,
                   config.classifiers);
  return config;
}

Config load_config(const std::filesystem::path& file) {
  std::string text;
  try {
    text = read_file(file.string());
  } catch (const std::exception& e) {
    throw ConfigError(std::string(e.what()) + " (pass an existing file with --config)");
  }
  return parse_config(text, std::filesystem::absolute(file));
}

}  // namespace etl
