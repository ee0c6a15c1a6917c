/*
 * The text of DEV/registers: one line per register in offset order,
 * "NAME OFFSET VALUE FIELD=VALUE ...". Registers that cannot be read, or
 * whose read has a side effect, show "-" and are not read; a read that
 * fails shows "?".
 */
#pragma once

#include "regmap/regmap.h"

/* One access of r; 0 or -errno. */
typedef int regmap_read_fn(const struct regmap_register *r, uint64_t *value, void *data);

/* Whether the dump (and cat regs/...) may read r. */
bool regmap_register_dumpable(const struct regmap_register *r);
char *regmap_dump(const struct regmap *map, regmap_read_fn *read, void *data);
