/*
 * Numbers as descriptions write them. IP-XACT: decimal, 0x/0X or # hex,
 * Verilog literals ('h110, 32'h0000_0110, 'd12, 'b1010, 'o17) and a K/M/G/T
 * scale. SVD: decimal, 0x/0X hex, # binary, and a k/m/g/t scale.
 * Anything else (an expression, a parameter name) is not a number here.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum regmap_number_syntax {
	REGMAP_NUMBER_IPXACT,
	REGMAP_NUMBER_SVD,
	REGMAP_NUMBER_SVD_ENUM,  /* SVD enumerated values: # binary may hold x (don't care, taken as 0) */
};

/* Parses text (surrounding white space allowed); false if it is not a number or overflows. */
bool regmap_number_parse(const char *text, enum regmap_number_syntax syntax, uint64_t *value);
