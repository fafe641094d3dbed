#include "model/transform.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "model/canonical.hpp"
#include "model/validate.hpp"
#include "util/ids.hpp"
#include "util/json_text.hpp"
#include "util/utf8.hpp"

namespace etl::model {
namespace {

using nlohmann::json;

// NULL inside a list object means "absent", exactly as a NULL column does.
void strip_nulls(json& value) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end();) {
      if (it->is_null()) {
        it = value.erase(it);
      } else {
        strip_nulls(*it);
        ++it;
      }
    }
  } else if (value.is_array()) {
    for (auto& item : value) strip_nulls(item);
  }
}

std::optional<json> to_integer(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end == text.c_str() || *end != '\0') {
    // numeric columns print "12.000" for whole numbers; accept a zero fraction only.
    const double d = std::strtod(text.c_str(), &end);
    if (*end != '\0' || !std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e15) {
      return std::nullopt;
    }
    return json(static_cast<long long>(d));
  }
  return json(v);
}

std::optional<json> to_decimal(const std::string& text) {
  char* end = nullptr;
  const double d = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(d)) return std::nullopt;
  return json(d);
}

// Converts one non-NULL value; returns nullopt and records a problem when it does not convert.
std::optional<json> convert(const ColumnBinding& b, std::string_view raw, Problems& problems) {
  const FieldSpec& f = *b.field;
  // Only a SQL_ASCII database hands out other bytes; JSON cannot carry them. The value is not
  // quoted: it is customer data, and not text a log or the ledger could hold either.
  if (!valid_utf8(raw)) {
    problems.push_back({"ETL.ENCODING", f.name,
                        "is not valid UTF-8 (the source database holds other bytes, e.g. "
                        "LATIN1 text in a SQL_ASCII database); fix the value at the source"});
    return std::nullopt;
  }
  const std::string text(raw);
  std::optional<json> out;
  switch (f.type) {
    case FieldType::kString:
    case FieldType::kDate:
      return json(text);
    case FieldType::kBoolean:
      return json(text == "t" || text == "true");
    case FieldType::kInteger:
      out = to_integer(text);
      break;
    case FieldType::kDecimal:
      out = to_decimal(text);
      break;
    case FieldType::kObject:
    case FieldType::kList:
      out = parse_json(text);
      if (out) strip_nulls(*out);
      break;
  }
  if (!out) {
    // Unparsable JSON is the query's fault (every row has it); a bad number is the row's.
    const bool json_column = f.type == FieldType::kObject || f.type == FieldType::kList;
    // Numbers and json can be anyone's data (amounts, names inside a list): never quoted, and a
    // json column's message ends up in runs.error.
    problems.push_back({"ETL.TYPE", f.name,
                        about_value(f, text, std::string("is not ") + type_name(f.type)),
                        json_column});
  }
  return out;
}

}  // namespace

Customer transform_row(const ColumnPlan& plan, const RowValues& row,
                       const TransformOptions& options) {
  Customer c;
  c.payload = json::object();
  for (const ColumnBinding& b : plan.fields) {
    const auto& value = row[b.index];
    if (!value) continue;  // NULL: the key is left out
    if (auto converted = convert(b, *value, c.problems)) {
      c.payload[b.field->name] = std::move(*converted);
    }
  }
  c.payload["requester"] = options.requester;
  if (options.business_unit) c.payload["businessUnit"] = *options.business_unit;
  if (const auto& changed = row[plan.changed_at]) c.changed_at = std::string(*changed);

  const auto ext = c.payload.find("customerExtId");
  if (ext != c.payload.end() && ext->is_string()) c.ext_id = ext->get<std::string>();
  const auto type = c.payload.find("entityType");
  if (type != c.payload.end() && type->is_string()) c.entity_type = type->get<std::string>();

  validate_customer(c.payload, options.validation, c.problems);
  if (c.changed_at.empty()) {
    c.problems.push_back(
        {"ETL.CHANGED_AT", "_changed_at", "is NULL; the row's change time is needed"});
  }
  c.canonical = canonical_text(c.payload);
  c.hash = sha256_hex(c.canonical);
  return c;
}

}  // namespace etl::model
