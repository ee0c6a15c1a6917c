#define G_LOG_DOMAIN "regmap-value"
#include "regmap/value.h"
#include "regmap/regmap.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Digits of base in [p, end): 0, EINVAL (not a digit, none) or ERANGE (past 64 bits). */
static int number(const char *p, const char *end, unsigned base, uint64_t *value)
{
	uint64_t v = 0;
	int err = 0;

	if (p == end)
		return EINVAL;
	for (; p < end; p++) {
		int d = base == 16 ? g_ascii_xdigit_value(*p) : g_ascii_digit_value(*p);

		if (d < 0)
			return EINVAL;
		/* Keep scanning past an overflow: trailing garbage is EINVAL, not ERANGE. */
		if (v > (UINT64_MAX - (unsigned)d) / base)
			err = ERANGE;
		v = v * base + (unsigned)d;
	}
	*value = v;
	return err;
}

static int enum_value(const char *p, size_t len, const GArray *enums, uint64_t *value)
{
	for (guint i = 0; enums && i < enums->len; i++) {
		const struct regmap_enum_value *e = &g_array_index(enums, struct regmap_enum_value, i);

		if (strlen(e->name) == len && !memcmp(e->name, p, len)) {
			*value = e->value;
			return 0;
		}
	}
	return EINVAL;
}

int regmap_value_parse(const char *text, size_t len, unsigned bits, const GArray *enums,
		       uint64_t *value)
{
	const char *end = text + len;
	int err;

	if (len > 0 && end[-1] == '\n')
		end--;
	if (end == text)
		return EINVAL;
	if (!g_ascii_isdigit(text[0]))
		return enum_value(text, end - text, enums, value);
	if (end - text > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		err = number(text + 2, end, 16, value);
	else
		err = number(text, end, 10, value);
	if (err == 0 && *value > regmap_mask(bits))
		err = ERANGE;
	return err;
}

/*
 * By hand, not snprintf: this runs on every named read, and printf's
 * machinery cost more instructions than the rest of the daemon's part of it.
 */
size_t regmap_value_text(uint64_t value, unsigned bits, char *buf)
{
	static const char digit[] = "0123456789abcdef";
	unsigned digits = CLAMP((bits + 3) / 4, 1u, 16u);
	size_t n = 2;

	if (bits == 1) {
		buf[0] = (char)('0' + (value & 1));
		buf[1] = '\0';
		return 1;
	}
	/* "0x", at least the register's width in hex digits, more if the value has them. */
	while (digits < 16 && value >> (4 * digits))
		digits++;
	buf[0] = '0';
	buf[1] = 'x';
	for (unsigned i = 0; i < digits; i++)
		buf[n++] = digit[(value >> (4 * (digits - 1 - i))) & 0xf];
	buf[n] = '\0';
	return n;
}
