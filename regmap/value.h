/*
 * What users write to and read from register and field files: a number
 * (decimal, or 0x hex) or an enumerated value's name in, 0x and zero-padded
 * lower-case hex out (a one-bit field: 0 or 1).
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

/* "0x" + 16 digits + "\n" + NUL */
#define REGMAP_VALUE_TEXT_MAX 20

/*
 * Parses text[0..len) (one trailing newline allowed) as a value of bits
 * bits; enums (of struct regmap_enum_value, may be NULL) are names it may
 * take. Returns 0, ERANGE (a number too wide) or EINVAL (anything else).
 */
int regmap_value_parse(const char *text, size_t len, unsigned bits, const GArray *enums,
		       uint64_t *value);
/* Writes the value's text, without a newline, to buf (REGMAP_VALUE_TEXT_MAX bytes); returns its length. */
size_t regmap_value_text(uint64_t value, unsigned bits, char *buf);
