/*
 * libFuzzer targets over regmap/: the register-description parser (both
 * formats, whatever the root element; seeded from examples/regmaps/), the
 * value parser users write to register files, and the FILE@barN+OFFSET
 * spec. Any bytes must be refused (EINVAL or EFBIG) or parsed into a model
 * that keeps the promises: registers sorted, inside the BAR, not
 * overlapping, every field inside its register, every name found by lookup.
 * One target per build, chosen with -DFUZZ_TARGET=N (see run.sh).
 */
#include "fuzz.h"
#include "regmap/regmap.h"
#include "regmap/spec.h"
#include "regmap/value.h"

#include <errno.h>
#include <string.h>

#define BAR_SIZE 0x10000

static void check_model(const struct regmap *map)
{
	for (guint i = 0; i < map->regs->len; i++) {
		const struct regmap_register *r = map->regs->pdata[i];
		const struct regmap_register *next = i + 1 < map->regs->len ? map->regs->pdata[i + 1] : NULL;

		if (r->offset + r->bytes > BAR_SIZE || (next && r->offset + r->bytes > next->offset))
			__builtin_trap();
		if (regmap_lookup(map, r->path) == NULL || regmap_lookup(map, r->path)->reg != r)
			__builtin_trap();
		for (guint j = 0; j < r->fields->len; j++) {
			const struct regmap_field *f = r->fields->pdata[j];

			if (f->lsb + f->bits > r->bytes * 8u || f->bits == 0)
				__builtin_trap();
		}
	}
}

static void fuzz_description(const uint8_t *p, size_t n)
{
	struct regmap_place place = { .bar = 0, .bar_size = BAR_SIZE };
	GError *err = NULL;
	struct regmap *map = regmap_parse("fuzz.xml", (const char *)p, n, &place, &err);

	if (map) {
		check_model(map);
		regmap_free(map);
	} else if (!err || (err->code != EINVAL && err->code != EFBIG)) {
		__builtin_trap();
	}
	g_clear_error(&err);
}

/* First byte: the width in bits (1..64); the rest: what a user writes. */
static void fuzz_value(const uint8_t *p, size_t n)
{
	struct regmap_enum_value ev[] = { { "RUN", 1 }, { "STOP", 0 } };
	GArray *enums = g_array_new(FALSE, FALSE, sizeof(struct regmap_enum_value));
	char text[REGMAP_VALUE_TEXT_MAX];
	unsigned bits;
	uint64_t v = 0;
	int e;

	if (n < 1)
		goto out;
	bits = p[0] % 64 + 1;
	g_array_append_vals(enums, ev, 2);
	e = regmap_value_parse((const char *)p + 1, n - 1, bits, enums, &v);
	if (e != 0 && e != EINVAL && e != ERANGE)
		__builtin_trap();
	if (e == 0) {
		uint64_t back;

		if (v > regmap_mask(bits))
			__builtin_trap();
		/* what the formatter prints, the parser reads back as the same value */
		if (regmap_value_parse(text, regmap_value_text(v, bits, text), bits, NULL, &back) ||
		    back != v)
			__builtin_trap();
	}
out:
	g_array_unref(enums);
}

static void fuzz_spec(const uint8_t *p, size_t n)
{
	char *text = g_strndup((const char *)p, n);
	struct regmap_spec spec;
	GError *err = NULL;

	if (regmap_spec_parse(text, &spec, &err)) {
		if (!spec.file[0] || spec.bar > 5)
			__builtin_trap();
		regmap_spec_clear(&spec);
	}
	g_clear_error(&err);
	g_free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fuzz_target *const targets[] = { fuzz_description, fuzz_value, fuzz_spec };

	fuzz_run(targets, G_N_ELEMENTS(targets), data, size);
	return 0;
}
