#define G_LOG_DOMAIN "regmap-model"
#include "regmap/builder.h"

#include <errno.h>
#include <string.h>

struct regmap_builder {
	char *file;
	GPtrArray *blocks;      /* every block, registers or not */
	unsigned n_regs, n_fields;
};

G_DEFINE_QUARK(regmap-error-quark, regmap_error)

bool regmap_fail(GError **err, const char *file, unsigned line, const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(err, REGMAP_ERROR, EINVAL, "%s:%u: %s", file, line, msg);
	return false;
}

bool regmap_name_ok(const char *name, const char **why)
{
	*why = NULL;
	if (!name[0])
		*why = "is empty";
	else if (strlen(name) > REGMAP_NAME_MAX)
		*why = "is longer than 255 bytes";
	else if (name[0] == '.')
		*why = "starts with '.' (hidden, and .consume is reserved)";
	else if (strchr(name, '/'))
		*why = "holds a '/'";
	else if (!g_utf8_validate(name, -1, NULL))
		*why = "is not UTF-8";
	for (const char *p = name; !*why && *p; p++) {
		/* Spaces and '=' would break the lines of the registers dump. */
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			*why = "holds a space or a control character";
		else if (*p == '=')
			*why = "holds a '='";
	}
	return *why == NULL;
}

static void field_free(gpointer p)
{
	struct regmap_field *f = p;

	g_free(f->name);
	g_free(f->file);
	if (f->enums) {
		for (guint i = 0; i < f->enums->len; i++)
			g_free(g_array_index(f->enums, struct regmap_enum_value, i).name);
		g_array_unref(f->enums);
	}
	g_free(f);
}

static void register_free(gpointer p)
{
	struct regmap_register *r = p;

	g_free(r->name);
	g_free(r->path);
	g_ptr_array_unref(r->fields);
	g_free(r);
}

static void block_free(gpointer p)
{
	struct regmap_block *blk = p;

	if (!blk)
		return;         /* moved to the map */
	g_free(blk->name);
	g_ptr_array_unref(blk->regs);
	g_free(blk);
}

struct regmap_builder *regmap_builder_new(const char *file)
{
	struct regmap_builder *b = g_new0(struct regmap_builder, 1);

	b->file = g_strdup(file);
	b->blocks = g_ptr_array_new_with_free_func(block_free);
	return b;
}

void regmap_builder_free(struct regmap_builder *b)
{
	if (!b)
		return;
	g_free(b->file);
	g_ptr_array_unref(b->blocks);
	g_free(b);
}

const char *regmap_builder_file(const struct regmap_builder *b)
{
	return b->file;
}

struct regmap_block *regmap_builder_block(struct regmap_builder *b, const char *name,
					  uint64_t base, unsigned line, GError **err)
{
	struct regmap_block *blk;
	const char *why;

	if (!regmap_name_ok(name, &why)) {
		regmap_fail(err, b->file, line, "block name '%s' %s", name, why);
		return NULL;
	}
	blk = g_new0(struct regmap_block, 1);
	blk->name = g_strdup(name);
	blk->base = base;
	blk->line = line;
	blk->regs = g_ptr_array_new_with_free_func(register_free);
	g_ptr_array_add(b->blocks, blk);
	return blk;
}

struct regmap_register *regmap_builder_register(struct regmap_builder *b, struct regmap_block *blk,
						const char *name, uint64_t address, uint64_t bits,
						unsigned line, GError **err)
{
	struct regmap_register *r;
	const char *why;

	if (!regmap_name_ok(name, &why)) {
		regmap_fail(err, b->file, line, "register name '%s' %s", name, why);
		return NULL;
	}
	if (bits != 8 && bits != 16 && bits != 32 && bits != 64) {
		regmap_fail(err, b->file, line, "register %s is %" G_GUINT64_FORMAT
			    " bits wide: only 8, 16, 32 and 64 are accessible", name, bits);
		return NULL;
	}
	if (++b->n_regs > REGMAP_MAX_REGISTERS) {
		regmap_fail(err, b->file, line, "more than %u registers", REGMAP_MAX_REGISTERS);
		return NULL;
	}
	r = g_new0(struct regmap_register, 1);
	r->name = g_strdup(name);
	r->block = blk;
	r->address = address;
	r->bytes = bits / 8;
	r->line = line;
	r->fields = g_ptr_array_new_with_free_func(field_free);
	g_ptr_array_add(blk->regs, r);
	return r;
}

struct regmap_field *regmap_builder_field(struct regmap_builder *b, struct regmap_register *reg,
					  const char *name, uint64_t lsb, uint64_t bits,
					  unsigned line, GError **err)
{
	struct regmap_field *f;
	g_autofree char *file = g_strdup_printf("%s.%s", reg->name, name);
	const char *why;

	if (!regmap_name_ok(name, &why) || !regmap_name_ok(file, &why)) {
		regmap_fail(err, b->file, line, "field name '%s' of register %s %s", name,
			    reg->name, why);
		return NULL;
	}
	if (bits == 0 || lsb >= reg->bytes * 8u || bits > reg->bytes * 8u - lsb) {
		regmap_fail(err, b->file, line, "field %s (bits %" G_GUINT64_FORMAT "..%"
			    G_GUINT64_FORMAT ") is outside its %u-bit register %s", file, lsb,
			    lsb + bits - (bits > 0), reg->bytes * 8, reg->name);
		return NULL;
	}
	if (++b->n_fields > REGMAP_MAX_FIELDS) {
		regmap_fail(err, b->file, line, "more than %u fields", REGMAP_MAX_FIELDS);
		return NULL;
	}
	f = g_new0(struct regmap_field, 1);
	f->name = g_strdup(name);
	f->file = g_steal_pointer(&file);
	f->reg = reg;
	f->lsb = lsb;
	f->bits = bits;
	f->line = line;
	f->access = reg->access;
	g_ptr_array_add(reg->fields, f);
	return f;
}

bool regmap_builder_enum(struct regmap_builder *b, struct regmap_field *f, const char *name,
			 uint64_t value, unsigned line, GError **err)
{
	struct regmap_enum_value ev;

	if (value > regmap_mask(f->bits))
		return regmap_fail(err, b->file, line, "value %s = %#" G_GINT64_MODIFIER
				   "x of field %s does not fit in %u bits", name, value, f->file,
				   f->bits);
	if (!f->enums)
		f->enums = g_array_new(FALSE, FALSE, sizeof(struct regmap_enum_value));
	for (guint i = 0; i < f->enums->len; i++)
		if (!strcmp(g_array_index(f->enums, struct regmap_enum_value, i).name, name))
			return regmap_fail(err, b->file, line, "field %s names value %s twice",
					   f->file, name);
	ev.name = g_strdup(name);
	ev.value = value;
	g_array_append_val(f->enums, ev);
	return true;
}

/* ---- finishing: placement and the checks that need every register ---- */

static gint by_offset(gconstpointer a, gconstpointer b)
{
	const struct regmap_register *x = *(struct regmap_register *const *)a;
	const struct regmap_register *y = *(struct regmap_register *const *)b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static gint by_lsb(gconstpointer a, gconstpointer b)
{
	const struct regmap_field *x = *(struct regmap_field *const *)a;
	const struct regmap_field *y = *(struct regmap_field *const *)b;

	return x->lsb < y->lsb ? -1 : x->lsb > y->lsb;
}

static bool place_register(struct regmap_builder *b, struct regmap_register *r, uint64_t base,
			   const struct regmap_place *place, GError **err)
{
	uint64_t rel = r->address - base;

	if (rel > UINT64_MAX - place->offset || rel + place->offset > place->bar_size ||
	    r->bytes > place->bar_size - (rel + place->offset))
		return regmap_fail(err, b->file, r->line, "register %s at %#" G_GINT64_MODIFIER
				   "x (%u bytes) ends past the end of bar%u (%#" G_GINT64_MODIFIER
				   "x bytes)", r->name, rel + place->offset, r->bytes, place->bar,
				   place->bar_size);
	r->offset = rel + place->offset;
	/* One access of the register's width needs natural alignment (no split). */
	if (r->offset % r->bytes)
		return regmap_fail(err, b->file, r->line, "register %s at %#" G_GINT64_MODIFIER "x is not "
				   "aligned to its %u bytes", r->name, r->offset, r->bytes);
	return true;
}

/* Fields of one register must not share bits (a read-modify-write could not tell them apart). */
static bool check_fields(struct regmap_builder *b, struct regmap_register *r, GError **err)
{
	g_ptr_array_sort(r->fields, by_lsb);
	for (guint i = 1; i < r->fields->len; i++) {
		const struct regmap_field *p = r->fields->pdata[i - 1], *f = r->fields->pdata[i];

		if (p->lsb + p->bits > f->lsb)
			return regmap_fail(err, b->file, f->line, "fields %s and %s overlap",
					   p->file, f->file);
	}
	for (guint i = 0; i < r->fields->len; i++) {
		const struct regmap_field *f = r->fields->pdata[i];

		if (f->read_effect != REGMAP_READ_PLAIN)
			r->read_side_effect = true;
	}
	if (r->read_effect != REGMAP_READ_PLAIN)
		r->read_side_effect = true;
	return true;
}

static bool add_entry(struct regmap_builder *b, struct regmap *map, const struct regmap_block *blk,
		      const char *name, const struct regmap_register *r,
		      const struct regmap_field *f, unsigned line, GError **err)
{
	char *key = map->subdirs ? g_strdup_printf("%s/%s", blk->name, name) : g_strdup(name);
	struct regmap_entry *e;

	if (g_hash_table_contains(map->entries, key)) {
		regmap_fail(err, b->file, line, "the name %s is used twice%s%s", name,
			    map->subdirs ? " in block " : "", map->subdirs ? blk->name : "");
		g_free(key);
		return false;
	}
	e = g_new(struct regmap_entry, 1);
	e->reg = r;
	e->field = f;
	g_hash_table_insert(map->entries, key, e);
	return true;
}

static bool index_block(struct regmap_builder *b, struct regmap *map, struct regmap_block *blk,
			GError **err)
{
	for (guint i = 0; i < blk->regs->len; i++) {
		struct regmap_register *r = blk->regs->pdata[i];

		r->path = map->subdirs ? g_strdup_printf("%s/%s", blk->name, r->name)
				       : g_strdup(r->name);
		if (!add_entry(b, map, blk, r->name, r, NULL, r->line, err))
			return false;
		for (guint j = 0; j < r->fields->len; j++) {
			const struct regmap_field *f = r->fields->pdata[j];

			if (!add_entry(b, map, blk, f->file, r, f, f->line, err))
				return false;
		}
	}
	return true;
}

static bool check_blocks(struct regmap_builder *b, struct regmap *map, GError **err)
{
	g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < map->blocks->len; i++) {
		const struct regmap_block *blk = map->blocks->pdata[i];

		if (!g_hash_table_add(names, blk->name))
			return regmap_fail(err, b->file, blk->line, "the block name %s is used twice",
					   blk->name);
	}
	return true;
}

static bool check_overlaps(struct regmap_builder *b, struct regmap *map, GError **err)
{
	g_ptr_array_sort(map->regs, by_offset);
	for (guint i = 1; i < map->regs->len; i++) {
		const struct regmap_register *p = map->regs->pdata[i - 1], *r = map->regs->pdata[i];

		if (p->offset + p->bytes > r->offset)
			return regmap_fail(err, b->file, r->line, "registers %s and %s overlap "
					   "(at %#" G_GINT64_MODIFIER "x and %#" G_GINT64_MODIFIER
					   "x)", p->path, r->path, p->offset, r->offset);
	}
	return true;
}

/* Moves the blocks with registers from b to map; returns the lowest base. */
static uint64_t take_blocks(struct regmap_builder *b, struct regmap *map)
{
	uint64_t base = UINT64_MAX;

	for (guint i = 0; i < b->blocks->len; i++) {
		struct regmap_block *blk = b->blocks->pdata[i];

		if (blk->regs->len == 0)
			continue;
		b->blocks->pdata[i] = NULL;
		g_ptr_array_add(map->blocks, blk);
		base = MIN(base, blk->base);
		for (guint j = 0; j < blk->regs->len; j++)
			base = MIN(base, ((struct regmap_register *)blk->regs->pdata[j])->address);
	}
	g_ptr_array_remove_range(b->blocks, 0, b->blocks->len);
	return base;
}

struct regmap *regmap_builder_finish(struct regmap_builder *b, const struct regmap_place *place,
				     GError **err)
{
	struct regmap *map = g_new0(struct regmap, 1);
	uint64_t base;

	map->file = g_strdup(b->file);
	map->blocks = g_ptr_array_new_with_free_func(block_free);
	map->regs = g_ptr_array_new();
	map->entries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	base = take_blocks(b, map);
	if (map->blocks->len == 0) {
		regmap_fail(err, b->file, 1, "the description names no registers");
		goto fail;
	}
	map->subdirs = map->blocks->len > 1;
	if (!check_blocks(b, map, err))
		goto fail;
	for (guint i = 0; i < map->blocks->len; i++) {
		struct regmap_block *blk = map->blocks->pdata[i];

		for (guint j = 0; j < blk->regs->len; j++) {
			struct regmap_register *r = blk->regs->pdata[j];

			if (!place_register(b, r, base, place, err) || !check_fields(b, r, err))
				goto fail;
			g_ptr_array_add(map->regs, r);
		}
		if (!index_block(b, map, blk, err))
			goto fail;
		g_ptr_array_sort(blk->regs, by_offset);
	}
	if (!check_overlaps(b, map, err))
		goto fail;
	regmap_builder_free(b);
	return map;
fail:
	regmap_builder_free(b);
	regmap_free(map);
	return NULL;
}

void regmap_free(struct regmap *map)
{
	if (!map)
		return;
	g_hash_table_unref(map->entries);
	g_ptr_array_unref(map->regs);
	g_ptr_array_unref(map->blocks);
	g_free(map->file);
	g_free(map);
}

const struct regmap_entry *regmap_lookup(const struct regmap *map, const char *path)
{
	return g_hash_table_lookup(map->entries, path);
}
