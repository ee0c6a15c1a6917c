/*
 * What the IP-XACT and SVD readers share beyond the builder: numbers and
 * the access words of both formats read out of elements, with the
 * "FILE:LINE: problem" refusals.
 */
#pragma once

#include "regmap/builder.h"
#include "regmap/number.h"
#include "regmap/xml_safe.h"

/* The number in child name of node. Absent: false with no error when !required. */
bool regmap_desc_number(const char *file, const xmlNode *node, const xmlChar *ns,
			const char *name, enum regmap_number_syntax syntax, bool required,
			uint64_t *value, GError **err);
/* Parses a word of node's child name into *value; absent: *present = false. */
bool regmap_desc_access(const char *file, const xmlNode *node, const xmlChar *ns,
			const char *name, enum regmap_access *value, bool *present, GError **err);
bool regmap_desc_write_effect(const char *file, const xmlNode *node, const xmlChar *ns,
			      const char *name, enum regmap_write_effect *value, GError **err);
bool regmap_desc_read_effect(const char *file, const xmlNode *node, const xmlChar *ns,
			     const char *name, enum regmap_read_effect *value, GError **err);
/* The required name child's text; g_free it. */
char *regmap_desc_name(const char *file, const xmlNode *node, const xmlChar *ns, GError **err);
/* Array names: NAME0, NAME1 ... or, where the name holds %s (SVD), the index in its place. */
char *regmap_desc_array_name(const char *name, const char *index, bool is_array);
/* Access for a register that gives none: what its fields allow. */
enum regmap_access regmap_desc_access_of_fields(const struct regmap_register *r);
