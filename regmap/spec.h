/*
 * The attach spec users give: FILE[@barN[+OFFSET]] (-o regmap=NAME=SPEC,
 * setfattr -n user.vfio.regmap -v SPEC).
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct regmap_spec {
	char *file;
	unsigned bar;           /* 0 unless @barN */
	uint64_t offset;        /* where the lowest base address lands in the BAR */
};

/* EINVAL for an empty file or a malformed @barN+OFFSET. */
bool regmap_spec_parse(const char *text, struct regmap_spec *spec, GError **err);
void regmap_spec_clear(struct regmap_spec *spec);
