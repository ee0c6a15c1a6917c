#define G_LOG_DOMAIN "regmap-svd"
#include "regmap/svd.h"
#include "regmap/desc.h"

#include <string.h>

#define MAX_DEPTH 16            /* cluster nesting, derivedFrom chains */

struct svd {
	struct regmap_builder *b;
	const char *file;
	const xmlNode *root;
	bool big_endian;
};

/* The register properties SVD inherits device -> peripheral -> cluster -> register. */
struct props {
	uint64_t size, reset, reset_mask;
	enum regmap_access access;
	bool has_size, has_access, has_reset, has_mask;
};

struct scope {
	struct regmap_block *blk;
	const char *prefix;             /* cluster names joined with _ */
	uint64_t base;
	struct props props;
	unsigned depth;
};

bool regmap_svd_is(const xmlNode *root)
{
	return !root->ns && !strcmp((const char *)root->name, "device");
}

static bool is_element(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !n->ns && (!name || !strcmp((const char *)n->name, name));
}

static bool named(const xmlNode *n, const char *name)
{
	g_autofree char *text = regmap_xml_child_text(n, NULL, "name");

	return text && !strcmp(text, name);
}

/* A sibling of the same kind with that name. */
static const xmlNode *sibling(const xmlNode *n, const char *name)
{
	for (const xmlNode *s = n->parent ? n->parent->children : NULL; s; s = s->next)
		if (s != n && is_element(s, (const char *)n->name) && named(s, name))
			return s;
	return NULL;
}

/* An element named name among n's children of kinds peripheral, cluster or register. */
static const xmlNode *child_named(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (is_element(c, NULL) && named(c, name))
			return c;
	return NULL;
}

/* derivedFrom="NAME" (a sibling) or "PERIPHERAL.CLUSTER.REGISTER" (a path from the device). */
static const xmlNode *derived_base(const struct svd *s, const xmlNode *n)
{
	g_autofree char *from = (char *)xmlGetProp(n, (const xmlChar *)"derivedFrom");
	g_auto(GStrv) parts = NULL;
	const xmlNode *at;

	if (!from)
		return NULL;
	if ((at = sibling(n, from)))
		return at;
	parts = g_strsplit(from, ".", 0);
	at = regmap_xml_child(s->root, NULL, "peripherals");
	for (int i = 0; at && parts[i]; i++) {
		at = child_named(at, parts[i]);
		if (at && parts[i + 1]) {
			const xmlNode *regs = regmap_xml_child(at, NULL, "registers");

			if (regs)
				at = regs;
		}
	}
	return at;
}

/* n's child element name, or its derivedFrom base's. */
static xmlNode *child(const struct svd *s, const xmlNode *n, const char *name)
{
	for (unsigned depth = 0; n && depth < MAX_DEPTH; depth++) {
		xmlNode *c = regmap_xml_child(n, NULL, name);

		if (c)
			return c;
		n = derived_base(s, n);
	}
	return NULL;
}

static bool bad_derivation(const struct svd *s, const xmlNode *n, GError **err)
{
	g_autofree char *from = (char *)xmlGetProp(n, (const xmlChar *)"derivedFrom");

	if (!from || derived_base(s, n))
		return false;
	regmap_fail(err, s->file, regmap_xml_line(n), "derivedFrom='%.64s' names nothing in the "
		    "description", from);
	return true;
}

/* The number in child name (own or derived); *present says if there was one. */
static bool number(const struct svd *s, const xmlNode *n, const char *name, uint64_t *v,
		   bool *present, GError **err)
{
	xmlNode *c = child(s, n, name);

	*present = c != NULL;
	return !c || regmap_desc_number(s->file, c->parent, NULL, name, REGMAP_NUMBER_SVD, true, v, err);
}

static bool required(const struct svd *s, const xmlNode *n, const char *name, uint64_t *v,
		     GError **err)
{
	bool has;

	if (!number(s, n, name, v, &has, err))
		return false;
	if (!has)
		return regmap_fail(err, s->file, regmap_xml_line(n), "<%s> has no <%s>",
				   (const char *)n->name, name);
	return true;
}

static bool apply_props(const struct svd *s, const xmlNode *n, struct props *p, GError **err)
{
	xmlNode *a = child(s, n, "access");
	bool has;

	if (!number(s, n, "size", &p->size, &has, err))
		return false;
	p->has_size |= has;
	if (!number(s, n, "resetValue", &p->reset, &has, err))
		return false;
	p->has_reset |= has;
	if (!number(s, n, "resetMask", &p->reset_mask, &has, err))
		return false;
	p->has_mask |= has;
	if (a && !regmap_desc_access(s->file, a->parent, NULL, "access", &p->access, &has, err))
		return false;
	p->has_access |= a != NULL;
	return true;
}

/* ---- dim arrays ---- */

struct dim {
	uint64_t count, increment;
	bool is_array;
	GPtrArray *index;       /* of char *: the names for %s */
};

static void dim_clear(struct dim *d)
{
	if (d->index)
		g_ptr_array_unref(d->index);
}

static bool range_index(struct dim *d, const char *text)
{
	char a, b;
	unsigned long x, y;
	int used = 0;

	if (sscanf(text, "%lu-%lu%n", &x, &y, &used) == 2 && !text[used] && x <= y &&
	    y - x < REGMAP_MAX_REGISTERS) {
		for (unsigned long i = x; i <= y; i++)
			g_ptr_array_add(d->index, g_strdup_printf("%lu", i));
		return true;
	}
	if (sscanf(text, "%c-%c%n", &a, &b, &used) == 2 && !text[used] && g_ascii_isupper(a) &&
	    g_ascii_isupper(b) && a <= b) {
		for (char c = a; c <= b; c++)
			g_ptr_array_add(d->index, g_strdup_printf("%c", c));
		return true;
	}
	return false;
}

static bool dim_read(const struct svd *s, const xmlNode *n, struct dim *d, GError **err)
{
	xmlNode *idx = child(s, n, "dimIndex");
	bool has;

	*d = (struct dim){ .count = 1 };
	if (!number(s, n, "dim", &d->count, &d->is_array, err))
		return false;
	if (!d->is_array)
		return true;
	if (d->count == 0 || d->count > REGMAP_MAX_REGISTERS)
		return regmap_fail(err, s->file, regmap_xml_line(n), "<dim> %" G_GUINT64_FORMAT
				   " is 0 or makes more than %u elements", d->count, REGMAP_MAX_REGISTERS);
	if (!number(s, n, "dimIncrement", &d->increment, &has, err))
		return false;
	if (!has)
		return regmap_fail(err, s->file, regmap_xml_line(n), "<dim> without <dimIncrement>");
	d->index = g_ptr_array_new_with_free_func(g_free);
	if (idx) {
		g_autofree char *text = regmap_xml_text(idx);

		if (!range_index(d, text)) {
			g_auto(GStrv) parts = g_strsplit(text, ",", 0);

			for (int i = 0; parts[i]; i++)
				g_ptr_array_add(d->index, g_strdup(g_strstrip(parts[i])));
		}
		if (d->index->len != d->count) {
			regmap_fail(err, s->file, regmap_xml_line(idx), "<dimIndex> '%.64s' does not "
				    "name %" G_GUINT64_FORMAT " elements", text, d->count);
			g_clear_pointer(&d->index, g_ptr_array_unref);
			return false;
		}
	} else {
		for (uint64_t i = 0; i < d->count; i++)
			g_ptr_array_add(d->index, g_strdup_printf("%" G_GUINT64_FORMAT, i));
	}
	return true;
}

static char *element_name(const struct dim *d, const char *name, uint64_t i)
{
	return regmap_desc_array_name(name, d->is_array ? d->index->pdata[i] : "", d->is_array);
}

/* ---- fields ---- */

static bool enum_values(const struct svd *s, const xmlNode *fn, struct regmap_field *f,
			GError **err)
{
	xmlNode *first = child(s, fn, "enumeratedValues");
	xmlNode *list = NULL;

	/* Several lists (read and write usage): the names to write are those not read-only. */
	for (xmlNode *l = first; l; l = regmap_xml_next(l)) {
		g_autofree char *usage = regmap_xml_child_text(l, NULL, "usage");

		if (!usage || strcmp(usage, "read")) {
			list = l;
			break;
		}
	}
	if (list && !regmap_xml_child(list, NULL, "enumeratedValue") && derived_base(s, list))
		list = (xmlNode *)derived_base(s, list);
	for (xmlNode *e = regmap_xml_child(list, NULL, "enumeratedValue"); e; e = regmap_xml_next(e)) {
		g_autofree char *name = NULL;
		uint64_t v;

		if (regmap_xml_child(e, NULL, "isDefault"))
			continue;   /* "every other value": no value to write */
		if (!(name = regmap_desc_name(s->file, e, NULL, err)) ||
		    !regmap_desc_number(s->file, e, NULL, "value", REGMAP_NUMBER_SVD_ENUM, true, &v, err) ||
		    !regmap_builder_enum(s->b, f, name, v, regmap_xml_line(e), err))
			return false;
	}
	return true;
}

/* The three ways SVD gives a field's bits. */
static bool field_bits(const struct svd *s, const xmlNode *fn, uint64_t *lsb, uint64_t *bits,
		       GError **err)
{
	xmlNode *range = child(s, fn, "bitRange");
	uint64_t msb, width;
	bool has_off, has_width, has_lsb, has_msb;

	if (range) {
		g_autofree char *text = regmap_xml_text(range);
		unsigned long hi, lo;
		int used = 0;

		if (sscanf(text, "[%lu:%lu]%n", &hi, &lo, &used) != 2 || text[used] || hi < lo)
			return regmap_fail(err, s->file, regmap_xml_line(range), "<bitRange> '%.64s' "
					   "is not [MSB:LSB]", text);
		*lsb = lo;
		*bits = hi - lo + 1;
		return true;
	}
	if (!number(s, fn, "bitOffset", lsb, &has_off, err) ||
	    !number(s, fn, "bitWidth", &width, &has_width, err) ||
	    !number(s, fn, "lsb", &msb, &has_lsb, err))
		return false;
	if (has_off) {
		*bits = has_width ? width : 1;
		return true;
	}
	if (has_lsb) {
		*lsb = msb;
		if (!number(s, fn, "msb", &msb, &has_msb, err))
			return false;
		if (has_msb && msb >= *lsb && msb < 64) {
			*bits = msb - *lsb + 1;
			return true;
		}
	}
	return regmap_fail(err, s->file, regmap_xml_line(fn), "field without bitRange, "
			   "bitOffset or lsb/msb");
}

static bool one_field(const struct svd *s, const xmlNode *fn, struct regmap_register *r,
		      const char *name, uint64_t lsb, uint64_t bits,
		      enum regmap_write_effect reg_write, GError **err)
{
	struct regmap_field *f = regmap_builder_field(s->b, r, name, lsb, bits, regmap_xml_line(fn), err);
	xmlNode *a = child(s, fn, "access"), *w = child(s, fn, "modifiedWriteValues");
	xmlNode *ra = child(s, fn, "readAction");
	bool has;

	if (!f)
		return false;
	f->write_effect = reg_write;
	return (!a || regmap_desc_access(s->file, a->parent, NULL, "access", &f->access, &has, err)) &&
	       (!w || regmap_desc_write_effect(s->file, w->parent, NULL, "modifiedWriteValues",
					       &f->write_effect, err)) &&
	       (!ra || regmap_desc_read_effect(s->file, ra->parent, NULL, "readAction",
					       &f->read_effect, err)) &&
	       enum_values(s, fn, f, err);
}

static bool field(const struct svd *s, const xmlNode *fn, struct regmap_register *r,
		  enum regmap_write_effect reg_write, GError **err)
{
	g_autofree char *name = NULL;
	struct dim d;
	uint64_t lsb = 0, bits = 0;
	bool ok = true;

	if (bad_derivation(s, fn, err) || !(name = regmap_desc_name(s->file, fn, NULL, err)) ||
	    !field_bits(s, fn, &lsb, &bits, err) || !dim_read(s, fn, &d, err))
		return false;
	for (uint64_t i = 0; ok && i < d.count; i++) {
		g_autofree char *full = element_name(&d, name, i);

		/* dimIncrement counts bits for fields. */
		ok = one_field(s, fn, r, full, lsb + i * d.increment, bits, reg_write, err);
	}
	dim_clear(&d);
	return ok;
}

/* ---- registers and clusters ---- */

static bool one_register(const struct svd *s, const xmlNode *rn, const struct scope *sc,
			 const struct props *p, const char *name, uint64_t address, GError **err)
{
	xmlNode *fields = child(s, rn, "fields"), *w = child(s, rn, "modifiedWriteValues");
	xmlNode *ra = child(s, rn, "readAction");
	enum regmap_write_effect reg_write = REGMAP_WRITE_PLAIN;
	struct regmap_register *r;

	r = regmap_builder_register(s->b, sc->blk, name, address, p->size, regmap_xml_line(rn), err);
	if (!r)
		return false;
	r->big_endian = s->big_endian;
	r->access = p->access;
	r->has_reset = p->has_reset;
	r->reset = p->reset;
	r->reset_mask = p->has_mask ? p->reset_mask : regmap_mask(p->size);
	if ((w && !regmap_desc_write_effect(s->file, w->parent, NULL, "modifiedWriteValues",
					    &reg_write, err)) ||
	    (ra && !regmap_desc_read_effect(s->file, ra->parent, NULL, "readAction",
					    &r->read_effect, err)))
		return false;
	for (xmlNode *f = regmap_xml_child(fields, NULL, "field"); f; f = regmap_xml_next(f))
		if (!field(s, f, r, reg_write, err))
			return false;
	if (!p->has_access)
		r->access = regmap_desc_access_of_fields(r);
	return true;
}

static bool register_element(const struct svd *s, const xmlNode *rn, const struct scope *sc,
			     GError **err)
{
	g_autofree char *name = NULL;
	struct props p = sc->props;
	struct dim d;
	uint64_t offset;
	bool ok = true;

	if (bad_derivation(s, rn, err) || !(name = regmap_desc_name(s->file, rn, NULL, err)) ||
	    !required(s, rn, "addressOffset", &offset, err) || !apply_props(s, rn, &p, err))
		return false;
	if (!p.has_size)
		return regmap_fail(err, s->file, regmap_xml_line(rn), "register %s has no <size>, "
				   "nor does anything it inherits from", name);
	if (!dim_read(s, rn, &d, err))
		return false;
	for (uint64_t i = 0; ok && i < d.count; i++) {
		g_autofree char *base = element_name(&d, name, i);
		g_autofree char *full = g_strconcat(sc->prefix, base, NULL);

		ok = one_register(s, rn, sc, &p, full, sc->base + offset + i * d.increment, err);
	}
	dim_clear(&d);
	return ok;
}

static bool walk(const struct svd *s, const xmlNode *n, const struct scope *sc, GError **err);

/* A derived cluster without registers of its own has its base's. */
static const xmlNode *children_of(const struct svd *s, const xmlNode *n)
{
	for (unsigned depth = 0; n && depth < MAX_DEPTH; depth++) {
		if (regmap_xml_child(n, NULL, "register") || regmap_xml_child(n, NULL, "cluster"))
			return n;
		n = derived_base(s, n);
	}
	return NULL;
}

static bool cluster(const struct svd *s, const xmlNode *cn, const struct scope *sc, GError **err)
{
	g_autofree char *name = NULL;
	struct props p = sc->props;
	struct dim d;
	uint64_t offset;
	bool ok = true;
	const xmlNode *inner = children_of(s, cn);

	if (sc->depth >= MAX_DEPTH)
		return regmap_fail(err, s->file, regmap_xml_line(cn), "clusters nest deeper than %u",
				   MAX_DEPTH);
	if (bad_derivation(s, cn, err) || !(name = regmap_desc_name(s->file, cn, NULL, err)) ||
	    !required(s, cn, "addressOffset", &offset, err) ||
	    !apply_props(s, cn, &p, err) || !dim_read(s, cn, &d, err))
		return false;
	for (uint64_t i = 0; ok && inner && i < d.count; i++) {
		g_autofree char *base = element_name(&d, name, i);
		g_autofree char *prefix = g_strconcat(sc->prefix, base, "_", NULL);
		struct scope sub = { sc->blk, prefix, sc->base + offset + i * d.increment, p, sc->depth + 1 };

		ok = walk(s, inner, &sub, err);
	}
	dim_clear(&d);
	return ok;
}

static bool walk(const struct svd *s, const xmlNode *n, const struct scope *sc, GError **err)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
		if (is_element(c, "register") && !register_element(s, c, sc, err))
			return false;
		if (is_element(c, "cluster") && !cluster(s, c, sc, err))
			return false;
	}
	return true;
}

static bool peripheral(const struct svd *s, const xmlNode *pn, const struct props *device,
		       GError **err)
{
	g_autofree char *name = NULL;
	struct props p = *device;
	struct dim d;
	uint64_t base;
	bool has_base, ok = true;
	const xmlNode *regs = child(s, pn, "registers");

	if (bad_derivation(s, pn, err) || !(name = regmap_desc_name(s->file, pn, NULL, err)) ||
	    !number(s, pn, "baseAddress", &base, &has_base, err) || !apply_props(s, pn, &p, err) ||
	    !dim_read(s, pn, &d, err))
		return false;
	if (!has_base)
		return regmap_fail(err, s->file, regmap_xml_line(pn), "peripheral %s has no "
				   "<baseAddress>", name);
	for (uint64_t i = 0; ok && i < d.count; i++) {
		g_autofree char *full = element_name(&d, name, i);
		struct scope sc = { .prefix = "", .base = base + i * d.increment, .props = p };

		sc.blk = regmap_builder_block(s->b, full, sc.base, regmap_xml_line(pn), err);
		ok = sc.blk && walk(s, regs, &sc, err);
	}
	dim_clear(&d);
	return ok;
}

bool regmap_svd_read(struct regmap_builder *b, const xmlNode *root, GError **err)
{
	struct svd s = { .b = b, .file = regmap_builder_file(b), .root = root };
	struct props device = { .access = REGMAP_READ_WRITE };
	xmlNode *cpu = regmap_xml_child(root, NULL, "cpu");
	xmlNode *periphs = regmap_xml_child(root, NULL, "peripherals");
	g_autofree char *endian = regmap_xml_child_text(cpu, NULL, "endian");

	s.big_endian = endian && !strcmp(endian, "big");
	if (!apply_props(&s, root, &device, err))
		return false;
	if (!periphs)
		return regmap_fail(err, s.file, regmap_xml_line(root), "the device has no <peripherals>");
	for (xmlNode *p = regmap_xml_child(periphs, NULL, "peripheral"); p; p = regmap_xml_next(p))
		if (!peripheral(&s, p, &device, err))
			return false;
	return true;
}
