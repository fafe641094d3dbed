// The validation fixtures and the one-case-per-code table of tests/test_validate.cpp, shared with
// tests/test_private_data.cpp, which runs every case again to check that no reason quotes a
// personal value.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

namespace etl::test::validation {

// A valid INDIVIDUAL with every list, and a valid minimal ORGANIZATION.
nlohmann::json individual();
nlohmann::json organization();

// One defect: a JSON merge patch on the fixture (null removes a key) and the problem it must give.
struct Case {
  const char* name;
  bool organization;
  const char* patch;
  const char* code;
  const char* path;
};

const std::vector<Case>& cases();

}  // namespace etl::test::validation
