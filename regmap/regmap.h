/*
 * The register-description model: the registers and fields of one BAR, as a
 * hardware team's IP-XACT or CMSIS-SVD file describes them. No FUSE and no
 * VFIO here: fs/ builds the regs/ files over this model and does the
 * accesses; this folder says what an access means.
 *
 * Errors are GErrors in REGMAP_ERROR whose code is the errno the user gets
 * (EINVAL for every refusal of a description, EFBIG past the size limit).
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define REGMAP_ERROR (regmap_error_quark())
GQuark regmap_error_quark(void);

/* A description file must be smaller than this (EFBIG otherwise). */
#define REGMAP_MAX_FILE_SIZE (64u << 20)
/* Longest name of a file in regs/ (a register, or REGISTER.FIELD). */
#define REGMAP_NAME_MAX 255

/* Who may read and write, in the words both formats use. */
enum regmap_access {
	REGMAP_READ_WRITE,
	REGMAP_READ_ONLY,
	REGMAP_WRITE_ONLY,
	REGMAP_WRITE_ONCE,
	REGMAP_READ_WRITE_ONCE,
};

/* What a write of a bit does (IP-XACT modifiedWriteValue, SVD modifiedWriteValues). */
enum regmap_write_effect {
	REGMAP_WRITE_PLAIN,     /* the bit becomes what is written */
	REGMAP_ONE_TO_CLEAR,
	REGMAP_ONE_TO_SET,
	REGMAP_ONE_TO_TOGGLE,
	REGMAP_ZERO_TO_CLEAR,
	REGMAP_ZERO_TO_SET,
	REGMAP_ZERO_TO_TOGGLE,
	REGMAP_WRITE_CLEARS,    /* "clear": any write clears */
	REGMAP_WRITE_SETS,      /* "set": any write sets */
	REGMAP_WRITE_MODIFIES,  /* "modify": any write changes it somehow */
};

/* What a read does (readAction). */
enum regmap_read_effect {
	REGMAP_READ_PLAIN,
	REGMAP_READ_CLEARS,
	REGMAP_READ_SETS,
	REGMAP_READ_MODIFIES,
	REGMAP_READ_MODIFIES_EXTERNAL,  /* SVD modifyExternal */
};

struct regmap_enum_value {
	char *name;
	uint64_t value;
};

struct regmap_register;

struct regmap_field {
	char *name;
	char *file;                     /* "REGISTER.FIELD" */
	const struct regmap_register *reg;
	unsigned lsb, bits;
	enum regmap_access access;
	enum regmap_write_effect write_effect;
	enum regmap_read_effect read_effect;
	GArray *enums;                  /* of struct regmap_enum_value */
	unsigned line;
};

struct regmap_block;

struct regmap_register {
	char *name;                     /* the file name: arrays expanded, files nested with _ */
	char *path;                     /* "BLOCK/NAME" when there are several blocks, else NAME */
	const struct regmap_block *block;
	uint64_t address;               /* as the description counts */
	uint64_t offset;                /* in the BAR */
	unsigned bytes;                 /* 1, 2, 4 or 8 */
	bool big_endian;
	enum regmap_access access;
	enum regmap_read_effect read_effect;    /* the register's own readAction */
	bool read_side_effect;          /* its own readAction or any field's */
	bool has_reset;
	uint64_t reset, reset_mask;
	GPtrArray *fields;              /* struct regmap_field *, by lsb */
	unsigned line;
};

struct regmap_block {
	char *name;
	uint64_t base;
	GPtrArray *regs;                /* struct regmap_register *, by offset */
	unsigned line;
};

/* What a directory entry of regs/ (or of a block's subdirectory) names. */
struct regmap_entry {
	const struct regmap_register *reg;
	const struct regmap_field *field;       /* NULL: the whole register */
};

struct regmap {
	char *file;                     /* as the user named it */
	GPtrArray *blocks;              /* blocks with registers, in description order */
	GPtrArray *regs;                /* every register, by offset */
	bool subdirs;                   /* several blocks: one subdirectory each */
	GHashTable *entries;            /* "NAME" or "BLOCK/NAME" -> struct regmap_entry */
};

/* Where the description goes: which BAR, its size, and where the base lands. */
struct regmap_place {
	unsigned bar;
	uint64_t bar_size;
	uint64_t offset;                /* the lowest base address lands here */
};

/* Reads and parses FILE (IP-XACT or CMSIS-SVD, told apart by the root element). */
struct regmap *regmap_load(const char *file, const struct regmap_place *place, GError **err);
/* The same over a description already in memory; name is used in messages. */
struct regmap *regmap_parse(const char *name, const char *text, size_t size,
			    const struct regmap_place *place, GError **err);
void regmap_free(struct regmap *map);
typedef struct regmap Regmap;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Regmap, regmap_free)

/* The register or field a path names ("NAME", "NAME.FIELD", "BLOCK/NAME"), or NULL. */
const struct regmap_entry *regmap_lookup(const struct regmap *map, const char *path);

static inline bool regmap_access_reads(enum regmap_access a)
{
	return a == REGMAP_READ_WRITE || a == REGMAP_READ_ONLY || a == REGMAP_READ_WRITE_ONCE;
}

static inline bool regmap_access_writes(enum regmap_access a)
{
	return a != REGMAP_READ_ONLY;
}

static inline uint64_t regmap_mask(unsigned bits)
{
	return bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

/* The field's bits of a register value, shifted down. */
static inline uint64_t regmap_field_get(const struct regmap_field *f, uint64_t reg_value)
{
	return (reg_value >> f->lsb) & regmap_mask(f->bits);
}
