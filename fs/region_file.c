/* config, bar0..bar5 and rom: every read and write reaches the device, at the widths the spec promises. */
#define G_LOG_DOMAIN "region-file"
#include "fs/device_dir.h"
#include "fs/file_ops.h"
#include "fs/irq/irq.h"
#include "fs/vfio_result.h"
#include "vfio/device.h"
#include "vfio/region.h"

#include <fcntl.h>
#include <linux/vfio.h>

static int region_open(struct fs_handle *h, int flags)
{
	struct vfio_device *vdev = fs_device_read_lock(h->dev);
	const struct vfio_region *r;
	bool readable, writable;

	if (!vdev)
		return ENODEV;
	r = vfio_device_region(vdev, h->node->region);
	readable = r->flags & VFIO_REGION_INFO_FLAG_READ;
	writable = (r->flags & VFIO_REGION_INFO_FLAG_WRITE) && r->index != VFIO_PCI_ROM_REGION_INDEX;
	fs_device_read_unlock(h->dev);
	if ((FS_WANTS_READ(flags) && !readable) || (FS_WANTS_WRITE(flags) && !writable)) {
		g_message("%s/%s: open for %s refused: the region is %s", h->dev->name, h->node->name,
			  FS_WANTS_WRITE(flags) ? "writing" : "reading",
			  writable ? "write-only" : "read-only");
		return EACCES;
	}
	return 0;
}

/* intx_eoi=bar: a BAR access ends a pending INTx interrupt, as under QEMU. */
static bool ends_interrupt(struct fs_handle *h)
{
	return h->fs->cfg.intx_eoi == VFIOFS_INTX_EOI_BAR &&
	       h->node->region <= VFIO_PCI_BAR5_REGION_INDEX &&  /* BAR0 is index 0 */
	       fs_irq_eoi_begin(h->dev->irq);
}

/* One read (wbuf NULL) or write of the region, within its bounds, ending a pending INTx if asked. */
static void region_io(fuse_req_t req, struct fs_handle *h, const char *wbuf, size_t size, off_t off)
{
	struct vfio_device *vdev = fs_device_read_lock(h->dev);
	g_autofree char *rbuf = NULL;
	const struct vfio_region *r;
	bool eoi;
	ssize_t n;

	if (!vdev) {
		fuse_reply_err(req, ENODEV);
		return;
	}
	r = vfio_device_region(vdev, h->node->region);
	if ((uint64_t)off >= r->size) {
		fs_device_read_unlock(h->dev);
		if (!wbuf) {
			fuse_reply_buf(req, NULL, 0);  /* end of file */
			return;
		}
		g_message("%s/%s: write at %#jx refused: the region ends at %#" G_GINT64_MODIFIER "x",
			  h->dev->name, h->node->name, (intmax_t)off, r->size);
		fuse_reply_err(req, ENOSPC);
		return;
	}
	size = MIN(size, r->size - off);
	if (!wbuf)
		rbuf = g_malloc(size);
	eoi = ends_interrupt(h);
	g_mutex_lock(&h->dev->access);
	n = wbuf ? vfio_region_write(vdev, r, wbuf, size, off) : vfio_region_read(vdev, r, rbuf, size, off);
	g_mutex_unlock(&h->dev->access);
	if (eoi)
		fs_irq_eoi_end(h->dev->irq, vdev);
	fs_device_read_unlock(h->dev);
	if (n < 0) {
		g_message("%s/%s: %s of %zu bytes at %#jx failed: %s", h->dev->name, h->node->name,
			  wbuf ? "write" : "read", size, (intmax_t)off, g_strerror(-n));
		fuse_reply_err(req, fs_errno_of(n));
	} else if (wbuf) {
		fuse_reply_write(req, n);
	} else {
		fuse_reply_buf(req, rbuf, n);
	}
}

static void region_read(fuse_req_t req, struct fs_handle *h, size_t size, off_t off)
{
	region_io(req, h, NULL, size, off);
}

static void region_write(fuse_req_t req, struct fs_handle *h, const char *buf, size_t size,
			 off_t off)
{
	region_io(req, h, buf, size, off);
}

const struct fs_file_ops fs_region_file_ops = {
	.open = region_open,
	.read = region_read,
	.write = region_write,
};
