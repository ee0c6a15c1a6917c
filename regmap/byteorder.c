#define G_LOG_DOMAIN "regmap-byteorder"
#include "regmap/byteorder.h"

uint64_t regmap_value_from_bytes(const uint8_t *buf, unsigned bytes, bool big_endian)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)buf[big_endian ? bytes - 1 - i : i] << (8 * i);
	return v;
}

void regmap_value_to_bytes(uint64_t value, uint8_t *buf, unsigned bytes, bool big_endian)
{
	for (unsigned i = 0; i < bytes; i++)
		buf[big_endian ? bytes - 1 - i : i] = (uint8_t)(value >> (8 * i));
}
