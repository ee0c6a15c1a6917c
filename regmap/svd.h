/* CMSIS-SVD device descriptions. */
#pragma once

#include "regmap/builder.h"

#include <libxml/tree.h>

/* Whether root is an SVD <device> (no namespace). */
bool regmap_svd_is(const xmlNode *root);
/* Adds every peripheral (a block each), cluster, register and field to b. */
bool regmap_svd_read(struct regmap_builder *b, const xmlNode *root, GError **err);
