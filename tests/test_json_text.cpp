// parse_json (simdjson underneath) against nlohmann's own parser as the oracle: the same tree,
// value for value and type for type, for every text that is JSON, and nullopt for every text
// that is not. A difference would change customers' canonical text, so their hashes, and the
// next run would resend every customer once.
#include <doctest/doctest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "util/json_text.hpp"

using etl::parse_json;
using nlohmann::json;

namespace {

// Equal values of the same types all the way down (json's == takes 1 and 1u and 1.0 as equal).
bool same(const json& a, const json& b) {
  if (a.type() != b.type() || a != b) return false;
  if (a.is_array()) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!same(a[i], b[i])) return false;
    }
  }
  if (a.is_object()) {
    for (auto it = a.begin(), other = b.begin(); it != a.end(); ++it, ++other) {
      if (it.key() != other.key() || !same(*it, *other)) return false;
    }
  }
  return true;
}

void check_as_nlohmann(const std::string& text) {
  INFO("text: ", text);
  const json oracle = json::parse(text, nullptr, false);
  const std::optional<json> parsed = parse_json(text);
  if (oracle.is_discarded()) {
    CHECK_FALSE(parsed.has_value());
    return;
  }
  REQUIRE(parsed.has_value());
  CHECK(same(*parsed, oracle));
  CHECK(parsed->dump() == oracle.dump());
}

}  // namespace

TEST_SUITE("transform") {
  TEST_CASE("parse_json: each kind of value, typed as nlohmann types it") {
    const std::vector<std::string> texts = {
        "null",
        "true",
        "false",
        "0",
        "-0",
        "-0.0",
        "0.0",
        "1",
        "-1",
        "1.0",
        "1e2",
        "1E-2",
        "-1.5e+3",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "0.1",
        "1.7976931348623157e308",
        "5e-324",
        "1e400",
        "-1e400",
        "123456789012345678901",
        R"("")",
        R"("a\"b\\c\/d\b\f\n\r\t")",
        R"("\u00e9\u2028\uFFFF")",
        R"("\ud83d\ude00")",
        "\"Müller Straße 😀\"",
        R"([])",
        R"({})",
        R"([1,"a",null,true,{"k":[]}])",
        R"({"b":1,"a":2,"a":3})",
        R"({"a":{"a":{"a":[[[]]]}}})",
        R"(  [ 1 , 2 ]  )",
        R"([{"contactType" : "MOBILEPHONE", "contactDetails" : "+372900000002"}])",
        R"([{"country":"DE","addressType":"RESIDENCE","city":"Hamburg","zipCode":null}])",
        "\xEF\xBB\xBF[1]",
        "[0, -0]",
        "[-0, 0]",
        R"({"a": 0, "b": "x-0"})",
        R"({"a":	-0})",
        R"(["2024-04-08", 0])",
        R"(["a:-0", 0])",
        R"([0,[-0.0],-0e0])"};
    for (const auto& text : texts) check_as_nlohmann(text);
  }

  TEST_CASE("parse_json: texts that are not JSON are refused as nlohmann refuses them") {
    const std::vector<std::string> texts = {"",
                                            " ",
                                            "[",
                                            "]",
                                            "{",
                                            R"({"a":})",
                                            R"({"a" 1})",
                                            "[1,]",
                                            R"({"a":1,})",
                                            "01",
                                            "1.",
                                            ".5",
                                            "+1",
                                            "NaN",
                                            "Infinity",
                                            "tru",
                                            "nul",
                                            "[1] [2]",
                                            "[1]x",
                                            R"("abc)",
                                            R"("\x41")",
                                            R"("\u12")",
                                            R"("\ud800")",
                                            R"("\udc00x")",
                                            "\"a\x01b\"",
                                            "\"\xC3\x28\"",
                                            "'a'",
                                            "{a:1}",
                                            "[1 2]",
                                            std::string("[1]\0", 4)};
    for (const auto& text : texts) check_as_nlohmann(text);
  }

  TEST_CASE("parse_json: nesting deeper than simdjson's limit is nlohmann's to parse") {
    const std::string deep = std::string(1500, '[') + std::string(1500, ']');
    check_as_nlohmann(deep);
  }

  TEST_CASE("parse_json: 2,000 generated documents, as dumped and as pretty-printed") {
    std::mt19937 rng(20261206);
    const auto pick = [&](unsigned n) { return static_cast<unsigned>(rng() % n); };
    const auto number = [&]() -> json {
      switch (pick(5)) {
        case 0:
          return static_cast<long long>(rng()) - (1LL << 31);
        case 1:
          return static_cast<unsigned long long>(rng()) << 32 | rng();
        case 2:
          return static_cast<double>(pick(1u << 31)) / (1 + pick(1000));
        case 3:
          return -static_cast<double>(pick(100000)) / 7;
        default:
          return static_cast<int>(pick(100));
      }
    };
    for (int i = 0; i < 2000; ++i) {
      json doc = json::array();
      for (unsigned n = pick(4); n > 0; --n) {
        json item = json::object();
        for (unsigned k = pick(6); k > 0; --k) {
          const std::string key = "k" + std::to_string(pick(8));
          switch (pick(5)) {
            case 0:
              item[key] = number();
              break;
            case 1:
              item[key] = nullptr;
              break;
            case 2:
              item[key] = pick(2) == 0;
              break;
            case 3:
              item[key] = json::array({number(), "x\n\"y\"", json::object()});
              break;
            default:
              item[key] = "v\u00e9" + std::to_string(rng());
          }
        }
        doc.push_back(item);
      }
      check_as_nlohmann(doc.dump());
      check_as_nlohmann(doc.dump(2));
    }
  }
}
