/* What counts as the same when two traces are compared (see trace_compare.h). */
#include "trace/trace_compare.h"

#include <errno.h>
#include <string.h>

struct rule {
	enum trace_space space;
	uint64_t offset;
	uint64_t bits;          /* compared bits: 0 for --ignore */
};

struct trace_filter {
	GArray *rules;
	bool ignore_data;
};

struct trace_filter *trace_filter_new(void)
{
	struct trace_filter *f = g_new0(struct trace_filter, 1);

	f->rules = g_array_new(FALSE, FALSE, sizeof(struct rule));
	return f;
}

void trace_filter_free(struct trace_filter *f)
{
	if (!f)
		return;
	g_array_free(f->rules, TRUE);
	g_free(f);
}

static bool parse_number(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || g_ascii_isspace(*s))
		return false;
	errno = 0;
	*v = g_ascii_strtoull(s, &end, 0);
	return errno == 0 && *end == '\0';
}

/* SPACE:OFFSET[:MASK] into a rule; fields is 2 or 3. */
static bool parse_rule(const char *arg, int fields, struct rule *rule, GError **err)
{
	char **parts = g_strsplit(arg, ":", 4);
	bool ok = (int)g_strv_length(parts) == fields && trace_space_parse(parts[0], &rule->space) &&
		  parse_number(parts[1], &rule->offset) && rule->offset < TRACE_OFFSET_MAX &&
		  (fields == 2 || parse_number(parts[2], &rule->bits));

	g_strfreev(parts);
	if (!ok)
		g_set_error(err, TRACE_ERROR, EINVAL, "'%s' is not %s", arg,
			    fields == 2 ? "SPACE:OFFSET (e.g. bar0:0x8)" :
					  "SPACE:OFFSET:MASK (e.g. bar0:0x8:0xffff0000)");
	return ok;
}

bool trace_filter_add_ignore(struct trace_filter *f, const char *arg, GError **err)
{
	struct rule rule = { 0 };

	if (!parse_rule(arg, 2, &rule, err))
		return false;
	rule.bits = 0;
	g_array_append_val(f->rules, rule);
	return true;
}

bool trace_filter_add_mask(struct trace_filter *f, const char *arg, GError **err)
{
	struct rule rule = { 0 };

	if (!parse_rule(arg, 3, &rule, err))
		return false;
	g_array_append_val(f->rules, rule);
	return true;
}

void trace_filter_ignore_data(struct trace_filter *f, bool ignore)
{
	f->ignore_data = ignore;
}

uint64_t trace_filter_bits(const struct trace_filter *f, enum trace_space space, uint64_t offset)
{
	uint64_t bits = UINT64_MAX;

	for (guint i = 0; f && i < f->rules->len; i++) {
		const struct rule *r = &g_array_index(f->rules, struct rule, i);

		if (r->space == space && r->offset == offset)
			bits &= r->bits;
	}
	return bits;
}

static bool same_name(const char *a, const char *b)
{
	return g_strcmp0(a, b) == 0;
}

/* The name buffer name of a's trace has in b's. */
static const char *alias(GHashTable *names, const char *name)
{
	const char *other = names && name ? g_hash_table_lookup(names, name) : NULL;

	return other ? other : name;
}

bool trace_item_same_key(const struct trace_item *a, const struct trace_item *b, GHashTable *names)
{
	const struct trace_event *x = &a->ev, *y = &b->ev;

	if (x->kind != y->kind)
		return false;
	switch (x->kind) {
	case TRACE_R:
	case TRACE_W:
		return x->space == y->space && x->offset == y->offset && x->width == y->width;
	case TRACE_IRQ:
		return x->mode == y->mode && x->vector == y->vector;
	case TRACE_MODE:
		return x->mode == y->mode && x->count == y->count;
	case TRACE_MAP:
		return names || same_name(x->name, y->name);
	case TRACE_UNMAP:
		return same_name(alias(names, x->name), y->name);
	case TRACE_BUFW:
	case TRACE_BUFR:
	case TRACE_DMAR:
	case TRACE_DMAW:
		return same_name(alias(names, x->name), y->name) && x->offset == y->offset;
	case TRACE_RESET:
		return true;
	case TRACE_MARK:
		return same_name(x->text, y->text);
	case TRACE_LOST:
		return false;
	}
	return false;
}

/* A written value: equal, or the same place in the same buffer of each trace. */
static bool same_written(const struct trace_event *x, const struct trace_event *y, uint64_t bits,
			 const struct trace_iova_map *ia, const struct trace_iova_map *ib,
			 GHashTable *names)
{
	const char *na, *nb;
	uint64_t oa, ob;

	/* an address in a buffer of one trace must be the same place in the other's */
	if (ia && ib && trace_iova_locate(ia, x->value, x->width, &na, &oa))
		return trace_iova_locate(ib, y->value, y->width, &nb, &ob) &&
		       strcmp(alias(names, na), nb) == 0 && oa == ob;
	return (x->value & bits) == (y->value & bits);
}

static bool same_bytes(GBytes *a, GBytes *b)
{
	if (!a || !b)
		return a == b;
	return g_bytes_equal(a, b);
}

enum trace_verdict trace_item_compare(const struct trace_item *a, const struct trace_item *b,
				      const struct trace_filter *f, const struct trace_iova_map *ia,
				      const struct trace_iova_map *ib, GHashTable *names)
{
	const struct trace_event *x = &a->ev, *y = &b->ev;
	uint64_t bits;
	bool same;

	if (!trace_item_same_key(a, b, names))
		return TRACE_DIFFERENT;
	switch (x->kind) {
	case TRACE_R:
		bits = trace_filter_bits(f, x->space, x->offset);
		same = x->err == y->err && (bits == 0 || x->err || (x->value & bits) == (y->value & bits));
		break;
	case TRACE_W:
		bits = trace_filter_bits(f, x->space, x->offset);
		same = x->err == y->err && (bits == 0 || same_written(x, y, bits, ia, ib, names));
		break;
	case TRACE_MAP:
		same = x->size == y->size;
		break;
	case TRACE_BUFW:
		same = f && f->ignore_data ? x->size == y->size : same_bytes(x->bytes, y->bytes);
		break;
	case TRACE_BUFR:
		same = x->size == y->size &&
		       ((f && f->ignore_data) || strcmp(x->sha256, y->sha256) == 0);
		break;
	case TRACE_DMAR:
	case TRACE_DMAW:
		same = x->size == y->size && x->err == y->err;
		break;
	default:
		same = x->err == y->err;
		break;
	}
	if (!same)
		return TRACE_DIFFERENT;
	if (x->kind == TRACE_R && a->count != b->count && trace_filter_bits(f, x->space, x->offset))
		return TRACE_POLL_DIFFERS;
	return TRACE_SAME;
}
