#include "model/column_plan.hpp"

#include <set>

#include "util/errors.hpp"
#include "util/text.hpp"

namespace etl::model {
namespace {

constexpr const char* kChangedAt = "_changed_at";

bool fits(FieldType field, ColumnKind column) {
  switch (field) {
    case FieldType::kString:
      return column == ColumnKind::kText || column == ColumnKind::kInteger ||
             column == ColumnKind::kDecimal || column == ColumnKind::kDate;
    case FieldType::kDate:
      // Text would be checked row by row; a date column makes a wrong mapping fail up front.
      return column == ColumnKind::kDate;
    case FieldType::kBoolean:
      return column == ColumnKind::kBoolean;
    case FieldType::kInteger:
    case FieldType::kDecimal:
      return column == ColumnKind::kInteger || column == ColumnKind::kDecimal;
    case FieldType::kObject:
    case FieldType::kList:
      return column == ColumnKind::kJson;
  }
  return false;
}

std::string cast_hint(FieldType field) {
  switch (field) {
    case FieldType::kString:
      return "cast it with ::text";
    case FieldType::kDate:
      return "cast it with ::date";
    case FieldType::kBoolean:
      return "return a boolean (e.g. flag = 'Y')";
    case FieldType::kInteger:
      return "cast it with ::bigint";
    case FieldType::kDecimal:
      return "cast it with ::numeric";
    case FieldType::kObject:
      return "build it with json_build_object(...)";
    case FieldType::kList:
      return "build it with json_agg(json_build_object(...))";
  }
  return "";
}

// Returns "" when the column is fine, else what is wrong with it and how to fix it.
std::string check_field_column(const SourceColumn& c, const FieldSpec* f,
                               bool business_unit_in_config) {
  if (f == nullptr) {
    const std::string hint = nearest(c.name, customer_spec().names());
    return "is not an AMLYZE customer field" +
           (hint.empty() ? std::string("") : "; did you mean \"" + hint + "\"?") +
           " (names are case-sensitive: quote them, AS \"firstName\")";
  }
  if (f->origin == Origin::kJob) {
    return "is filled by the job itself; remove the column";
  }
  if (f->origin == Origin::kNotInBatch) {
    return "must not be sent to batch-customers; remove the column";
  }
  if (f->name == "businessUnit" && business_unit_in_config) {
    return "is also set by amlyze.business_unit in the config; keep one of them";
  }
  if (!fits(f->type, c.kind)) {
    return "has SQL type " + c.sql_type + " but AMLYZE expects " + type_name(f->type) + ": " +
           cast_hint(f->type);
  }
  return "";
}

}  // namespace

ColumnPlan plan_columns(const std::vector<SourceColumn>& columns, const std::string& sql_file,
                        bool business_unit_in_config) {
  ColumnPlan plan;
  plan.column_count = columns.size();
  std::vector<std::string> errors;
  std::set<std::string> seen;
  bool has_changed_at = false;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const SourceColumn& c = columns[i];
    if (!seen.insert(c.name).second) {
      errors.push_back("column \"" + c.name + "\" appears twice");
      continue;
    }
    if (c.name == kChangedAt) {
      has_changed_at = true;
      plan.changed_at = i;
      if (c.kind != ColumnKind::kTimestamp) {
        errors.push_back("column \"_changed_at\" has SQL type " + c.sql_type +
                         " but must be timestamptz");
      }
      continue;
    }
    if (!c.name.empty() && c.name[0] == '_') {
      errors.push_back("column \"" + c.name + "\": names starting with _ are reserved for the job");
      continue;
    }
    const FieldSpec* f = customer_spec().find(c.name);
    const std::string problem = check_field_column(c, f, business_unit_in_config);
    if (!problem.empty()) {
      errors.push_back("column \"" + c.name + "\" " + problem);
      continue;
    }
    plan.fields.push_back({i, f, c.kind});
  }
  if (!has_changed_at) {
    errors.push_back("column \"_changed_at\" (timestamptz, the row's latest change) is missing");
  }
  for (const auto& f : customer_spec().fields) {
    if (f.required && f.scope == Scope::kAny && f.origin == Origin::kSource &&
        seen.count(f.name) == 0) {
      errors.push_back("column \"" + f.name +
                       "\" is missing: AMLYZE requires it for every customer");
    }
  }
  if (errors.empty()) return plan;
  std::string message = sql_file + ": the extract query does not fit the mapping contract:";
  for (const auto& e : errors) message += "\n  - " + e;
  message += "\nFix the query (see README, \"The SQL contract\"); nothing was sent.";
  throw ConfigError(message);
}

}  // namespace etl::model
