// Row -> Customer: converts each column's text to the JSON type AMLYZE expects, leaves NULLs out,
// adds the fields the job fills (requester, businessUnit), validates, and hashes the canonical
// payload. Independent of libpq: a row is a vector of nullable text values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/column_plan.hpp"
#include "model/customer.hpp"
#include "model/validate.hpp"

namespace etl::model {

struct TransformOptions {
  std::string requester;
  std::optional<std::string> business_unit;
  ValidationOptions validation;
};

// One source row: column i's text as PostgreSQL prints it, or nullopt for NULL.
using RowValues = std::vector<std::optional<std::string_view>>;

// Never throws for bad data: problems are recorded on the customer.
Customer transform_row(const ColumnPlan& plan, const RowValues& row,
                       const TransformOptions& options);

}  // namespace etl::model
