#include "ledger/compact.hpp"

#include <array>

#include "util/ids.hpp"

namespace etl::ledger {
namespace {

constexpr std::size_t kDigestBytes = 32;

// Each byte's value as a lower-case hex digit, -1 for anything else (upper case too: it would not
// read back as the same text). A table, not a branch per character: two hashes of every customer
// are converted at each write-back.
constexpr std::array<signed char, 256> kNibble = [] {
  std::array<signed char, 256> table{};
  for (auto& value : table) value = -1;
  for (int c = '0'; c <= '9'; ++c)
    table[static_cast<std::size_t>(c)] = static_cast<signed char>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) {
    table[static_cast<std::size_t>(c)] = static_cast<signed char>(c - 'a' + 10);
  }
  return table;
}();

}  // namespace

void bind_hash(Statement& s, int index, std::string_view hex) {
  std::array<unsigned char, kDigestBytes> bytes{};
  if (hex.size() == 2 * kDigestBytes) {
    int invalid = 0;  // any -1 makes it negative; checked once, after the loop
    for (std::size_t i = 0; i < kDigestBytes; ++i) {
      const int high = kNibble[static_cast<unsigned char>(hex[2 * i])];
      const int low = kNibble[static_cast<unsigned char>(hex[2 * i + 1])];
      invalid |= high | low;
      // Masked: shifting a negative int is undefined; a -1 makes `invalid` throw the bytes away.
      bytes[i] = static_cast<unsigned char>((high & 0x0f) << 4 | (low & 0x0f));
    }
    if (invalid >= 0) {
      s.bind_blob(index, bytes.data(), bytes.size());
      return;
    }
  }
  s.bind(index, hex);
}

void bind_optional_hash(Statement& s, int index, const std::optional<std::string>& hex) {
  if (hex) {
    bind_hash(s, index, std::string_view(*hex));
  } else {
    s.bind_null(index);
  }
}

std::optional<std::string> read_hash(const Statement& s, int column) {
  if (s.is_null(column)) return std::nullopt;
  if (!s.is_blob(column)) return s.text(column);
  return hex_lower(s.blob(column));
}

}  // namespace etl::ledger
