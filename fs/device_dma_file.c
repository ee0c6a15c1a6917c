/* DDDD:BB:DD.F/dma: the IOVA space as the device sees it, file offset = IOVA. */
#define G_LOG_DOMAIN "device-dma-file"
#include "fs/device_dir.h"
#include "fs/file_ops.h"
#include "fs/trace.h"
#include "vfio/container.h"
#include "vfio/fault_guard.h"

#include <errno.h>

static int device_dma_open(struct fs_handle *h, int flags)
{
	(void)h, (void)flags;
	return 0;
}

/* One request on the device's dma file: the part of it inside the mapping at its offset. */
struct dma_request {
	fuse_req_t req;
	const char *wbuf;  /* NULL for a read */
	struct vfiofs *fs;
	bool traced;       /* someone reads a trace: the buffer's name and offset follow */
	char label[256];
	uint64_t offset;
};

/* Runs with the mapping held: the reply goes out before it can be unmapped. */
static int dma_reply(void *mem, size_t len, size_t done, void *data)
{
	struct dma_request *r = data;

	(void)done;
	if (r->wbuf) {
		/* A fault (see vfio/fault_guard.h) is answered by the caller: EIO. */
		if (vfio_guarded_copy(mem, r->wbuf, len) < 0)
			return -EIO;
		fuse_reply_write(r->req, len);
	} else {
		fuse_reply_buf(r->req, mem, len);
	}
	/* the CPU's access through the device's view, as a buffer event (mapping still held) */
	if (r->traced)
		fs_trace_buffer_io(r->fs, r->label, r->offset, r->wbuf ? r->wbuf : mem, len, !!r->wbuf);
	return 0;
}

static void device_dma_access(fuse_req_t req, struct fs_handle *h, const char *wbuf, size_t size,
			      off_t off)
{
	struct dma_request r = { .req = req, .wbuf = wbuf, .fs = h->fs };
	/* Once dma_reply has replied, the kernel may release h: hold what is used after. */
	struct fs_device *dev = fs_device_ref(h->dev);
	struct vfio_container *c = h->fs->container;
	ssize_t rc = -ENODEV;

	/* The view belongs to the device: once it is detached, so is its view. */
	if (fs_device_read_lock(dev)) {
		r.traced = fs_trace_any(h->fs) &&
			   vfio_container_label_at(c, off, r.label, sizeof(r.label), &r.offset) &&
			   r.label[0];
		rc = vfio_container_dma_access(c, off, size, false, dma_reply, &r);
		fs_device_read_unlock(dev);
	}
	if (rc == -EFAULT)
		g_debug("%s/dma: nothing is mapped at IOVA %#jx", dev->name, (intmax_t)off);
	if (rc == -EIO)
		g_warning("%s/dma: the memory at IOVA %#jx is gone (a client punched a hole in a "
			  "hugetlb buffer and no huge page is free): EIO", dev->name, (intmax_t)off);
	if (rc < 0)
		fuse_reply_err(req, rc == -ENODEV ? ENODEV : EIO);
	fs_device_unref(dev);
}

static void device_dma_read(fuse_req_t req, struct fs_handle *h, size_t size, off_t off)
{
	device_dma_access(req, h, NULL, size, off);
}

static void device_dma_write(fuse_req_t req, struct fs_handle *h, const char *buf, size_t size,
			     off_t off)
{
	device_dma_access(req, h, buf, size, off);
}

/* One past the highest IOVA a device may use. */
static uint64_t device_dma_size(struct vfiofs *fs, const struct fs_node *n)
{
	(void)n;
	return vfio_container_dma_size(fs->container);
}

/* Data is what is mapped: SEEK_DATA and SEEK_HOLE walk the mappings. */
static int device_dma_seek(struct fs_handle *h, off_t off, int whence, off_t *pos)
{
	*pos = vfio_container_dma_seek(h->fs->container, off, whence);
	return *pos < 0 ? (int)-*pos : 0;
}

const struct fs_file_ops fs_device_dma_file_ops = {
	.open = device_dma_open,
	.read = device_dma_read,
	.write = device_dma_write,
	.size = device_dma_size,
	.seek = device_dma_seek,
};
