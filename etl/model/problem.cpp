#include "model/problem.hpp"

namespace etl::model {

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

const Problem* first_mapping_problem(const Problems& problems) {
  for (const auto& p : problems) {
    if (p.mapping) return &p;
  }
  return nullptr;
}

}  // namespace etl::model
