#define G_LOG_DOMAIN "regmap-desc"
#include "regmap/desc.h"

#include <string.h>

bool regmap_desc_number(const char *file, const xmlNode *node, const xmlChar *ns,
			const char *name, enum regmap_number_syntax syntax, bool required,
			uint64_t *value, GError **err)
{
	xmlNode *c = regmap_xml_child(node, ns, name);
	g_autofree char *text = NULL;

	if (!c) {
		if (required)
			regmap_fail(err, file, regmap_xml_line(node), "<%s> has no <%s>",
				    (const char *)node->name, name);
		return false;
	}
	text = regmap_xml_text(c);
	if (!regmap_number_parse(text, syntax, value))
		return regmap_fail(err, file, regmap_xml_line(c), "<%s> is '%.64s': an expression, "
				   "a parameter or a number too large where a number belongs",
				   name, text);
	return true;
}

struct word {
	const char *text;
	int value;
};

static bool word(const char *file, const xmlNode *node, const xmlChar *ns, const char *name,
		 const struct word *words, int *value, bool *present, GError **err)
{
	xmlNode *c = regmap_xml_child(node, ns, name);
	g_autofree char *text = NULL;

	*present = c != NULL;
	if (!c)
		return true;
	text = regmap_xml_text(c);
	for (; words->text; words++)
		if (!strcmp(words->text, text)) {
			*value = words->value;
			return true;
		}
	return regmap_fail(err, file, regmap_xml_line(c), "<%s> is '%.64s', which is not known",
			   name, text);
}

static const struct word accesses[] = {
	{ "read-write", REGMAP_READ_WRITE },
	{ "read-only", REGMAP_READ_ONLY },
	{ "write-only", REGMAP_WRITE_ONLY },
	{ "writeOnce", REGMAP_WRITE_ONCE },
	{ "read-writeOnce", REGMAP_READ_WRITE_ONCE },
	{ NULL, 0 },
};

static const struct word write_effects[] = {
	{ "oneToClear", REGMAP_ONE_TO_CLEAR },
	{ "oneToSet", REGMAP_ONE_TO_SET },
	{ "oneToToggle", REGMAP_ONE_TO_TOGGLE },
	{ "zeroToClear", REGMAP_ZERO_TO_CLEAR },
	{ "zeroToSet", REGMAP_ZERO_TO_SET },
	{ "zeroToToggle", REGMAP_ZERO_TO_TOGGLE },
	{ "clear", REGMAP_WRITE_CLEARS },
	{ "set", REGMAP_WRITE_SETS },
	{ "modify", REGMAP_WRITE_MODIFIES },
	{ NULL, 0 },
};

static const struct word read_effects[] = {
	{ "clear", REGMAP_READ_CLEARS },
	{ "set", REGMAP_READ_SETS },
	{ "modify", REGMAP_READ_MODIFIES },
	{ "modifyExternal", REGMAP_READ_MODIFIES_EXTERNAL },
	{ NULL, 0 },
};

bool regmap_desc_access(const char *file, const xmlNode *node, const xmlChar *ns,
			const char *name, enum regmap_access *value, bool *present, GError **err)
{
	int v = *value;

	if (!word(file, node, ns, name, accesses, &v, present, err))
		return false;
	*value = v;
	return true;
}

bool regmap_desc_write_effect(const char *file, const xmlNode *node, const xmlChar *ns,
			      const char *name, enum regmap_write_effect *value, GError **err)
{
	int v = *value;
	bool present;

	if (!word(file, node, ns, name, write_effects, &v, &present, err))
		return false;
	*value = v;
	return true;
}

bool regmap_desc_read_effect(const char *file, const xmlNode *node, const xmlChar *ns,
			     const char *name, enum regmap_read_effect *value, GError **err)
{
	int v = *value;
	bool present;

	if (!word(file, node, ns, name, read_effects, &v, &present, err))
		return false;
	*value = v;
	return true;
}

char *regmap_desc_name(const char *file, const xmlNode *node, const xmlChar *ns, GError **err)
{
	char *name = regmap_xml_child_text(node, ns, "name");

	if (!name)
		regmap_fail(err, file, regmap_xml_line(node), "<%s> has no <name>",
			    (const char *)node->name);
	return name;
}

char *regmap_desc_array_name(const char *name, const char *index, bool is_array)
{
	const char *s;

	if (!is_array)
		return g_strdup(name);
	/* SVD's "NAME[%s]" is an array without explicit names: NAME0, NAME1, ... */
	if ((s = strstr(name, "[%s]")) && !s[4])
		return g_strdup_printf("%.*s%s", (int)(s - name), name, index);
	if ((s = strstr(name, "%s")))
		return g_strdup_printf("%.*s%s%s", (int)(s - name), name, index, s + 2);
	return g_strdup_printf("%s%s", name, index);
}

enum regmap_access regmap_desc_access_of_fields(const struct regmap_register *r)
{
	bool reads = false, writes = false;

	if (r->fields->len == 0)
		return REGMAP_READ_WRITE;
	for (guint i = 0; i < r->fields->len; i++) {
		const struct regmap_field *f = r->fields->pdata[i];

		reads |= regmap_access_reads(f->access);
		writes |= regmap_access_writes(f->access);
	}
	return reads && !writes ? REGMAP_READ_ONLY : writes && !reads ? REGMAP_WRITE_ONLY
								      : REGMAP_READ_WRITE;
}
