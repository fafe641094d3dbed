#include "ledger/compact.hpp"

#include <array>

#include "util/ids.hpp"

namespace etl::ledger {
namespace {

constexpr std::size_t kDigestBytes = 32;

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // upper case too: it would not read back as the same text
}

}  // namespace

void bind_hash(Statement& s, int index, std::string_view hex) {
  std::array<unsigned char, kDigestBytes> bytes{};
  if (hex.size() == 2 * kDigestBytes) {
    std::size_t i = 0;
    for (; i < kDigestBytes; ++i) {
      const int high = nibble(hex[2 * i]);
      const int low = nibble(hex[2 * i + 1]);
      if (high < 0 || low < 0) break;
      bytes[i] = static_cast<unsigned char>(high << 4 | low);
    }
    if (i == kDigestBytes) {
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
