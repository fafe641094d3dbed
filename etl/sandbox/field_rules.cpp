// Table-driven field checks; see field_rules.hpp.
#include "sandbox/field_rules.hpp"

#include <algorithm>
#include <cctype>

#include "sandbox/country_codes.hpp"

namespace etl::sandbox {
namespace {

using nlohmann::json;

std::string join(const std::vector<std::string_view>& values) {
  std::string out;
  for (std::string_view value : values) {
    out += out.empty() ? "" : ", ";
    out += value;
  }
  return out;
}

// The documented code with its context prefix, or the generic sandbox code.
std::string code_or(std::string_view code, std::string_view generic, const Context& where) {
  return code.empty() ? std::string(generic) : where.prefix + std::string(code);
}

// The field's path for descriptions, e.g. "listAddress[0].country".
std::string path_of(const FieldRule& rule, const Context& where) {
  return where.path + std::string(rule.name);
}

Rejection wrong_type(const std::string& path, const json& value, const char* expected) {
  return {std::string(kCodeType),
          path + " has the wrong JSON type: expected " + expected + ", got " + value.type_name()};
}

// Java counts UTF-16 units; counting code points is close enough for the documented limits.
std::size_t utf8_length(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

// `path` is passed separately so that elements of a kEnumList can name their index.
RuleResult check_enum_value(const FieldRule& rule, const std::string& path, const json& value,
                            const Context& where) {
  if (!value.is_string()) return wrong_type(path, value, "string");
  const auto& text = value.get_ref<const std::string&>();
  if (std::find(rule.values.begin(), rule.values.end(), text) != rule.values.end()) {
    return std::nullopt;
  }
  return Rejection{code_or(rule.code, kCodeEnum, where),
                   path + " must be one of " + join(rule.values) + ", got " +
                       value_in_description(Shown::kCode, text)};
}

RuleResult check_string_kind(const FieldRule& rule, const json& value, const Context& where) {
  const std::string path = path_of(rule, where);
  if (!value.is_string()) return wrong_type(path, value, "string");
  const auto& text = value.get_ref<const std::string&>();
  switch (rule.kind) {
    case Kind::kDate:
      if (is_calendar_date(text)) return std::nullopt;
      return Rejection{std::string(kCodeDate), path + " must be a calendar date yyyy-MM-dd, got " +
                                                   value_in_description(Shown::kPersonal, text)};
    case Kind::kCountry:
      if (is_country_code(text)) return std::nullopt;
      return Rejection{
          code_or(rule.code, kCodeCountry, where),
          path + " does not exist in amlyze: " + value_in_description(Shown::kCode, text)};
    case Kind::kEnum:
      return check_enum_value(rule, path, value, where);
    default:
      if (rule.max_length == 0 || utf8_length(text) <= rule.max_length) return std::nullopt;
      return Rejection{std::string(kCodeLength),
                       path + " is longer than " + std::to_string(rule.max_length) + " characters"};
  }
}

// The context of a nested object: its path and the parent's code prefix plus the list's own.
Context child_context(const std::string& path, const FieldRule& rule, const Context& where) {
  return {path + ".", where.prefix + std::string(rule.child_prefix)};
}

RuleResult check_array(const FieldRule& rule, const json& value, const Context& where) {
  const std::string path = path_of(rule, where);
  if (!value.is_array()) return wrong_type(path, value, "array");
  for (std::size_t i = 0; i < value.size(); ++i) {
    const json& element = value[i];
    const std::string element_path = path + "[" + std::to_string(i) + "]";
    RuleResult rejection;
    if (rule.kind == Kind::kEnumList) {
      rejection = check_enum_value(rule, element_path, element, where);
    } else if (!element.is_object()) {
      rejection = wrong_type(element_path, element, "object");
    } else {
      rejection = check_object(element, *rule.child, child_context(element_path, rule, where));
    }
    if (rejection) return rejection;
  }
  return std::nullopt;
}

RuleResult check_value(const FieldRule& rule, const json& value, const Context& where) {
  switch (rule.kind) {
    case Kind::kBoolean:
      if (value.is_boolean()) return std::nullopt;
      return wrong_type(path_of(rule, where), value, "boolean");
    case Kind::kInteger:
      if (value.is_number_integer()) return std::nullopt;
      return wrong_type(path_of(rule, where), value, "integer");
    case Kind::kNumber:
      if (value.is_number()) return std::nullopt;
      return wrong_type(path_of(rule, where), value, "number");
    case Kind::kObject:
      if (!value.is_object()) return wrong_type(path_of(rule, where), value, "object");
      return check_object(value, *rule.child, child_context(path_of(rule, where), rule, where));
    case Kind::kEnumList:
    case Kind::kList:
      return check_array(rule, value, where);
    default:
      return check_string_kind(rule, value, where);
  }
}

bool is_string_kind(Kind kind) {
  return kind == Kind::kString || kind == Kind::kDate || kind == Kind::kCountry ||
         kind == Kind::kEnum;
}

FieldRule make_rule(std::string_view name, Kind kind, Need need = Need::kOptional,
                    std::string_view code = {}) {
  FieldRule rule;
  rule.name = name;
  rule.kind = kind;
  rule.need = need;
  rule.code = code;
  return rule;
}

}  // namespace

FieldRule string_field(std::string_view name, Need need, std::string_view code,
                       std::size_t max_length) {
  FieldRule rule = make_rule(name, Kind::kString, need, code);
  rule.max_length = max_length;
  return rule;
}

FieldRule boolean_field(std::string_view name) { return make_rule(name, Kind::kBoolean); }

FieldRule integer_field(std::string_view name) { return make_rule(name, Kind::kInteger); }

FieldRule number_field(std::string_view name) { return make_rule(name, Kind::kNumber); }

FieldRule date_field(std::string_view name, Need need, std::string_view code) {
  return make_rule(name, Kind::kDate, need, code);
}

FieldRule country_field(std::string_view name, Need need, std::string_view code) {
  return make_rule(name, Kind::kCountry, need, code);
}

FieldRule enum_field(std::string_view name, std::vector<std::string_view> values, Need need,
                     std::string_view code) {
  FieldRule rule = make_rule(name, Kind::kEnum, need, code);
  rule.values = std::move(values);
  return rule;
}

FieldRule enum_list_field(std::string_view name, std::vector<std::string_view> values,
                          std::string_view code) {
  FieldRule rule = make_rule(name, Kind::kEnumList, Need::kOptional, code);
  rule.values = std::move(values);
  return rule;
}

FieldRule object_field(std::string_view name, const ObjectSpec& spec) {
  FieldRule rule = make_rule(name, Kind::kObject);
  rule.child = &spec;
  return rule;
}

FieldRule list_field(std::string_view name, const ObjectSpec& spec, std::string_view prefix) {
  FieldRule rule = make_rule(name, Kind::kList);
  rule.child = &spec;
  rule.child_prefix = prefix;
  return rule;
}

Rejection missing_field(std::string_view name, std::string_view code, const Context& where) {
  return {code_or(code, kCodeMissing, where), where.path + std::string(name) + " is mandatory"};
}

RuleResult check_field(const json& object, const FieldRule& rule, const Context& where) {
  const auto it = object.find(std::string(rule.name));
  const bool absent =
      it == object.end() || (is_string_kind(rule.kind) ? is_blank(*it) : it->is_null());
  if (absent) {
    if (rule.need == Need::kOptional) return std::nullopt;
    return missing_field(rule.name, rule.code, where);
  }
  return check_value(rule, *it, where);
}

RuleResult check_fields(const json& object, const std::vector<FieldRule>& rules,
                        const Context& where) {
  for (const FieldRule& rule : rules) {
    if (auto rejection = check_field(object, rule, where)) return rejection;
  }
  return std::nullopt;
}

RuleResult check_object(const json& object, const ObjectSpec& spec, const Context& where) {
  if (auto rejection = check_fields(object, spec.fields, where)) return rejection;
  for (CrossRule rule : spec.cross_rules) {
    if (auto rejection = rule(object, where)) return rejection;
  }
  return std::nullopt;
}

std::string value_in_description(Shown shown, std::string_view text) {
  constexpr std::size_t kMaxQuoted = 40;
  const auto code_char = [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '_' || c == '-' || c == '.';
  };
  const auto letter = [](unsigned char c) { return std::isalpha(c) != 0; };
  const bool code_like = !text.empty() && text.size() <= kMaxQuoted &&
                         std::all_of(text.begin(), text.end(), code_char) &&
                         std::any_of(text.begin(), text.end(), letter);
  if (shown == Shown::kCode && code_like) return "'" + std::string(text) + "'";
  return "a value of " + std::to_string(utf8_length(std::string(text))) + " characters";
}

bool is_calendar_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  static constexpr std::size_t kDigitPositions[] = {0, 1, 2, 3, 5, 6, 8, 9};
  for (std::size_t i : kDigitPositions) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  auto number = [&](std::size_t pos, std::size_t len) {
    int value = 0;
    for (std::size_t i = pos; i < pos + len; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  const int year = number(0, 4);
  const int month = number(5, 2);
  const int day = number(8, 2);
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int days = kDaysInMonth[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= days;
}

bool is_blank(const json& value) {
  if (value.is_null()) return true;
  if (!value.is_string()) return false;
  const auto& text = value.get_ref<const std::string&>();
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

}  // namespace etl::sandbox
