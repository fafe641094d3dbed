#include "util/ids.hpp"

#include <openssl/evp.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <random>
#include <stdexcept>

namespace etl {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Seeded once per thread from the kernel (std::random_device reads getrandom). libuuid's
// uuid_generate_random made four system calls per UUID (getpid, getuid, getppid, getrandom):
// 4% of a run's CPU on a virtual machine, where each one traps.
std::mt19937_64& generator() {
  thread_local std::mt19937_64 bits = [] {
    std::random_device kernel;
    std::seed_seq seed{kernel(), kernel(), kernel(), kernel(),
                       kernel(), kernel(), kernel(), kernel()};
    return std::mt19937_64(seed);
  }();
  return bits;
}

}  // namespace

std::string new_uuid() {
  std::array<unsigned char, 16> id{};
  const std::uint64_t high = generator()(), low = generator()();
  for (int i = 0; i < 8; ++i) {
    id[static_cast<std::size_t>(8 + i)] = static_cast<unsigned char>(low >> (8 * i));
  }
  id[6] = static_cast<unsigned char>(high);
  id[7] = static_cast<unsigned char>(high >> 8);
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
  for (std::size_t i = 0; i < 6; ++i) id[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  id[6] = static_cast<unsigned char>(0x70 | (id[6] & 0x0f));  // version 7
  id[8] = static_cast<unsigned char>(0x80 | (id[8] & 0x3f));  // RFC 9562 variant
  std::string text;
  text.reserve(36);
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text.push_back('-');
    text.push_back(kHex[id[i] >> 4]);
    text.push_back(kHex[id[i] & 0x0f]);
  }
  return text;
}

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed in libcrypto");
  }
  return hex_lower(std::string_view(reinterpret_cast<const char*>(digest.data()), length));
}

std::string hex_lower(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0x0f]);
  }
  return out;
}

}  // namespace etl
