/* IP-XACT (IEEE 1685-2009 "SPIRIT" and 1685-2014) component descriptions. */
#pragma once

#include "regmap/builder.h"

#include <libxml/tree.h>

/* The namespace of an IP-XACT root element this reader knows, or NULL. */
const xmlChar *regmap_ipxact_namespace(const xmlNode *root);
/* Adds the first memory map's address blocks, registers and fields to b. */
bool regmap_ipxact_read(struct regmap_builder *b, const xmlNode *root, GError **err);
