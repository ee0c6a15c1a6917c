#define G_LOG_DOMAIN "regmap-number"
#include "regmap/number.h"

#include <glib.h>
#include <string.h>

/* Accumulates digits of base in [p, end); '_' separators when allowed. */
static bool digits(const char *p, const char *end, unsigned base, bool underscores,
		   bool dont_care, uint64_t *value)
{
	uint64_t v = 0;
	bool any = false;

	for (; p < end; p++) {
		int d;

		if (*p == '_' && underscores && any)
			continue;
		if (dont_care && (*p == 'x' || *p == 'X'))
			d = 0;
		else if ((d = g_ascii_xdigit_value(*p)) < 0 || (unsigned)d >= base)
			return false;
		if (v > (UINT64_MAX - (unsigned)d) / base)
			return false;
		v = v * base + (unsigned)d;
		any = true;
	}
	*value = v;
	return any;
}

static unsigned scale_shift(char c)
{
	switch (g_ascii_tolower(c)) {
	case 'k': return 10;
	case 'm': return 20;
	case 'g': return 30;
	case 't': return 40;
	default: return 0;
	}
}

/* 'h110, 32'h110, 'sd5: the size is ignored beyond being digits. */
static bool verilog(const char *p, const char *end, uint64_t *value)
{
	const char *tick = memchr(p, '\'', end - p);
	unsigned base;

	if (!tick)
		return false;
	for (const char *s = p; s < tick; s++)
		if (!g_ascii_isdigit(*s))
			return false;
	p = tick + 1;
	if (p < end && (*p == 's' || *p == 'S'))
		p++;
	if (p >= end)
		return false;
	switch (g_ascii_tolower(*p)) {
	case 'h': base = 16; break;
	case 'd': base = 10; break;
	case 'o': base = 8; break;
	case 'b': base = 2; break;
	default: return false;
	}
	return digits(p + 1, end, base, true, false, value);
}

bool regmap_number_parse(const char *text, enum regmap_number_syntax syntax, uint64_t *value)
{
	const char *p = text, *end;
	unsigned base = 10, shift;
	uint64_t v;

	while (g_ascii_isspace(*p))
		p++;
	end = p + strlen(p);
	while (end > p && g_ascii_isspace(end[-1]))
		end--;
	if (p < end && *p == '+')
		p++;
	if (syntax == REGMAP_NUMBER_IPXACT && memchr(p, '\'', end - p))
		return verilog(p, end, value);
	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (end - p > 1 && p[0] == '#') {
		base = syntax == REGMAP_NUMBER_IPXACT ? 16 : 2;
		p++;
	}
	shift = end > p ? scale_shift(end[-1]) : 0;
	if (shift && !(base == 16 && g_ascii_isxdigit(end[-1])))
		end--;
	else
		shift = 0;
	if (!digits(p, end, base, false, syntax == REGMAP_NUMBER_SVD_ENUM && base == 2, &v))
		return false;
	if (shift && v > (UINT64_MAX >> shift))
		return false;
	*value = v << shift;
	return true;
}
