#include "model/validate.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "model/countries.hpp"
#include "model/field_spec.hpp"
#include "util/text.hpp"

namespace etl::model {
namespace {

using nlohmann::json;

// Where the walk is: a link to the enclosing place, so that the path for messages ("listAddress[0].
// city") and the code prefix (AMLYZE's codes inside lists, e.g. "C016.") are built only for a
// problem. Most values have none, and building both strings for every value cost a third of the
// validation. `nested`: inside a json column, where a wrong shape is the query's fault, not the
// row's.
struct Context {
  const Context* parent = nullptr;
  std::string_view name;         // a key of the enclosing object; "" for a list element or the root
  long index = -1;               // a list element's position
  std::string_view code_prefix;  // added to the enclosing prefix here
  bool nested = false;

  static Context key(const Context& parent, std::string_view name) {
    return {&parent, name, -1, {}, parent.nested};
  }

  std::string path() const {
    if (parent == nullptr) return std::string(name);
    std::string out = parent->path();
    if (index >= 0) return out + "[" + std::to_string(index) + "]";
    if (name.empty()) return out;
    if (!out.empty()) out += '.';
    return out.append(name);
  }

  std::string prefix() const {
    return (parent == nullptr ? std::string() : parent->prefix()).append(code_prefix);
  }
};

bool applies(Scope scope, const std::string& entity_type) {
  if (scope == Scope::kAny || entity_type.empty()) return true;
  return (scope == Scope::kIndividual) == (entity_type == "INDIVIDUAL");
}

bool all_digits(const std::string& s, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// UTF-8 code points; AMLYZE's limits are Java string lengths, close enough for BMP text.
std::size_t length_in_chars(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

bool has_control_char(const std::string& s) {
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return true;
  }
  return false;
}

// How each additional-value datatype must be written, for AV07 reasons.
std::string datatype_format(const std::string& datatype) {
  if (datatype == "INTEGER") return " (digits, optional sign)";
  if (datatype == "DECIMAL") return " (digits with an optional . and fraction)";
  if (datatype == "DATE") return " (yyyy-MM-dd, a real calendar date)";
  if (datatype == "TIMESTAMP") {
    return " (yyyy-MM-dd HH:mm:ss.SSSZ, e.g. 2024-04-08 10:45:00.000+0200)";
  }
  if (datatype == "BOOLEAN") return " (true or false)";
  return "";
}

// The object's entityType when it is one AMLYZE knows, else "": an unknown one is reported as
// such (and may be anything, so it is never repeated in the scope messages), and no scope rule
// applies.
std::string known_entity_type(const ObjectSpec& spec, const json& value) {
  const FieldSpec* f = spec.find("entityType");
  const auto it = value.find("entityType");
  if (f == nullptr || it == value.end() || !it->is_string()) return "";
  const std::string& type = it->get_ref<const std::string&>();
  return std::find(f->values.begin(), f->values.end(), type) != f->values.end() ? type : "";
}

class Validator {
 public:
  Validator(const ValidationOptions& options, Problems& out) : options_(options), out_(out) {}

  void object(const ObjectSpec& spec, const json& value, const Context& at);

 private:
  void add(const FieldSpec* f, const char* fallback, const Context& at, std::string message,
           bool mapping = false) {
    const std::string code =
        f != nullptr && !f->code.empty() ? at.prefix() + f->code : std::string(fallback);
    out_.push_back({code, at.path(), std::move(message), mapping});
  }
  void key(const ObjectSpec& spec, const std::string& name, const json& v,
           const std::string& entity_type, const Context& at);
  void value(const FieldSpec& f, const json& v, const Context& at);
  void text(const FieldSpec& f, const std::string& s, const Context& at);
  void object_rules(const ObjectSpec& spec, const json& value, const Context& at);
  void additional_value(const ObjectSpec& spec, const json& item, const Context& at);

  const ValidationOptions& options_;
  Problems& out_;
};

// Dates are never quoted (quotable() is false for them), so say which part is wrong instead.
std::string date_rule(const std::string& s) {
  const bool shaped = s.size() == 10 && s[4] == '-' && s[7] == '-' && all_digits(s, 0, 4) &&
                      all_digits(s, 5, 7) && all_digits(s, 8, 10);
  return shaped ? "is not a real calendar date (yyyy-MM-dd)"
                : "is not a date written yyyy-MM-dd (" + std::to_string(length_in_chars(s)) +
                      " characters)";
}

void Validator::text(const FieldSpec& f, const std::string& s, const Context& at) {
  if (has_control_char(s)) add(nullptr, "ETL.TEXT", at, "contains a control character");
  const std::size_t length = length_in_chars(s);
  if (f.max_length > 0 && length > f.max_length) {
    add(nullptr, "ETL.LENGTH", at,
        "is " + std::to_string(length) + " characters long, the maximum is " +
            std::to_string(f.max_length));
  }
  if (f.required && s.find_first_not_of(" \t\r\n") == std::string::npos) {
    add(&f, "ETL.REQUIRED", at, "is blank");
  }
  if (f.type == FieldType::kDate && !is_iso_date(s)) {
    add(&f, "ETL.DATE", at, about_value(f, s, date_rule(s)));
  }
  if (!f.values.empty() && std::find(f.values.begin(), f.values.end(), s) == f.values.end()) {
    std::string allowed;
    for (const auto& v : f.values) allowed += (allowed.empty() ? "" : ", ") + v;
    add(&f, "ETL.ENUM", at, about_value(f, s, "is not one of " + allowed));
  }
  if (f.classifier.empty()) return;
  const auto list = options_.classifiers.find(f.classifier);
  if (list != options_.classifiers.end()) {
    if (list->second.count(s) == 0) {
      add(&f, "ETL.CLASSIFIER", at,
          about_value(f, s, "is not in the configured " + f.classifier + " list"));
    }
  } else if (f.classifier == "country" && !is_iso_country(s)) {
    add(&f, "ETL.COUNTRY", at, about_value(f, s, "is not an ISO 3166-1 alpha-2 code"));
  }
}

void Validator::value(const FieldSpec& f, const json& v, const Context& at) {
  const auto wrong_type = [&] {
    add(nullptr, "ETL.TYPE", at, std::string("must be ") + type_name(f.type), at.nested);
  };
  switch (f.type) {
    case FieldType::kString:
    case FieldType::kDate:
      if (!v.is_string()) return wrong_type();
      return text(f, v.get_ref<const std::string&>(), at);
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
      return object(*f.element, v, {&at, {}, -1, f.code_prefix, true});
    case FieldType::kList:
      if (!v.is_array()) {
        add(nullptr, "ETL.TYPE", at, "must be a json array of objects", true);
        return;
      }
      for (std::size_t i = 0; i < v.size(); ++i) {
        object(*f.element, v[i], {&at, {}, static_cast<long>(i), f.code_prefix, true});
      }
      return;
  }
}

void Validator::key(const ObjectSpec& spec, const std::string& name, const json& v,
                    const std::string& entity_type, const Context& parent) {
  const FieldSpec* f = spec.find(name);
  const Context at = Context::key(parent, name);
  if (f == nullptr) {
    const std::string hint = nearest(name, spec.names());
    add(nullptr, "ETL.UNKNOWN", at,
        "not an AMLYZE field of " + spec.name +
            (hint.empty() ? "" : "; did you mean " + hint + "?"),
        true);
    return;
  }
  if (f->origin == Origin::kNotInBatch) {
    add(nullptr, "ETL.NOT_IN_BATCH", at, "must not be sent in a batch request", at.nested);
    return;
  }
  if (!applies(f->scope, entity_type)) {
    const bool org = entity_type == "ORGANIZATION";
    const std::string code = parent.nested ? "ETL.SCOPE" : (org ? "C015" : "C014");
    out_.push_back({code, at.path(), "field not allowed for " + entity_type, false});
    return;
  }
  value(*f, v, at);
}

// Rules that tie several fields of one nested object together.
void Validator::object_rules(const ObjectSpec& spec, const json& value, const Context& at) {
  if (spec.name == "listDeclaredTurnover[]" && !value.contains("from") && !value.contains("to")) {
    out_.push_back(
        {"ETL.REQUIRED", Context::key(at, "from").path(), "from or to is required", false});
  }
  if (spec.name == "listAdditionalValues[]") additional_value(spec, value, at);
}

// AV07: the value must parse as its datatype. An unknown datatype is ETL.ENUM's to report.
void Validator::additional_value(const ObjectSpec& spec, const json& item, const Context& at) {
  const auto type = item.find("datatype");
  const auto v = item.find("value");
  if (type == item.end() || v == item.end() || !type->is_string() || !v->is_string()) return;
  const std::string& datatype = type->get_ref<const std::string&>();
  const auto& known = spec.find("datatype")->values;
  if (std::find(known.begin(), known.end(), datatype) == known.end()) return;
  if (fits_datatype(datatype, v->get_ref<const std::string&>())) return;
  // The value can hold anything about the person and is never quoted; its code may be.
  const auto code_it = item.find("code");
  const std::string code = code_it != item.end() && code_it->is_string()
                               ? shown_value(*spec.find("code"), code_it->get<std::string>())
                               : "";
  out_.push_back({at.prefix() + "AV07", Context::key(at, "value").path(),
                  about_value(*spec.find("value"), v->get_ref<const std::string&>(),
                              "is not a valid " + datatype + datatype_format(datatype) +
                                  (code.empty() ? "" : " (additional value " + code + ")")),
                  false});
}

void Validator::object(const ObjectSpec& spec, const json& value, const Context& at) {
  if (!value.is_object()) {
    add(nullptr, "ETL.TYPE", at, "must be a json object", at.nested);
    return;
  }
  const std::string entity_type = known_entity_type(spec, value);
  for (const auto& item : value.items()) key(spec, item.key(), item.value(), entity_type, at);
  for (const auto& f : spec.fields) {
    if (!f.required || f.origin != Origin::kSource || value.contains(f.name)) continue;
    if (!applies(f.scope, entity_type) || (f.scope != Scope::kAny && entity_type.empty())) continue;
    const std::string scope = f.scope == Scope::kAny ? "" : " for " + entity_type;
    add(&f, "ETL.REQUIRED", Context::key(at, f.name), "required" + scope);
  }
  object_rules(spec, value, at);
}

// Rules that tie several top-level fields together.
void customer_rules(const json& item, Problems& out) {
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
  if (!all_digits(t, 0, 4) || !all_digits(t, 5, 7) || !all_digits(t, 8, 10)) return false;
  const int year = std::stoi(t.substr(0, 4));
  const int month = std::stoi(t.substr(5, 2));
  const int day = std::stoi(t.substr(8, 2));
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

bool fits_datatype(const std::string& type, const std::string& v) {
  if (type == "STRING") return true;
  if (type == "BOOLEAN") return v == "true" || v == "false";
  if (type == "DATE") return is_iso_date(v);
  const std::size_t sign = !v.empty() && (v[0] == '-' || v[0] == '+') ? 1 : 0;
  if (type == "INTEGER") return v.size() > sign && all_digits(v, sign, v.size());
  if (type == "DECIMAL") {
    const auto dot = v.find('.');
    if (dot == std::string::npos) return v.size() > sign && all_digits(v, sign, v.size());
    return dot > sign && dot + 1 < v.size() && all_digits(v, sign, dot) &&
           all_digits(v, dot + 1, v.size());
  }
  if (type == "TIMESTAMP") {  // yyyy-MM-dd HH:mm:ss.SSSZ, Z an RFC-822 offset like +0200
    if (v.size() != 28 || !is_iso_date(v.substr(0, 10)) || v[10] != ' ' || v[13] != ':' ||
        v[16] != ':' || v[19] != '.' || (v[23] != '+' && v[23] != '-')) {
      return false;
    }
    return all_digits(v, 11, 13) && all_digits(v, 14, 16) && all_digits(v, 17, 19) &&
           all_digits(v, 20, 23) && all_digits(v, 24, 28) && std::stoi(v.substr(11, 2)) < 24 &&
           std::stoi(v.substr(14, 2)) < 60 && std::stoi(v.substr(17, 2)) < 60;
  }
  return false;
}

void validate_customer(const json& item, const ValidationOptions& options, Problems& out) {
  Validator(options, out).object(customer_spec(), item, {});
  if (item.is_object()) customer_rules(item, out);
}

}  // namespace etl::model
