#define G_LOG_DOMAIN "regmap-spec"
#include "regmap/spec.h"
#include "regmap/regmap.h"

#include <errno.h>
#include <string.h>

static bool offset_parse(const char *p, uint64_t *v)
{
	unsigned base = 10;
	uint64_t x = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return false;
	for (; *p; p++) {
		int d = base == 16 ? g_ascii_xdigit_value(*p) : g_ascii_digit_value(*p);

		if (d < 0 || x > (UINT64_MAX - (unsigned)d) / base)
			return false;
		x = x * base + (unsigned)d;
	}
	*v = x;
	return true;
}

bool regmap_spec_parse(const char *text, struct regmap_spec *spec, GError **err)
{
	const char *at = strrchr(text, '@');
	const char *p;

	*spec = (struct regmap_spec){ 0 };
	/* "@bar" then a digit marks the suffix; any other '@' belongs to the file name. */
	if (at && !strncmp(at + 1, "bar", 3) && g_ascii_isdigit(at[4])) {
		p = at + 4;
		if (*p > '5' || (p[1] && p[1] != '+') || (p[1] == '+' && !offset_parse(p + 2, &spec->offset))) {
			g_set_error(err, REGMAP_ERROR, EINVAL, "'%s': expected FILE@barN+OFFSET with N "
				    "from 0 to 5 and OFFSET decimal or 0x hex", text);
			return false;
		}
		spec->bar = *p - '0';
		spec->file = g_strndup(text, at - text);
	} else {
		spec->file = g_strdup(text);
	}
	if (!spec->file[0]) {
		g_set_error(err, REGMAP_ERROR, EINVAL, "'%s': no description file named", text);
		regmap_spec_clear(spec);
		return false;
	}
	return true;
}

void regmap_spec_clear(struct regmap_spec *spec)
{
	g_clear_pointer(&spec->file, g_free);
}
