#include "model/validate.hpp"

#include <algorithm>

#include "model/countries.hpp"
#include "model/field_spec.hpp"
#include "util/text.hpp"

namespace etl::model {
namespace {

using nlohmann::json;

std::string join_path(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}

std::string code_or(const FieldSpec& f, const char* fallback) {
  return f.code.empty() ? fallback : f.code;
}

bool applies(Scope scope, const std::string& entity_type) {
  if (scope == Scope::kAny) return true;
  if (entity_type.empty()) return true;  // unknown type is reported on entityType itself
  return (scope == Scope::kIndividual) == (entity_type == "INDIVIDUAL");
}

// UTF-8 code points; AMLYZE's limits are Java string lengths, close enough for BMP text.
std::size_t length_in_chars(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

bool has_control_char(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return true;
  }
  return false;
}

void check_object(const ObjectSpec& spec, const json& value, const std::string& path,
                  Problems& out);

void check_string(const FieldSpec& f, const std::string& s, const std::string& path,
                  Problems& out) {
  if (has_control_char(s)) out.push_back({"ETL.TEXT", path, "contains a control character"});
  if (f.max_length > 0 && length_in_chars(s) > f.max_length) {
    out.push_back({"ETL.LENGTH", path, "longer than " + std::to_string(f.max_length) +
                                           " characters"});
  }
  if (f.type == FieldType::kDate && !is_iso_date(s)) {
    out.push_back({code_or(f, "ETL.DATE"), path, "\"" + s + "\" is not a date yyyy-MM-dd"});
  }
  if (!f.values.empty() && std::find(f.values.begin(), f.values.end(), s) == f.values.end()) {
    std::string allowed;
    for (const auto& v : f.values) allowed += (allowed.empty() ? "" : ", ") + v;
    out.push_back({code_or(f, "ETL.ENUM"), path, "\"" + s + "\" is not one of " + allowed});
  }
  if (f.classifier == "country" && !is_iso_country(s)) {
    out.push_back({code_or(f, "ETL.COUNTRY"), path,
                   "\"" + s + "\" is not an ISO 3166-1 alpha-2 country code"});
  }
}

void check_value(const FieldSpec& f, const json& v, const std::string& path, Problems& out) {
  const auto wrong_type = [&] {
    out.push_back({"ETL.TYPE", path, std::string("must be ") + type_name(f.type)});
  };
  switch (f.type) {
    case FieldType::kString:
    case FieldType::kDate:
      if (!v.is_string()) return wrong_type();
      return check_string(f, v.get_ref<const std::string&>(), path, out);
    case FieldType::kBoolean:
      if (!v.is_boolean()) wrong_type();
      return;
    case FieldType::kInteger:
      if (!v.is_number_integer()) wrong_type();
      return;
    case FieldType::kDecimal:
      if (!v.is_number()) wrong_type();
      return;
    case FieldType::kObject:
      return check_object(*f.element, v, path, out);
    case FieldType::kList:
      if (!v.is_array()) return wrong_type();
      for (std::size_t i = 0; i < v.size(); ++i) {
        check_object(*f.element, v[i], path + "[" + std::to_string(i) + "]", out);
      }
      return;
  }
}

void check_key(const ObjectSpec& spec, const std::string& key, const json& v,
               const std::string& entity_type, const std::string& path, Problems& out) {
  const FieldSpec* f = spec.find(key);
  const std::string where = join_path(path, key);
  if (f == nullptr) {
    const std::string hint = nearest(key, spec.names());
    out.push_back({"ETL.UNKNOWN", where,
                   "not an AMLYZE field of " + spec.name +
                       (hint.empty() ? "" : "; did you mean " + hint + "?")});
    return;
  }
  if (f->origin == Origin::kNotInBatch) {
    out.push_back({"ETL.NOT_IN_BATCH", where, "must not be sent in a batch request"});
    return;
  }
  if (!applies(f->scope, entity_type)) {
    const bool org = entity_type == "ORGANIZATION";
    out.push_back({org ? "C015" : "C014", where, "field not allowed for " + entity_type});
    return;
  }
  check_value(*f, v, where, out);
}

void check_object(const ObjectSpec& spec, const json& value, const std::string& path,
                  Problems& out) {
  if (!value.is_object()) {
    out.push_back({"ETL.TYPE", path, "must be a JSON object"});
    return;
  }
  const auto type_it = value.find("entityType");
  const std::string entity_type =
      spec.find("entityType") != nullptr && type_it != value.end() && type_it->is_string()
          ? type_it->get<std::string>()
          : "";
  for (const auto& item : value.items()) {
    check_key(spec, item.key(), item.value(), entity_type, path, out);
  }
  for (const auto& f : spec.fields) {
    if (!f.required || f.origin != Origin::kSource || value.contains(f.name)) continue;
    if (!applies(f.scope, entity_type) || (f.scope != Scope::kAny && entity_type.empty())) continue;
    const std::string scope = f.scope == Scope::kAny ? "" : " for " + entity_type;
    out.push_back({code_or(f, "ETL.REQUIRED"), join_path(path, f.name), "required" + scope});
  }
}

// Rules that tie several fields together.
void check_customer_rules(const json& item, Problems& out) {
  const std::string status = item.value("customerStatus", std::string());
  const bool has_closing = item.contains("closingDate");
  if (status == "CLOSED" && !has_closing) {
    out.push_back({"C013", "closingDate", "required when customerStatus is CLOSED"});
  }
  if (status != "CLOSED" && has_closing) {
    out.push_back({"C013a", "closingDate", "must be absent unless customerStatus is CLOSED"});
  }
  const auto category = item.find("riskManagementCategory");
  if (category != item.end() && category->is_string()) {
    const std::string c = category->get<std::string>();
    if (c.rfind("LEAD_", 0) == 0 || (c.size() >= 5 && c.compare(c.size() - 5, 5, "_LEAD") == 0)) {
      out.push_back({"C008.I02", "riskManagementCategory",
                     "lead categories cannot be imported through batch-customers"});
    }
  }
}

}  // namespace

bool is_iso_date(const std::string& t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (t[i] < '0' || t[i] > '9') return false;
  }
  const int year = std::stoi(t.substr(0, 4));
  const int month = std::stoi(t.substr(5, 2));
  const int day = std::stoi(t.substr(8, 2));
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

void validate_customer(const json& item, Problems& out) {
  check_object(customer_spec(), item, "", out);
  if (item.is_object()) check_customer_rules(item, out);
}

std::string describe(const Problems& problems, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < problems.size() && i < limit; ++i) {
    if (!out.empty()) out += "; ";
    out += problems[i].code + " " + problems[i].path + ": " + problems[i].message;
  }
  if (problems.size() > limit) {
    out += "; and " + std::to_string(problems.size() - limit) + " more";
  }
  return out;
}

}  // namespace etl::model
