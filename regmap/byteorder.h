/*
 * A register's value from the bytes of one access and back, in the
 * description's byte order (little-endian unless it says big), whatever
 * the host's.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

uint64_t regmap_value_from_bytes(const uint8_t *buf, unsigned bytes, bool big_endian);
void regmap_value_to_bytes(uint64_t value, uint8_t *buf, unsigned bytes, bool big_endian);
