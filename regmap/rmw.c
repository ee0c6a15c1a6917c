#define G_LOG_DOMAIN "regmap-rmw"
#include "regmap/rmw.h"

#include <errno.h>

static uint64_t field_mask(const struct regmap_field *f)
{
	return regmap_mask(f->bits) << f->lsb;
}

bool regmap_rmw_needs_read(const struct regmap_field *f)
{
	return field_mask(f) != regmap_mask(f->reg->bytes * 8);
}

/* What a sibling is written as: NULL when it has no no-op value (then *why). */
static int sibling_check(const struct regmap_field *s, char **why)
{
	switch (s->write_effect) {
	case REGMAP_WRITE_PLAIN:
		if (s->access == REGMAP_WRITE_ONCE || s->access == REGMAP_READ_WRITE_ONCE) {
			*why = g_strdup_printf("%s can be written once only: writing it back would "
					       "use that write", s->file);
			return EOPNOTSUPP;
		}
		if (!regmap_access_reads(s->access)) {
			*why = g_strdup_printf("%s is write-only: what it holds cannot be read to "
					       "be written back", s->file);
			return EOPNOTSUPP;
		}
		return 0;
	case REGMAP_WRITE_CLEARS:
	case REGMAP_WRITE_SETS:
	case REGMAP_WRITE_MODIFIES:
		*why = g_strdup_printf("every write changes %s: it has no value that leaves it "
				       "alone", s->file);
		return EOPNOTSUPP;
	default:
		return 0;
	}
}

int regmap_rmw_check(const struct regmap_field *f, char **why)
{
	const struct regmap_register *r = f->reg;

	*why = NULL;
	if (!regmap_access_writes(f->access)) {
		*why = g_strdup_printf("%s is read-only", f->file);
		return EACCES;
	}
	if (!regmap_rmw_needs_read(f))
		return 0;
	if (r->read_side_effect) {
		*why = g_strdup_printf("reading %s has a side effect (readAction), so it cannot be "
				       "read to change %s alone: write the whole register", r->name,
				       f->file);
		return EOPNOTSUPP;
	}
	if (!regmap_access_reads(r->access)) {
		*why = g_strdup_printf("%s cannot be read, so %s cannot be changed alone: write "
				       "the whole register", r->name, f->file);
		return EOPNOTSUPP;
	}
	for (guint i = 0; i < r->fields->len; i++) {
		const struct regmap_field *s = r->fields->pdata[i];
		int e;

		if (s != f && (e = sibling_check(s, why)))
			return e;
	}
	return 0;
}

uint64_t regmap_rmw_word(const struct regmap_field *f, uint64_t old, uint64_t value)
{
	const struct regmap_register *r = f->reg;
	uint64_t word = old;

	for (guint i = 0; i < r->fields->len; i++) {
		const struct regmap_field *s = r->fields->pdata[i];
		uint64_t m = field_mask(s);

		switch (s->write_effect) {
		case REGMAP_ONE_TO_CLEAR:
		case REGMAP_ONE_TO_SET:
		case REGMAP_ONE_TO_TOGGLE:
			word &= ~m;     /* zeros leave them alone */
			break;
		case REGMAP_ZERO_TO_CLEAR:
		case REGMAP_ZERO_TO_SET:
		case REGMAP_ZERO_TO_TOGGLE:
			word |= m;      /* ones leave them alone */
			break;
		default:
			break;          /* what was read is written back */
		}
	}
	word &= ~field_mask(f);
	word |= (value & regmap_mask(f->bits)) << f->lsb;
	return word & regmap_mask(r->bytes * 8);
}
