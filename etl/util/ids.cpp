#include "util/ids.hpp"

#include <openssl/evp.h>
#include <uuid/uuid.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <stdexcept>

namespace etl {

std::string new_uuid() {
  uuid_t id;
  uuid_generate_random(id);  // the random bits; the time and version bits are set below
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
  for (int i = 0; i < 6; ++i) id[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  id[6] = static_cast<unsigned char>(0x70 | (id[6] & 0x0f));  // version 7
  id[8] = static_cast<unsigned char>(0x80 | (id[8] & 0x3f));  // RFC 9562 variant
  std::array<char, 37> text{};
  uuid_unparse_lower(id, text.data());
  return std::string(text.data());
}

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed in libcrypto");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

}  // namespace etl
