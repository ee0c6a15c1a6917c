/* dma/NAME: the buffer (memory, IOVA mapping, user.vfio.iova) and its file. */
#define G_LOG_DOMAIN "dma-buffer"
#include "fs/dma_buffer.h"
#include "fs/xattr_value.h"
#include "fs/file_ops.h"
#include "vfio/container.h"
#include "vfio/dma_memory.h"
#include "vfio/error.h"
#include "fs/trace.h"
#include "vfio/fault_guard.h"
#include "vfio/iova.h"
#include "vfiofs.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

struct fs_dma_buffer {
	gint refs;
	GMutex lock;
	struct vfiofs *fs;
	char *name;
	uint64_t size;                /* as the user set it; 0 until sized */
	struct vfio_dma_memory mem;   /* mem.addr NULL until sized */
	bool mapped;
	bool unlinked;
	uint64_t iova;
	bool want_iova;               /* user.vfio.iova was set before sizing */
	uint64_t wanted_iova;
};

struct fs_dma_buffer *fs_dma_buffer_new(struct vfiofs *fs, const char *name)
{
	struct fs_dma_buffer *b = g_new0(struct fs_dma_buffer, 1);

	b->refs = 1;
	g_mutex_init(&b->lock);
	b->fs = fs;
	b->name = g_strdup(name);
	b->mem.fd = -1;
	return b;
}

struct fs_dma_buffer *fs_dma_buffer_ref(struct fs_dma_buffer *b)
{
	g_atomic_int_inc(&b->refs);
	return b;
}

/* Lock held. */
static void unmap_locked(struct fs_dma_buffer *b)
{
	g_autoptr(GError) err = NULL;

	if (!b->mapped)
		return;
	if (!vfio_container_unmap(b->fs->container, b->iova, &err))
		g_warning("dma/%s: %s", b->name, err->message);
	b->mapped = false;
	fs_trace_unmap(b->fs, b->name);
}

void fs_dma_buffer_unref(struct fs_dma_buffer *b)
{
	if (!g_atomic_int_dec_and_test(&b->refs))
		return;
	unmap_locked(b);
	vfio_dma_memory_free(&b->mem);
	g_mutex_clear(&b->lock);
	g_free(b->name);
	g_free(b);
}

uint64_t fs_dma_buffer_size(struct fs_dma_buffer *b)
{
	uint64_t size;

	g_mutex_lock(&b->lock);
	size = b->size;
	g_mutex_unlock(&b->lock);
	return size;
}

static int size_locked(struct fs_dma_buffer *b, uint64_t size)
{
	g_autoptr(GError) err = NULL;
	struct vfiofs *fs = b->fs;

	if (size == b->size)
		return 0;
	if (b->mem.addr) {
		g_message("dma/%s: a mapped buffer keeps its size (%" G_GUINT64_FORMAT "); "
			  "make a new one instead", b->name, b->size);
		return EBUSY;
	}
	if (b->unlinked)
		return ENOENT;
	if (!vfio_dma_memory_alloc(&b->mem, b->name, size, fs->cfg.hugepages,
				   vfio_container_pins(fs->container), &err))
		goto err_out;
	if (!vfio_container_map(fs->container, b->mem.addr, b->mem.fd, b->mem.size, b->mem.align,
				b->mem.page_size, b->want_iova ? &b->wanted_iova : NULL, b->name,
				&b->iova, &err))
		goto err_free;
	b->size = size;
	b->mapped = true;
	fs_trace_map(fs, b->name, b->iova, size);
	g_info("dma/%s: %" G_GUINT64_FORMAT " bytes (%s pages) at IOVA %#" G_GINT64_MODIFIER "x",
	       b->name, b->mem.size, b->mem.kind, b->iova);
	return 0;

err_free:
	vfio_dma_memory_free(&b->mem);
err_out:
	g_warning("dma/%s: %s", b->name, err->message);
	return vfio_error_errno(err);
}

int fs_dma_buffer_set_size(struct fs_dma_buffer *b, uint64_t size)
{
	int rc;

	g_mutex_lock(&b->lock);
	rc = size_locked(b, size);
	g_mutex_unlock(&b->lock);
	return rc;
}

void fs_dma_buffer_unmap(struct fs_dma_buffer *b)
{
	g_mutex_lock(&b->lock);
	unmap_locked(b);
	b->unlinked = true;
	g_mutex_unlock(&b->lock);
}

void fs_dma_buffer_rename(struct fs_dma_buffer *b, const char *name)
{
	g_mutex_lock(&b->lock);
	g_free(b->name);
	b->name = g_strdup(name);
	if (b->mapped)
		vfio_container_relabel(b->fs->container, b->iova, name);
	g_mutex_unlock(&b->lock);
}

bool fs_dma_buffer_info(struct fs_dma_buffer *b, uint64_t *size, uint64_t *iova, uint64_t *page_size)
{
	bool mapped;

	g_mutex_lock(&b->lock);
	mapped = b->mapped;
	*size = b->size;
	*iova = mapped ? b->iova : 0;
	*page_size = mapped ? b->mem.page_size : 0;
	g_mutex_unlock(&b->lock);
	return mapped;
}

int fs_dma_buffer_memfd(struct fs_dma_buffer *b, uint64_t *length)
{
	int fd;

	g_mutex_lock(&b->lock);
	fd = b->mem.addr ? b->mem.fd : -1;
	*length = b->mem.size;
	g_mutex_unlock(&b->lock);
	return fd;
}

char *fs_dma_buffer_iova_text(struct fs_dma_buffer *b)
{
	char *text = NULL;

	g_mutex_lock(&b->lock);
	if (b->mapped || b->want_iova)
		text = g_strdup_printf("0x%" G_GINT64_MODIFIER "x", b->mapped ? b->iova : b->wanted_iova);
	g_mutex_unlock(&b->lock);
	return text;
}

int fs_dma_buffer_request_iova(struct fs_dma_buffer *b, const char *text, size_t len)
{
	g_autoptr(GError) err = NULL;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), iova;
	int rc = 0;

	if (!fs_xattr_iova_parse(text, len, page, &iova)) {
		g_autofree char *value = g_strndup(text, len);
		g_autofree char *shown = g_strescape(value, NULL);

		g_message("dma/%s: user.vfio.iova '%s': expected a page-aligned address, hex with 0x or "
			  "decimal (setfattr sends -v 0x... as raw bytes: quote it, -v '\"0x100000\"')",
			  b->name, shown);
		return EINVAL;
	}
	g_mutex_lock(&b->lock);
	if (b->mapped) {
		g_message("dma/%s: already mapped at %#" G_GINT64_MODIFIER "x; set user.vfio.iova "
			  "before the first truncate", b->name, b->iova);
		rc = EBUSY;
	} else if (!vfio_container_check_iova(b->fs->container, iova, page, &err)) {
		g_message("dma/%s: user.vfio.iova: %s", b->name, err->message);
		rc = vfio_error_errno(err);
	} else {
		b->want_iova = true;
		b->wanted_iova = iova;
	}
	g_mutex_unlock(&b->lock);
	return rc;
}

int fs_dma_buffer_forget_iova_request(struct fs_dma_buffer *b)
{
	int rc = 0;

	g_mutex_lock(&b->lock);
	if (b->mapped)
		rc = EBUSY;
	else if (!b->want_iova)
		rc = ENODATA;
	b->want_iova = false;
	g_mutex_unlock(&b->lock);
	return rc;
}

/* ---- dma/NAME: CPU access to the buffer ---- */

static int buffer_open(struct fs_handle *h, int flags)
{
	(void)h, (void)flags;
	return 0;
}

static void buffer_read(fuse_req_t req, struct fs_handle *h, size_t size, off_t off)
{
	struct fs_dma_buffer *b = h->node->buffer;

	g_mutex_lock(&b->lock);
	if ((uint64_t)off >= b->size) {
		g_mutex_unlock(&b->lock);
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	fuse_reply_buf(req, (char *)b->mem.addr + off, MIN(size, b->size - off));
	fs_trace_buffer_io(b->fs, b->name, off, (char *)b->mem.addr + off, MIN(size, b->size - off),
			   false);
	g_mutex_unlock(&b->lock);
}

static void buffer_write(fuse_req_t req, struct fs_handle *h, const char *buf, size_t size,
			 off_t off)
{
	struct fs_dma_buffer *b = h->node->buffer;
	int rc;

	g_mutex_lock(&b->lock);
	if ((uint64_t)off >= b->size) {
		g_mutex_unlock(&b->lock);
		g_message("dma/%s: write at %jd refused: the buffer is %" G_GUINT64_FORMAT " bytes "
			  "(size it first: truncate -s SIZE)", b->name, (intmax_t)off, b->size);
		fuse_reply_err(req, ENOSPC);
		return;
	}
	size = MIN(size, b->size - off);
	rc = vfio_guarded_copy((char *)b->mem.addr + off, buf, size);
	if (rc == 0)
		fs_trace_buffer_io(b->fs, b->name, off, buf, size, true);
	g_mutex_unlock(&b->lock);
	if (rc < 0) {
		g_warning("dma/%s: the buffer's memory is gone at %jd (a client punched a hole in a "
			  "hugetlb buffer and no huge page is free): EIO", b->name, (intmax_t)off);
		fuse_reply_err(req, EIO);
		return;
	}
	fuse_reply_write(req, size);
}

static uint64_t buffer_file_size(struct vfiofs *fs, const struct fs_node *n)
{
	(void)fs;
	return fs_dma_buffer_size(n->buffer);
}

static int buffer_truncate(struct fs_node *n, uint64_t size)
{
	return fs_dma_buffer_set_size(n->buffer, size);
}

static char *iova_get(struct vfiofs *fs, struct fs_node *n)
{
	(void)fs;
	return fs_dma_buffer_iova_text(n->buffer);
}

static int iova_set(struct vfiofs *fs, struct fs_node *n, const char *value, size_t size)
{
	(void)fs;
	return fs_dma_buffer_request_iova(n->buffer, value, size);
}

static int iova_remove(struct vfiofs *fs, struct fs_node *n)
{
	(void)fs;
	return fs_dma_buffer_forget_iova_request(n->buffer);
}

static const struct fs_xattr buffer_xattrs[] = {
	{ VFIOFS_XATTR_IOVA, iova_get, iova_set, iova_remove },
	{ NULL },
};

/* unlink: the buffer, whose IOVA mapping goes once it is out of the tree and the tree lock dropped. */
static void *buffer_hold(struct fs_node *n)
{
	return fs_dma_buffer_ref(n->buffer);
}

static void buffer_finish_removal(struct vfiofs *fs, void *held)
{
	(void)fs;
	fs_dma_buffer_unmap(held);
	fs_dma_buffer_unref(held);
}

const struct fs_file_ops fs_dma_buffer_file_ops = {
	.open = buffer_open,
	.read = buffer_read,
	.write = buffer_write,
	.size = buffer_file_size,
	.truncate = buffer_truncate,
	.hold = buffer_hold,
	.finish_removal = buffer_finish_removal,
	.xattrs = buffer_xattrs,
};
