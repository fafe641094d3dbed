// The contract between the integrator's extract SQL and the job: every output column is named
// after an AMLYZE field (or is `_changed_at`) and has a SQL type that fits the field. Checked once,
// on the first result, before anything is sent; every mismatch is reported at once.
#pragma once

#include <string>
#include <vector>

#include "model/field_spec.hpp"

namespace etl::model {

// What a result column holds, from its PostgreSQL type.
enum class ColumnKind { kText, kBoolean, kInteger, kDecimal, kDate, kTimestamp, kJson, kOther };

struct SourceColumn {
  std::string name;
  ColumnKind kind = ColumnKind::kText;
  std::string sql_type;  // for messages, e.g. "timestamp without time zone"
};

struct ColumnBinding {
  std::size_t index = 0;
  const FieldSpec* field = nullptr;
  ColumnKind kind = ColumnKind::kText;
};

struct ColumnPlan {
  std::vector<ColumnBinding> fields;  // in column order
  std::size_t changed_at = 0;         // index of `_changed_at`
  std::size_t column_count = 0;
};

// Checks the columns against the customer spec. Throws ConfigError naming `sql_file`, every bad
// column, the nearest field name and the fix. `business_unit_in_config`: the config sets it, so a
// businessUnit column would be ambiguous.
ColumnPlan plan_columns(const std::vector<SourceColumn>& columns, const std::string& sql_file,
                        bool business_unit_in_config);

}  // namespace etl::model
