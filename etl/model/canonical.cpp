#include "model/canonical.hpp"

#include <array>
#include <charconv>

#include "util/utf8.hpp"

namespace etl::model {
namespace {

using nlohmann::json;

// Bytes copied as they are: everything but control characters, '"' and '\\'.
constexpr std::array<bool, 256> plain_bytes() {
  std::array<bool, 256> plain{};
  for (int byte = 0x20; byte < 256; ++byte) plain[byte] = byte != '"' && byte != '\\';
  return plain;
}

void append_string(const std::string& text, std::string& out) {
  static constexpr std::array<bool, 256> kPlain = plain_bytes();
  out += '"';
  const char* run = text.data();  // start of the bytes not yet copied
  const char* const end = run + text.size();
  unsigned char seen = 0;  // every byte OR-ed: its top bit says whether any was not ASCII
  for (const char* p = run; p != end; ++p) {
    const auto byte = static_cast<unsigned char>(*p);
    seen |= byte;
    if (kPlain[byte]) continue;
    out.append(run, static_cast<std::size_t>(p - run));
    run = p + 1;
    switch (byte) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        const char escaped[] = {'\\', 'u', '0', '0', kHex[byte >> 4], kHex[byte & 0xF]};
        out.append(escaped, sizeof escaped);
      }
    }
  }
  // dump() refuses what is not UTF-8; let it say so in its own words.
  if ((seen & 0x80) != 0 && !valid_utf8(text)) (void)json(text).dump();
  out.append(run, static_cast<std::size_t>(end - run));
  out += '"';
}

template <typename Integer>
void append_integer(Integer number, std::string& out) {
  char digits[24];
  const auto written = std::to_chars(digits, digits + sizeof digits, number);
  out.append(digits, written.ptr);
}

}  // namespace

void append_canonical(const json& value, std::string& out) {
  switch (value.type()) {
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.get_ref<const json::object_t&>()) {
        if (!first) out += ',';
        first = false;
        append_string(key, out);
        out += ':';
        append_canonical(item, out);
      }
      out += '}';
      return;
    }
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const json& item : value) {
        if (!first) out += ',';
        first = false;
        append_canonical(item, out);
      }
      out += ']';
      return;
    }
    case json::value_t::string:
      append_string(value.get_ref<const std::string&>(), out);
      return;
    case json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case json::value_t::null:
      out += "null";
      return;
    case json::value_t::number_integer:
      append_integer(value.get<json::number_integer_t>(), out);
      return;
    case json::value_t::number_unsigned:
      append_integer(value.get<json::number_unsigned_t>(), out);
      return;
    default:  // floats (rare: decimals are sent as text or integers) and the rest: as dump()
      out += value.dump();
      return;
  }
}

std::string canonical_text(const json& value) {
  std::string out;
  out.reserve(1024);
  append_canonical(value, out);
  return out;
}

}  // namespace etl::model
