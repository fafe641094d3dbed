// Runs a program (the real amlyze-etl binary) and captures its exit code, stdout and stderr.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace etl::test {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `env` entries are added to (or, with an empty value, removed from) this process's environment.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env = {});

}  // namespace etl::test
