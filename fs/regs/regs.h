/*
 * Named registers (SPEC "Named registers: regs/"): a register description
 * (regmap/) attached to a device gives its directory regs/ (a file per
 * register and REGISTER.FIELD, a subdirectory per block when there are
 * several, .consume/ for registers whose read has a side effect) and the
 * registers dump. Attached by -o regmap= or user.vfio.regmap, detached by
 * removing that attribute or with the device.
 */
#pragma once

#include "fs/vfiofs_private.h"

struct fs_device;
struct regmap;
struct regmap_field;
struct regmap_register;

#define VFIOFS_XATTR_REGMAP "user.vfio.regmap"

/* A description attached to a device; nodes of regs/ and registers hold references. */
struct fs_regs {
	gint refs;
	struct regmap *map;
	char *spec;             /* as given: FILE[@barN[+OFFSET]] */
	char *file;             /* the description file */
	unsigned region;        /* the VFIO region index of its BAR */
};

void fs_regs_unref(struct fs_regs *regs);

/*
 * Attaches the description spec names to the device of dir, replacing one
 * attached before (tree lock not held). 0 or errno (EINVAL, EFBIG,
 * ENODEV); a refusal changes nothing and logs one line saying why.
 */
int fs_regs_attach(struct vfiofs *fs, struct fs_node *dir, const char *spec);
/* Takes regs/ and registers away; ENODATA if nothing is attached (tree lock not held). */
int fs_regs_detach(struct vfiofs *fs, struct fs_node *dir);
/* The spec attached to dir's device, or NULL. */
char *fs_regs_spec(struct vfiofs *fs, struct fs_node *dir);
/* The info file's line, "regmap FILE", when a description is attached. */
void fs_regs_describe(struct fs_device *dev, GString *out);

/* One access of a register through the device's region path (fs/regs/reg_access.c): 0 or errno. */
int fs_reg_read(struct vfiofs *fs, struct fs_device *dev, const struct fs_regs *regs,
		const struct regmap_register *r, uint64_t *value);
int fs_reg_write(struct vfiofs *fs, struct fs_device *dev, const struct fs_regs *regs,
		 const struct regmap_register *r, uint64_t value);
/* Read-modify-write of one field, the device's access lock held across both. */
int fs_reg_write_field(struct vfiofs *fs, struct fs_device *dev, const struct fs_regs *regs,
		       const struct regmap_field *f, uint64_t value);
