/*
 * A register access is a region access of exactly the register's width at
 * its offset, through vfio_region_read/write as bar0's are (the split rule
 * never applies: the model only holds aligned registers of 1, 2, 4 or 8
 * bytes), with the device's access lock held, and ending a pending INTx
 * interrupt when -o intx_eoi=bar says a BAR access does.
 */
#define G_LOG_DOMAIN "reg-access"
#include "fs/regs/regs.h"
#include "fs/device_dir.h"
#include "fs/irq/irq.h"
#include "fs/vfio_result.h"
#include "regmap/byteorder.h"
#include "regmap/regmap.h"
#include "regmap/rmw.h"
#include "vfio/region.h"

#include <errno.h>
#include <linux/vfio.h>

/* Device read lock and access lock held. */
static int raw(struct vfiofs *fs, struct fs_device *dev, struct vfio_device *vdev,
	       const struct fs_regs *regs, const struct regmap_register *r, uint64_t *value,
	       bool write)
{
	const struct vfio_region *region = vfio_device_region(vdev, regs->region);
	uint8_t buf[8];
	bool eoi;
	ssize_t n;

	if (!region)
		return ENODEV;
	eoi = fs->cfg.intx_eoi == VFIOFS_INTX_EOI_BAR && regs->region <= VFIO_PCI_BAR5_REGION_INDEX &&
	      fs_irq_eoi_begin(dev->irq);
	if (write) {
		regmap_value_to_bytes(*value, buf, r->bytes, r->big_endian);
		n = vfio_region_write(vdev, region, buf, r->bytes, r->offset);
	} else {
		n = vfio_region_read(vdev, region, buf, r->bytes, r->offset);
	}
	if (eoi)
		fs_irq_eoi_end(dev->irq, vdev);
	if (n < 0) {
		g_message("%s: %s of register %s (%u bytes at %#" G_GINT64_MODIFIER "x of %s) failed: %s",
			  dev->name, write ? "write" : "read", r->path, r->bytes, r->offset,
			  region->name, g_strerror(fs_errno_of(n)));
		return fs_errno_of(n);
	}
	if ((size_t)n != r->bytes)
		return EIO;
	if (!write)
		*value = regmap_value_from_bytes(buf, r->bytes, r->big_endian);
	return 0;
}

static int one_access(struct vfiofs *fs, struct fs_device *dev, const struct fs_regs *regs,
		      const struct regmap_register *r, uint64_t *value, bool write)
{
	struct vfio_device *vdev = fs_device_read_lock(dev);
	int err;

	if (!vdev)
		return ENODEV;
	g_mutex_lock(&dev->access);
	err = raw(fs, dev, vdev, regs, r, value, write);
	g_mutex_unlock(&dev->access);
	fs_device_read_unlock(dev);
	return err;
}

int fs_reg_read(struct vfiofs *fs, struct fs_device *dev, const struct fs_regs *regs,
		const struct regmap_register *r, uint64_t *value)
{
	return one_access(fs, dev, regs, r, value, false);
}

int fs_reg_write(struct vfiofs *fs, struct fs_device *dev, const struct fs_regs *regs,
		 const struct regmap_register *r, uint64_t value)
{
	return one_access(fs, dev, regs, r, &value, true);
}

int fs_reg_write_field(struct vfiofs *fs, struct fs_device *dev, const struct fs_regs *regs,
		       const struct regmap_field *f, uint64_t value)
{
	struct vfio_device *vdev;
	uint64_t word = 0;
	int err = 0;

	if (!regmap_rmw_needs_read(f))
		return fs_reg_write(fs, dev, regs, f->reg, regmap_rmw_word(f, 0, value));
	vdev = fs_device_read_lock(dev);
	if (!vdev)
		return ENODEV;
	/* Atomic against every other access through the mount: one lock across both. */
	g_mutex_lock(&dev->access);
	err = raw(fs, dev, vdev, regs, f->reg, &word, false);
	if (!err) {
		word = regmap_rmw_word(f, word, value);
		err = raw(fs, dev, vdev, regs, f->reg, &word, true);
	}
	g_mutex_unlock(&dev->access);
	fs_device_read_unlock(dev);
	return err;
}
