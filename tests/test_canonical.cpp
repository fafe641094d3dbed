// The canonical text is what earlier versions hashed with nlohmann's dump(): any byte of
// difference would make every customer look changed and resend all of them once. Compared with
// dump() on the edge cases of JSON text and on generated documents.
#include <doctest/doctest.h>

#include <limits>
#include <random>
#include <string>

#include "model/canonical.hpp"

using etl::model::canonical_text;
using nlohmann::json;

namespace {

// A string of `length` code points from the ranges that escape or encode differently.
std::string random_text(std::mt19937& rng, int length) {
  static const char32_t kPool[] = {0x00,   0x01,   0x08,    0x09,    0x0A,    0x0C,  0x0D,
                                   0x1F,   0x20,   '"',     '\\',    '/',     'a',   'Z',
                                   '0',    0x7F,   0x80,    0xE9,    0x7FF,   0x800, 0x2028,
                                   0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
  std::string out;
  for (int i = 0; i < length; ++i) {
    const char32_t cp = kPool[rng() % (sizeof kPool / sizeof kPool[0])];
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

json random_value(std::mt19937& rng, int depth) {
  switch (rng() % (depth > 3 ? 5 : 7)) {
    case 0:
      return random_text(rng, static_cast<int>(rng() % 12));
    case 1:
      return static_cast<long long>(rng()) - (1LL << 31);
    case 2:
      return rng() % 2 == 0;
    case 3:
      return nullptr;
    case 4:
      return static_cast<double>(rng() % 100000) / 64.0;
    case 5: {
      json list = json::array();
      for (auto i = rng() % 4; i > 0; --i) list.push_back(random_value(rng, depth + 1));
      return list;
    }
    default: {
      json object = json::object();
      for (auto i = rng() % 5; i > 0; --i) {
        object[random_text(rng, 1 + static_cast<int>(rng() % 6))] = random_value(rng, depth + 1);
      }
      return object;
    }
  }
}

}  // namespace

TEST_CASE("canonical text: the bytes dump() writes, for each kind of value") {
  const json cases[] = {
      json::object(),
      json::array(),
      "",
      "plain ascii",
      "quote \" and backslash \\ and slash /",
      std::string("controls \x01\x08\x09\x0a\x0b\x0c\x0d\x1b\x1f and nul ") + '\0' + " end",
      "delete \x7f stays",
      "Šarūnas Žemaitė, Ελλάδα, 日本, emoji \xF0\x9F\x98\x80",
      "line separator \xE2\x80\xA8 kept",
      0,
      -1,
      std::numeric_limits<long long>::min(),
      std::numeric_limits<long long>::max(),
      std::numeric_limits<unsigned long long>::max(),
      1.5,
      -0.0,
      0.1,
      1e300,
      true,
      false,
      nullptr,
      json::parse(R"({"b":[1,{"z":null,"a":"x"}],"a":{"":""},"A":[],"é":1})"),
  };
  for (const json& value : cases) {
    CAPTURE(value.dump());
    CHECK(canonical_text(value) == value.dump());
  }
}

TEST_CASE("canonical text: 2,000 generated documents equal dump()") {
  std::mt19937 rng(20261205);
  for (int i = 0; i < 2000; ++i) {
    const json value = random_value(rng, 0);
    const std::string expected = value.dump();
    REQUIRE_MESSAGE(canonical_text(value) == expected, "document " << i << ": " << expected);
  }
}

TEST_CASE("canonical text: a string that is not UTF-8 is refused as dump() refuses it") {
  for (const std::string& bad : {std::string("\xC3"), std::string("ok \xFF"),
                                 std::string("\xED\xA0\x80"), std::string("\xC0\xAF")}) {
    const json value = {{"name", bad}};
    CHECK_THROWS_AS(value.dump(), json::type_error);
    CHECK_THROWS_AS(canonical_text(value), json::type_error);
  }
}
