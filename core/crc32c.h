// CRC-32C (Castagnoli), the checksum of every SQLite bus row
// (core/sqlite_schema.h holds its persisted parameters: reflected polynomial
// 0x82F63B78, initial value and final xor 0xFFFFFFFF; Crc32c("123456789") is
// 0xE3069283).
//
// Two implementations that return identical values for every input: the
// x86-64 SSE4.2 crc32 instruction, compiled whenever the compiler targets
// x86-64 and used when the CPU reports SSE4.2 at run time, and a portable
// table-driven slicing-by-8 fallback. Recovery checks one checksum per row
// read, so at >= 1 M rows/s the byte-at-a-time loop this replaces was a
// visible share of a replay.
//
// Thread-safety: pure functions (the CPU check is a function-local static).
// Determinism: the value depends only on the bytes, never on the path taken;
// tests/core/sqlite_crc32c_test.cc compares both paths on many inputs.
#pragma once

#include <cstdint>
#include <string_view>

namespace logact {

// CRC-32C of `data`.
uint32_t Crc32c(std::string_view data);

namespace crc32c_internal {
// The portable slicing-by-8 implementation (always available).
uint32_t Portable(std::string_view data);
// Whether Hardware() may be called on this machine.
bool HardwareAvailable();
// The SSE4.2 implementation. REQUIRES: HardwareAvailable().
uint32_t Hardware(std::string_view data);
}  // namespace crc32c_internal

}  // namespace logact
