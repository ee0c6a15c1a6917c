/*
 * Writing one field of a register: read the register, change the field's
 * bits, write the word back. Siblings whose write has an effect even when
 * the value is unchanged (write-1-to-clear and kin) get their no-op value;
 * when a sibling has none, or the read itself has a side effect, there is
 * no safe read-modify-write and the write is refused.
 */
#pragma once

#include "regmap/regmap.h"

/* Whether writing f needs a read first (it does not cover its whole register). */
bool regmap_rmw_needs_read(const struct regmap_field *f);
/* 0, EACCES (f is read-only) or EOPNOTSUPP (no safe read-modify-write; *why says why, g_free it). */
int regmap_rmw_check(const struct regmap_field *f, char **why);
/* The word to write: old with f set to value, siblings at their no-op values. */
uint64_t regmap_rmw_word(const struct regmap_field *f, uint64_t old, uint64_t value);
