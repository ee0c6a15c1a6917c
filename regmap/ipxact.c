#define G_LOG_DOMAIN "regmap-ipxact"
#include "regmap/ipxact.h"
#include "regmap/desc.h"

#include <string.h>

#define MAX_DEPTH 16    /* registerFile nesting */

static const char *const namespaces[] = {
	"http://www.spiritconsortium.org/XMLSchema/SPIRIT/1685-2009",
	"http://www.spiritconsortium.org/XMLSchema/SPIRIT/1.5",
	"http://www.accellera.org/XMLSchema/IPXACT/1685-2014",
};

struct ipx {
	struct regmap_builder *b;
	const char *file;
	const xmlChar *ns;
	bool big_endian;
};

/* Where the registers of one block or register file land and what they inherit. */
struct scope {
	struct regmap_block *blk;
	const char *prefix;             /* register file names joined with _ */
	uint64_t base;
	enum regmap_access access;
	bool has_access;
	unsigned depth;
};

const xmlChar *regmap_ipxact_namespace(const xmlNode *root)
{
	if (!root->ns || !root->ns->href || strcmp((const char *)root->name, "component"))
		return NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(namespaces); i++)
		if (!strcmp((const char *)root->ns->href, namespaces[i]))
			return root->ns->href;
	return NULL;
}

static bool present(const struct ipx *x, const xmlNode *n)
{
	g_autofree char *p = regmap_xml_child_text(n, x->ns, "isPresent");

	return !p || (strcmp(p, "false") && strcmp(p, "0"));
}

/* The product of an element's dim children (1 without any); false past the limit. */
static bool dims(const struct ipx *x, const xmlNode *n, uint64_t *count, bool *is_array,
		 GError **err)
{
	*count = 1;
	*is_array = false;
	for (xmlNode *d = regmap_xml_child(n, x->ns, "dim"); d; d = regmap_xml_next(d)) {
		g_autofree char *text = regmap_xml_text(d);
		uint64_t v;

		if (!regmap_number_parse(text, REGMAP_NUMBER_IPXACT, &v))
			return regmap_fail(err, x->file, regmap_xml_line(d), "<dim> is '%.64s': "
					   "an expression or parameter where a number belongs", text);
		if (v == 0 || v > REGMAP_MAX_REGISTERS || *count * v > REGMAP_MAX_REGISTERS)
			return regmap_fail(err, x->file, regmap_xml_line(d), "<dim> %" G_GUINT64_FORMAT
					   " makes more than %u elements", v, REGMAP_MAX_REGISTERS);
		*count *= v;
		*is_array = true;
	}
	return true;
}

static bool enum_values(const struct ipx *x, const xmlNode *n, struct regmap_field *f,
			GError **err)
{
	xmlNode *list = regmap_xml_child(n, x->ns, "enumeratedValues");

	for (xmlNode *e = regmap_xml_child(list, x->ns, "enumeratedValue"); e;
	     e = regmap_xml_next(e)) {
		g_autofree char *name = regmap_desc_name(x->file, e, x->ns, err);
		uint64_t v;

		if (!name || !regmap_desc_number(x->file, e, x->ns, "value", REGMAP_NUMBER_IPXACT,
						 true, &v, err) ||
		    !regmap_builder_enum(x->b, f, name, v, regmap_xml_line(e), err))
			return false;
	}
	return true;
}

/* 1685-2014 puts reset values on fields: resets/reset (the one without resetTypeRef). */
static bool field_reset(const struct ipx *x, const xmlNode *n, struct regmap_register *r,
			const struct regmap_field *f, GError **err)
{
	xmlNode *resets = regmap_xml_child(n, x->ns, "resets"), *chosen = NULL;
	uint64_t v, mask = regmap_mask(f->bits);

	for (xmlNode *rs = regmap_xml_child(resets, x->ns, "reset"); rs; rs = regmap_xml_next(rs))
		if (!chosen || !xmlHasProp(rs, (const xmlChar *)"resetTypeRef"))
			chosen = rs;
	if (!chosen)
		return true;
	if (!regmap_desc_number(x->file, chosen, x->ns, "value", REGMAP_NUMBER_IPXACT, true, &v, err))
		return false;
	if (regmap_xml_child(chosen, x->ns, "mask") &&
	    !regmap_desc_number(x->file, chosen, x->ns, "mask", REGMAP_NUMBER_IPXACT, true, &mask, err))
		return false;
	r->has_reset = true;
	r->reset |= (v & regmap_mask(f->bits)) << f->lsb;
	r->reset_mask |= (mask & regmap_mask(f->bits)) << f->lsb;
	return true;
}

static bool field(const struct ipx *x, const xmlNode *n, struct regmap_register *r, GError **err)
{
	g_autofree char *name = NULL;
	struct regmap_field *f;
	uint64_t lsb, bits;
	bool has;

	if (!present(x, n))
		return true;
	if (!(name = regmap_desc_name(x->file, n, x->ns, err)) ||
	    !regmap_desc_number(x->file, n, x->ns, "bitOffset", REGMAP_NUMBER_IPXACT, true, &lsb, err) ||
	    !regmap_desc_number(x->file, n, x->ns, "bitWidth", REGMAP_NUMBER_IPXACT, true, &bits, err))
		return false;
	f = regmap_builder_field(x->b, r, name, lsb, bits, regmap_xml_line(n), err);
	return f && regmap_desc_access(x->file, n, x->ns, "access", &f->access, &has, err) &&
	       regmap_desc_write_effect(x->file, n, x->ns, "modifiedWriteValue", &f->write_effect, err) &&
	       regmap_desc_read_effect(x->file, n, x->ns, "readAction", &f->read_effect, err) &&
	       enum_values(x, n, f, err) && field_reset(x, n, r, f, err);
}

/* 1685-2009: reset/value and reset/mask on the register. */
static bool register_reset(const struct ipx *x, const xmlNode *n, struct regmap_register *r,
			   GError **err)
{
	xmlNode *reset = regmap_xml_child(n, x->ns, "reset");

	if (!reset)
		return true;
	r->reset_mask = regmap_mask(r->bytes * 8);
	if (!regmap_desc_number(x->file, reset, x->ns, "value", REGMAP_NUMBER_IPXACT, true,
				&r->reset, err))
		return false;
	if (regmap_xml_child(reset, x->ns, "mask") &&
	    !regmap_desc_number(x->file, reset, x->ns, "mask", REGMAP_NUMBER_IPXACT, true,
				&r->reset_mask, err))
		return false;
	r->has_reset = true;
	return true;
}

static bool one_register(const struct ipx *x, const xmlNode *n, const struct scope *s,
			 const char *name, uint64_t address, uint64_t bits, GError **err)
{
	struct regmap_register *r;
	bool has_access;

	r = regmap_builder_register(x->b, s->blk, name, address, bits, regmap_xml_line(n), err);
	if (!r)
		return false;
	r->big_endian = x->big_endian;
	r->access = s->access;
	if (!regmap_desc_access(x->file, n, x->ns, "access", &r->access, &has_access, err) ||
	    !register_reset(x, n, r, err))
		return false;
	has_access |= s->has_access;
	for (xmlNode *f = regmap_xml_child(n, x->ns, "field"); f; f = regmap_xml_next(f))
		if (!field(x, f, r, err))
			return false;
	if (!has_access)
		r->access = regmap_desc_access_of_fields(r);
	return true;
}

static bool registers(const struct ipx *x, const xmlNode *n, const struct scope *s, GError **err)
{
	g_autofree char *name = NULL;
	uint64_t count, offset, bits;
	bool is_array;

	if (!present(x, n))
		return true;
	if (!(name = regmap_desc_name(x->file, n, x->ns, err)) || !dims(x, n, &count, &is_array, err) ||
	    !regmap_desc_number(x->file, n, x->ns, "addressOffset", REGMAP_NUMBER_IPXACT, true, &offset, err) ||
	    !regmap_desc_number(x->file, n, x->ns, "size", REGMAP_NUMBER_IPXACT, true, &bits, err))
		return false;
	for (uint64_t i = 0; i < count; i++) {
		g_autofree char *index = g_strdup_printf("%" G_GUINT64_FORMAT, i);
		g_autofree char *base = regmap_desc_array_name(name, index, is_array);
		g_autofree char *full = g_strconcat(s->prefix, base, NULL);

		/* Register arrays are contiguous: the stride is the register's size. */
		if (!one_register(x, n, s, full, s->base + offset + i * (bits / 8), bits, err))
			return false;
	}
	return true;
}

static bool scope_children(const struct ipx *x, const xmlNode *n, const struct scope *s,
			   GError **err);

static bool register_file(const struct ipx *x, const xmlNode *n, const struct scope *s,
			  GError **err)
{
	g_autofree char *name = NULL;
	uint64_t count, offset, range = 0;
	bool is_array;

	if (!present(x, n))
		return true;
	if (s->depth >= MAX_DEPTH)
		return regmap_fail(err, x->file, regmap_xml_line(n), "register files nest deeper "
				   "than %u", MAX_DEPTH);
	if (!(name = regmap_desc_name(x->file, n, x->ns, err)) || !dims(x, n, &count, &is_array, err) ||
	    !regmap_desc_number(x->file, n, x->ns, "addressOffset", REGMAP_NUMBER_IPXACT, true, &offset, err) ||
	    !regmap_desc_number(x->file, n, x->ns, "range", REGMAP_NUMBER_IPXACT, true, &range, err))
		return false;
	for (uint64_t i = 0; i < count; i++) {
		g_autofree char *index = g_strdup_printf("%" G_GUINT64_FORMAT, i);
		g_autofree char *base = regmap_desc_array_name(name, index, is_array);
		g_autofree char *prefix = g_strconcat(s->prefix, base, "_", NULL);
		struct scope sub = *s;

		sub.prefix = prefix;
		sub.base = s->base + offset + i * range;
		sub.depth = s->depth + 1;
		if (!scope_children(x, n, &sub, err))
			return false;
	}
	return true;
}

static bool scope_children(const struct ipx *x, const xmlNode *n, const struct scope *s,
			   GError **err)
{
	for (xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !c->ns || xmlStrcmp(c->ns->href, x->ns))
			continue;
		if (!strcmp((const char *)c->name, "register") && !registers(x, c, s, err))
			return false;
		if (!strcmp((const char *)c->name, "registerFile") && !register_file(x, c, s, err))
			return false;
	}
	return true;
}

static bool address_block(const struct ipx *x, const xmlNode *n, GError **err)
{
	g_autofree char *name = NULL;
	struct scope s = { .prefix = "", .access = REGMAP_READ_WRITE };

	if (!present(x, n))
		return true;
	if (!(name = regmap_desc_name(x->file, n, x->ns, err)) ||
	    !regmap_desc_number(x->file, n, x->ns, "baseAddress", REGMAP_NUMBER_IPXACT, true, &s.base, err) ||
	    !regmap_desc_access(x->file, n, x->ns, "access", &s.access, &s.has_access, err))
		return false;
	s.blk = regmap_builder_block(x->b, name, s.base, regmap_xml_line(n), err);
	return s.blk && scope_children(x, n, &s, err);
}

static bool memory_map(const struct ipx *x, const xmlNode *map, GError **err)
{
	uint64_t aub = 8;
	xmlNode *bad = regmap_xml_child(map, x->ns, "bank");

	if (!bad)
		bad = regmap_xml_child(map, x->ns, "subspaceMap");
	if (bad)
		return regmap_fail(err, x->file, regmap_xml_line(bad), "<%s> is not supported "
				   "(only addressBlock)", (const char *)bad->name);
	if (regmap_xml_child(map, x->ns, "addressUnitBits") &&
	    !regmap_desc_number(x->file, map, x->ns, "addressUnitBits", REGMAP_NUMBER_IPXACT, true,
				&aub, err))
		return false;
	if (aub != 8)
		return regmap_fail(err, x->file, regmap_xml_line(map), "addressUnitBits %"
				   G_GUINT64_FORMAT ": only byte addresses (8) are supported", aub);
	for (xmlNode *blk = regmap_xml_child(map, x->ns, "addressBlock"); blk;
	     blk = regmap_xml_next(blk))
		if (!address_block(x, blk, err))
			return false;
	return true;
}

/* Big-endian when a bus interface says so (IP-XACT puts endianness there). */
static bool big_endian(const struct ipx *x, const xmlNode *root)
{
	xmlNode *ifs = regmap_xml_child(root, x->ns, "busInterfaces");

	for (xmlNode *i = regmap_xml_child(ifs, x->ns, "busInterface"); i; i = regmap_xml_next(i)) {
		g_autofree char *e = regmap_xml_child_text(i, x->ns, "endianness");

		if (e && !strcmp(e, "big"))
			return true;
	}
	return false;
}

bool regmap_ipxact_read(struct regmap_builder *b, const xmlNode *root, GError **err)
{
	struct ipx x = { .b = b, .file = regmap_builder_file(b), .ns = regmap_ipxact_namespace(root) };
	xmlNode *maps = regmap_xml_child(root, x.ns, "memoryMaps");
	xmlNode *map = regmap_xml_child(maps, x.ns, "memoryMap");

	if (!map)
		return regmap_fail(err, x.file, regmap_xml_line(root), "the component has no "
				   "memoryMaps/memoryMap");
	x.big_endian = big_endian(&x, root);
	/* A description covers one BAR: the first memory map (one bus interface's view). */
	return memory_map(&x, map, err);
}
