/* irq: commands in, interrupt events out (SPEC "irq"). */
#define G_LOG_DOMAIN "irq-file"
#include "fs/device_dir.h"
#include "fs/file_ops.h"
#include "fs/irq/irq.h"
#include "vfio/error.h"

#include <fcntl.h>

/* h->priv: the open file's reader, its view of the events. */
static int irq_open(struct fs_handle *h, int flags)
{
	struct vfio_device *vdev = fs_device_read_lock(h->dev);

	(void)flags;
	if (!vdev)
		return ENODEV;
	h->priv = fs_irq_reader_new(h->dev->irq);
	fs_device_read_unlock(h->dev);
	return 0;
}

static void irq_read(fuse_req_t req, struct fs_handle *h, size_t size, off_t off)
{
	(void)off;
	fs_irq_reader_read(h->priv, req, size, h->flags & O_NONBLOCK);
}

static void irq_write(fuse_req_t req, struct fs_handle *h, const char *buf, size_t size, off_t off)
{
	g_autoptr(GError) err = NULL;
	struct fs_irq_command cmd;
	struct vfio_device *vdev;
	int rc;

	(void)off;
	if (!fs_irq_command_parse(buf, size, &cmd, &err)) {
		g_message("%s/%s", h->dev->name, err->message);
		fuse_reply_err(req, EINVAL);
		return;
	}
	vdev = fs_device_read_lock(h->dev);
	rc = vdev ? fs_irq_apply(h->dev->irq, vdev, &cmd) : ENODEV;
	if (vdev)
		fs_device_read_unlock(h->dev);
	if (rc)
		fuse_reply_err(req, rc);
	else
		fuse_reply_write(req, size);
}

static void irq_poll(fuse_req_t req, struct fs_handle *h, struct fuse_pollhandle *ph)
{
	fs_irq_reader_poll(h->priv, req, ph);
}

static void irq_release(struct fs_handle *h)
{
	fs_irq_reader_free(h->priv);
}

const struct fs_file_ops fs_irq_file_ops = {
	.open = irq_open,
	.read = irq_read,
	.write = irq_write,
	.poll = irq_poll,
	.release = irq_release,
	.stream = true,
};
