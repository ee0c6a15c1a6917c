#define G_LOG_DOMAIN "regmap-dump"
#include "regmap/dump.h"
#include "regmap/value.h"

#include <inttypes.h>

bool regmap_register_dumpable(const struct regmap_register *r)
{
	return regmap_access_reads(r->access) && !r->read_side_effect;
}

static void line(GString *out, const struct regmap_register *r, const uint64_t *value)
{
	char text[REGMAP_VALUE_TEXT_MAX];

	g_string_append_printf(out, "%s 0x%04" PRIx64 " ", r->path, r->offset);
	if (value) {
		regmap_value_text(*value, r->bytes * 8, text);
		g_string_append(out, text);
	} else {
		g_string_append_c(out, '-');
	}
	for (guint i = 0; i < r->fields->len; i++) {
		const struct regmap_field *f = r->fields->pdata[i];

		g_string_append_printf(out, " %s=", f->name);
		if (value && regmap_access_reads(f->access)) {
			regmap_value_text(regmap_field_get(f, *value), f->bits, text);
			g_string_append(out, text);
		} else {
			g_string_append_c(out, '-');
		}
	}
	g_string_append_c(out, '\n');
}

char *regmap_dump(const struct regmap *map, regmap_read_fn *read, void *data)
{
	GString *out = g_string_sized_new(64 * map->regs->len);

	for (guint i = 0; i < map->regs->len; i++) {
		const struct regmap_register *r = map->regs->pdata[i];
		uint64_t v;

		if (!regmap_register_dumpable(r)) {
			line(out, r, NULL);
		} else if (read(r, &v, data) < 0) {
			g_string_append_printf(out, "%s 0x%04" PRIx64 " ?\n", r->path, r->offset);
		} else {
			line(out, r, &v);
		}
	}
	return g_string_free(out, FALSE);
}
