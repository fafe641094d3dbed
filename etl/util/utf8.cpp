#include "util/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace etl {
namespace {

constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

bool continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Length of the well-formed sequence starting at `at`, or 0 (RFC 3629, table 3-7 of Unicode).
std::size_t sequence_length(const unsigned char* p, std::size_t left) {
  const unsigned char lead = p[0];
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (left < length || p[1] < low || p[1] > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (!continuation(p[i])) return 0;
  }
  return length;
}

}  // namespace

bool valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t left = text.size();
  while (left > 0) {
    if (left >= 8) {
      std::uint64_t chunk = 0;
      std::memcpy(&chunk, p, 8);
      if ((chunk & kHighBits) == 0) {
        p += 8;
        left -= 8;
        continue;
      }
    }
    if (*p < 0x80) {
      ++p;
      --left;
      continue;
    }
    const std::size_t length = sequence_length(p, left);
    if (length == 0) return false;
    p += length;
    left -= length;
  }
  return true;
}

}  // namespace etl
