/* reset: writing "1" resets the device through VFIO. */
#define G_LOG_DOMAIN "reset-file"
#include "fs/device_dir.h"
#include "fs/file_ops.h"
#include "fs/irq/irq.h"
#include "vfio/device.h"

#include <fcntl.h>

/* "1", optionally followed by one newline: what echo 1 > reset writes. */
static bool is_reset_command(const char *buf, size_t size)
{
	return (size == 1 || (size == 2 && buf[1] == '\n')) && buf[0] == '1';
}

static int reset_open(struct fs_handle *h, int flags)
{
	(void)h;
	return FS_WANTS_READ(flags) ? EACCES : 0;
}

static void reset_write(fuse_req_t req, struct fs_handle *h, const char *buf, size_t size,
			off_t off)
{
	struct vfio_device *vdev;
	int rc;

	(void)off;
	if (!is_reset_command(buf, size)) {
		g_message("%s/reset: write '1' to reset the device", h->dev->name);
		fuse_reply_err(req, EINVAL);
		return;
	}
	vdev = fs_device_read_lock(h->dev);
	if (!vdev) {
		fuse_reply_err(req, ENODEV);
		return;
	}
	rc = fs_device_reset(h->dev, vdev);
	fs_device_read_unlock(h->dev);
	if (rc) {
		g_message("%s: reset failed: %s", h->dev->name,
			  rc == ENOTTY ? "the device offers no reset method (no FLR, PM or bus reset)"
				       : g_strerror(rc));
		fuse_reply_err(req, rc);
		return;
	}
	g_info("%s: reset", h->dev->name);
	fuse_reply_write(req, size);
}

const struct fs_file_ops fs_reset_file_ops = {
	.open = reset_open,
	.write = reset_write,
};
