/*
 * What the two parsers share: a builder that collects blocks, registers and
 * fields as a description names them, checks each name and width as it
 * comes, and at the end places everything in the BAR and refuses overlaps,
 * duplicates and registers past the BAR's end (regmap_builder_finish).
 */
#pragma once

#include "regmap/regmap.h"

#include <stdarg.h>

/* Expansion limits: dim arrays must not turn a small file into a huge model. */
#define REGMAP_MAX_REGISTERS (1u << 20)
#define REGMAP_MAX_FIELDS (1u << 22)

struct regmap_builder;

struct regmap_builder *regmap_builder_new(const char *file);
void regmap_builder_free(struct regmap_builder *b);
const char *regmap_builder_file(const struct regmap_builder *b);

struct regmap_block *regmap_builder_block(struct regmap_builder *b, const char *name,
					  uint64_t base, unsigned line, GError **err);
/* bits: the register's size as the description gives it (8, 16, 32 or 64). */
struct regmap_register *regmap_builder_register(struct regmap_builder *b, struct regmap_block *blk,
						const char *name, uint64_t address, uint64_t bits,
						unsigned line, GError **err);
struct regmap_field *regmap_builder_field(struct regmap_builder *b, struct regmap_register *reg,
					  const char *name, uint64_t lsb, uint64_t bits,
					  unsigned line, GError **err);
bool regmap_builder_enum(struct regmap_builder *b, struct regmap_field *f, const char *name,
			 uint64_t value, unsigned line, GError **err);
/* Consumes b. */
struct regmap *regmap_builder_finish(struct regmap_builder *b, const struct regmap_place *place,
				     GError **err);

/* Sets err to EINVAL "FILE:LINE: MESSAGE"; returns false. */
bool regmap_fail(GError **err, const char *file, unsigned line, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);

/* Whether name can be a file name in regs/; why says what is wrong when not. */
bool regmap_name_ok(const char *name, const char **why);
