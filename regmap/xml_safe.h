/*
 * Reading an untrusted XML description safely: a size limit, no network, no
 * DTD loaded, no entity expanded (a document that declares or uses an
 * entity beyond XML's five predefined ones is refused), and small helpers
 * to walk elements by local name within one namespace.
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>
#include <stdbool.h>

/* Reads FILE whole: EINVAL if it is not a regular file, EFBIG at REGMAP_MAX_FILE_SIZE or more. */
char *regmap_xml_read_file(const char *file, size_t *size, GError **err);
/* Parses text; every refusal EINVAL "NAME:LINE: problem". Free with xmlFreeDoc. */
xmlDoc *regmap_xml_parse(const char *name, const char *text, size_t size, GError **err);

/* The first child element named name (in ns, NULL for none), or NULL. */
xmlNode *regmap_xml_child(const xmlNode *node, const xmlChar *ns, const char *name);
/* The next sibling element after node with the same name and namespace, or NULL. */
xmlNode *regmap_xml_next(const xmlNode *node);
/* The text of an element, white space around it trimmed; g_free it. */
char *regmap_xml_text(const xmlNode *node);
/* The text of child name, or NULL when there is none; g_free it. */
char *regmap_xml_child_text(const xmlNode *node, const xmlChar *ns, const char *name);
unsigned regmap_xml_line(const xmlNode *node);
