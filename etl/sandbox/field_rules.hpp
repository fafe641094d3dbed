// Table-driven checks of one JSON object's fields: the building block of the sandbox's
// per-customer validation (customer_rules.hpp, nested_rules.hpp).
//
// A rule table lists each field once with its JSON kind, whether it is mandatory and the error code
// AMLYZE uses for it; adding a check is usually adding a row. Checks stop at the first problem,
// because AMLYZE reports one errorCode per item.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace etl::sandbox {

// Why AMLYZE would reject one customer item: its errorCode and errorDescription.
struct Rejection {
  std::string code;
  std::string description;

  bool operator==(const Rejection& other) const {
    return code == other.code && description == other.description;
  }
};

// nullopt: the check passed.
using RuleResult = std::optional<Rejection>;

// Codes the sandbox invents where AMLYZE documents none. They are not AMLYZE codes: clients must
// not branch on them. They exist so that tests can tell failures apart.
inline constexpr std::string_view kCodeMissing = "REQ01";   // mandatory field absent, null, blank
inline constexpr std::string_view kCodeType = "TYPE01";     // wrong JSON type for the field
inline constexpr std::string_view kCodeEnum = "ENUM01";     // value outside a fixed enum
inline constexpr std::string_view kCodeCountry = "CTRY01";  // not an ISO 3166-1 alpha-2 code
inline constexpr std::string_view kCodeDate = "DATE01";     // not a calendar date yyyy-MM-dd
inline constexpr std::string_view kCodeLength = "LEN01";    // longer than the documented maximum

enum class Kind {
  kString,
  kBoolean,
  kInteger,
  kNumber,
  kDate,      // a string holding a calendar date yyyy-MM-dd
  kCountry,   // a string holding an ISO 3166-1 alpha-2 code
  kEnum,      // a string from FieldRule::values
  kEnumList,  // an array of strings from FieldRule::values
  kObject,    // an object checked against FieldRule::child
  kList,      // an array of objects, each checked against FieldRule::child
};

enum class Need { kOptional, kRequired };

struct ObjectSpec;

// One field of an object. A JSON null counts as absent (Jackson maps it to a null field).
struct FieldRule {
  std::string_view name;
  Kind kind = Kind::kString;
  Need need = Need::kOptional;
  std::string_view code;                 // missing field, or value outside the enum/country list;
                                         // empty: the generic sandbox code
  std::vector<std::string_view> values;  // allowed values of kEnum and kEnumList
  std::size_t max_length = 0;            // in characters; 0 = no documented limit
  const ObjectSpec* child = nullptr;     // element spec of kObject and kList
  std::string_view child_prefix;         // prepended to the child's codes, e.g. "Q004."
};

// Where a check runs: the JSON path used in descriptions and the code prefix AMLYZE puts in front
// of nested codes (amlyze-api.md §6.1: "C017.C016.RE06.Co2").
struct Context {
  std::string path;    // "" at the top level, "listRelatedEntity[0]." inside a related entity
  std::string prefix;  // "" at the top level, "C017.C016." inside a related entity
};

// A rule that needs several fields of the same object (e.g. "title if ORGANIZATION").
using CrossRule = RuleResult (*)(const nlohmann::json& object, const Context& where);

// The fields of one kind of object; cross rules run after all fields passed.
struct ObjectSpec {
  explicit ObjectSpec(std::vector<FieldRule> field_rules, std::vector<CrossRule> cross = {})
      : fields(std::move(field_rules)), cross_rules(std::move(cross)) {}

  std::vector<FieldRule> fields;
  std::vector<CrossRule> cross_rules;
};

// Row builders, so that each table row fits on one line.
FieldRule string_field(std::string_view name, Need need = Need::kOptional,
                       std::string_view code = {}, std::size_t max_length = 0);
FieldRule boolean_field(std::string_view name);
FieldRule integer_field(std::string_view name);
FieldRule number_field(std::string_view name);
FieldRule date_field(std::string_view name, Need need = Need::kOptional,
                     std::string_view code = {});
FieldRule country_field(std::string_view name, Need need, std::string_view code);
FieldRule enum_field(std::string_view name, std::vector<std::string_view> values, Need need,
                     std::string_view code = {});
FieldRule enum_list_field(std::string_view name, std::vector<std::string_view> values,
                          std::string_view code);
FieldRule object_field(std::string_view name, const ObjectSpec& spec);
FieldRule list_field(std::string_view name, const ObjectSpec& spec, std::string_view prefix = {});

// Checks `object[rule.name]`; `object` must be a JSON object.
RuleResult check_field(const nlohmann::json& object, const FieldRule& rule, const Context& where);

// Checks the rules in table order and returns the first rejection.
RuleResult check_fields(const nlohmann::json& object, const std::vector<FieldRule>& rules,
                        const Context& where);

// check_fields over spec.fields, then spec.cross_rules.
RuleResult check_object(const nlohmann::json& object, const ObjectSpec& spec, const Context& where);

// The rejection for a mandatory field that is absent: `code` (with the context prefix) if the
// field has one, else kCodeMissing.
Rejection missing_field(std::string_view name, std::string_view code, const Context& where);

// How a description names a rejected value. Clients keep errorDescription as AMLYZE's evidence,
// so the sandbox quotes a value only when it is a code (Shown::kCode: enums, country codes,
// classifier codes) and looks like one (at most 40 letters, digits, _ - ., with a letter); any
// other value may be a person's data (a name, a date of birth, a document number, an additional
// value) and is described by its length only: "'LOW'" or "a value of 10 characters".
enum class Shown { kCode, kPersonal };
std::string value_in_description(Shown shown, std::string_view text);

// True for a real date in the proleptic Gregorian calendar written exactly as yyyy-MM-dd.
bool is_calendar_date(std::string_view text);

// True for null or an all-whitespace string: what a @NotBlank check treats as missing.
bool is_blank(const nlohmann::json& value);

}  // namespace etl::sandbox
