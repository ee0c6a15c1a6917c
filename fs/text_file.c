/* info and container: a snapshot taken at open, so a reader sees one consistent text. */
#define G_LOG_DOMAIN "text-file"
#include "fs/device_dir.h"
#include "fs/file_ops.h"
#include "fs/irq/irq.h"
#include "fs/regs/regs.h"
#include "fs/text.h"
#include "vfio/container.h"

#include <fcntl.h>
#include <string.h>

/* The current text of an info or container file, or NULL if its device is gone. */
static char *text_snapshot(struct vfiofs *fs, const struct fs_node *n)
{
	g_autoptr(GString) irq_lines = NULL;
	struct vfio_device *vdev;
	char *text;

	if (n->kind == FS_CONTAINER) {
		g_autoptr(vfio_container_info) info = vfio_container_info_take(fs->container);

		return fs_container_text(info);
	}
	vdev = fs_device_read_lock(n->dev);
	if (!vdev)
		return NULL;
	irq_lines = g_string_new(NULL);
	fs_irq_describe(n->dev->irq, irq_lines);
	fs_regs_describe(n->dev, irq_lines);  /* after the irq lines: the info text ends with them */
	text = fs_info_text(vdev, irq_lines->str);
	fs_device_read_unlock(n->dev);
	return text;
}

/* h->priv: the snapshot, a GBytes. */
static int text_open(struct fs_handle *h, int flags)
{
	char *text;

	if (FS_WANTS_WRITE(flags))
		return EACCES;
	text = text_snapshot(h->fs, h->node);
	if (!text)
		return ENODEV;
	h->priv = g_bytes_new_take(text, strlen(text));
	return 0;
}

/*
 * The reply holds its own reference: once the kernel has the bytes, the
 * program may close the file and release free h->priv before this thread
 * is back from fuse_reply_buf (ASan checks writev's buffer after the call).
 */
static void text_read(fuse_req_t req, struct fs_handle *h, size_t size, off_t off)
{
	g_autoptr(GBytes) snapshot = g_bytes_ref(h->priv);
	size_t len;
	const char *text = g_bytes_get_data(snapshot, &len);

	if ((size_t)off >= len) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	fuse_reply_buf(req, text + off, MIN(size, len - off));
}

static void text_release(struct fs_handle *h)
{
	g_bytes_unref(h->priv);
}

/* What a read from the start would return now. */
static uint64_t text_size(struct vfiofs *fs, const struct fs_node *n)
{
	g_autofree char *text = text_snapshot(fs, n);

	return text ? strlen(text) : 0;
}

const struct fs_file_ops fs_text_file_ops = {
	.open = text_open,
	.read = text_read,
	.release = text_release,
	.size = text_size,
};
