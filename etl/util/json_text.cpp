#include "util/json_text.hpp"

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>

namespace etl {
namespace {

using nlohmann::json;
namespace dom = simdjson::dom;

// True when `text` may hold the number -0: some "-0" stands where a value starts (after '[', ':'
// or ',' and blanks). Inside a string that is only a false alarm, which costs a slower parse.
bool may_hold_minus_zero(std::string_view text) {
  for (auto at = text.find("-0"); at != std::string_view::npos; at = text.find("-0", at + 1)) {
    auto before = at;
    while (before > 0 && (text[before - 1] == ' ' || text[before - 1] == '\t' ||
                          text[before - 1] == '\n' || text[before - 1] == '\r')) {
      --before;
    }
    if (before == 0 || text[before - 1] == '[' || text[before - 1] == ':' ||
        text[before - 1] == ',') {
      return true;
    }
  }
  return false;
}

struct Builder {
  std::string_view text;
  std::optional<bool> minus_zero;  // may_hold_minus_zero(text), once a zero needs it

  bool build(dom::element e, json& out);
};

// Builds `out` from `e`; false when the element holds a number whose type nlohmann could choose
// otherwise (then the caller parses the text with nlohmann instead).
bool Builder::build(dom::element e, json& out) {
  switch (e.type()) {
    case dom::element_type::ARRAY: {
      out = json::array();
      const dom::array items = e.get_array().value_unsafe();
      for (dom::element item : items) {
        out.push_back(json());
        if (!build(item, out.back())) return false;
      }
      return true;
    }
    case dom::element_type::OBJECT: {
      out = json::object();
      const dom::object fields = e.get_object().value_unsafe();
      for (dom::key_value_pair field : fields) {
        // operator[]: a later duplicate key replaces the earlier one, as in nlohmann's parser.
        if (!build(field.value, out[std::string(field.key)])) return false;
      }
      return true;
    }
    case dom::element_type::INT64: {
      const std::int64_t v = e.get_int64().value_unsafe();
      // nlohmann keeps a number without sign, fraction or exponent as unsigned, and "-0" as
      // signed: simdjson reads "0" and "-0" alike.
      if (v == 0) {
        if (!minus_zero) minus_zero = may_hold_minus_zero(text);
        if (*minus_zero) return false;
      }
      if (v >= 0) {
        out = static_cast<std::uint64_t>(v);
      } else {
        out = v;
      }
      return true;
    }
    case dom::element_type::UINT64:
      out = e.get_uint64().value_unsafe();
      return true;
    case dom::element_type::DOUBLE:
      out = e.get_double().value_unsafe();
      return true;
    case dom::element_type::STRING:
      out = std::string(e.get_string().value_unsafe());
      return true;
    case dom::element_type::BOOL:
      out = e.get_bool().value_unsafe();
      return true;
    case dom::element_type::NULL_VALUE:
      out = nullptr;
      return true;
  }
  return false;
}

}  // namespace

std::optional<json> parse_json(std::string_view text) {
  // One parser and one padded copy per thread, reused: their buffers grow to the largest
  // document and stay.
  thread_local dom::parser parser;
  thread_local std::string padded;
  padded.clear();  // nothing to copy when the capacity grows
  padded.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  padded.assign(text);
  dom::element root;
  if (parser.parse(reinterpret_cast<const std::uint8_t*>(padded.data()), text.size(), false)
          .get(root) == simdjson::SUCCESS) {
    json out;
    if (Builder{text, std::nullopt}.build(root, out)) return out;
  }
  json out = json::parse(text, nullptr, false);
  if (out.is_discarded()) return std::nullopt;
  return out;
}

}  // namespace etl
