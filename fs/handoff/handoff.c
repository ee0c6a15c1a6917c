#define G_LOG_DOMAIN "handoff"
#include "fs/handoff/handoff.h"
#include "fs/access.h"
#include "fs/device_dir.h"
#include "fs/dma_buffer.h"
#include "fs/handoff/handoff_listen.h"
#include "fs/handoff/handoff_wire.h"
#include "fs/irq/irq.h"
#include "vfio/device.h"
#include "vfio/region.h"
#include "vfio/error.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct fs_handoff {
	struct vfiofs *fs;
	char *mountpoint;   /* absolute, as the mount table shows it */
	char *dir;          /* private directory holding the socket */
	char *path;
	bool allow_other;
	int listen_fd;
	struct fs_handoff_listener *listener;
};

/* The node a path names, tree lock held; NULL with a reason. */
static struct fs_node *resolve(struct fs_handoff *h, const char *path, const char **why)
{
	size_t mlen = strlen(h->mountpoint);
	g_auto(GStrv) parts = NULL;
	struct fs_node *n = h->fs->tree.root;

	if (path[0] == '/') {
		if (strncmp(path, h->mountpoint, mlen) != 0 || (path[mlen] != '/' && path[mlen] != '\0')) {
			*why = "the path is not inside this mount";
			return NULL;
		}
		path += mlen;
	}
	parts = g_strsplit(path, "/", -1);
	for (char **p = parts; *p && n; p++) {
		if (**p == '\0' || strcmp(*p, ".") == 0)
			continue;
		if (strcmp(*p, "..") == 0) {
			*why = "the path may not contain ..";
			return NULL;
		}
		n = fs_tree_child(n, *p);
	}
	if (!n)
		*why = "no such file in the mount";
	return n;
}

static const char *region_prot(const struct vfio_region *r)
{
	bool rd = r->flags & VFIO_REGION_INFO_FLAG_READ, wr = r->flags & VFIO_REGION_INFO_FLAG_WRITE;

	return rd && wr ? "rw" : rd ? "r" : "w";
}

/* What a request names, copied out of the tree with references held. */
struct target {
	enum fs_kind kind;
	mode_t mode;
	unsigned region;
	struct fs_device *dev;
	struct fs_dma_buffer *buffer;
	mode_t irq_mode, reset_mode;  /* a region's: its device's irq and reset files */
};

/* Sends the mapping of a BAR area; the device stays held while its descriptor is in flight. */
static void serve_bar(int c, const struct target *t, uint64_t offset)
{
	struct vfio_device *vdev = fs_device_read_lock(t->dev);
	struct vfio_mmap_area area;
	const struct vfio_region *r;
	uint64_t fd_offset;
	char line[160];
	int fd;

	if (!vdev) {
		fs_handoff_send_error(c, ENODEV, "the device was detached");
		return;
	}
	r = vfio_device_region(vdev, t->region);
	if (offset >= r->size) {
		fs_handoff_send_error(c, EINVAL, "the offset is past the end of the region");
	} else if (vfio_region_area_source(vdev, r, offset, &fd, &fd_offset, &area) < 0) {
		/* e.g. an MSI-X table, which the kernel keeps out of the mmap-able areas */
		fs_handoff_send_error(c, EINVAL, "that offset is not in an mmap-able area (see region.NAME.mmap in info)");
	} else {
		snprintf(line, sizeof(line), "ok %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %s %" G_GUINT64_FORMAT "\n",
			 fd_offset, area.size, region_prot(r), area.offset);
		fs_handoff_send(c, line, &fd, 1, false);
	}
	fs_device_read_unlock(t->dev);
}

static void serve_buffer(int c, const struct target *t)
{
	uint64_t length;
	char line[160];
	int fd = fs_dma_buffer_memfd(t->buffer, &length);

	if (fd < 0) {
		fs_handoff_send_error(c, EINVAL, "the buffer has no memory yet: give it a size first");
		return;
	}
	snprintf(line, sizeof(line), "ok 0 %" G_GUINT64_FORMAT " rw 0\n", length);
	fs_handoff_send(c, line, &fd, 1, false);
}

/* A region's device's irq and reset modes, tree lock held (a detached device's: the region's own). */
static void device_file_modes(const struct fs_node *n, struct target *t)
{
	const struct fs_node *irq = n->parent ? fs_tree_child(n->parent, "irq") : NULL;
	const struct fs_node *reset = n->parent ? fs_tree_child(n->parent, "reset") : NULL;

	t->irq_mode = irq ? irq->mode : n->mode;
	t->reset_mode = reset ? reset->mode : n->mode;
}

/* Looks the path up and takes what serving it needs; false with a reason. */
static bool find_target(struct fs_handoff *h, const char *path, struct target *t, const char **why)
{
	struct fs_node *n;

	g_mutex_lock(&h->fs->tree.lock);
	n = resolve(h, path, why);
	if (n) {
		*t = (struct target){ n->kind, n->mode, n->region,
				      n->dev ? fs_device_ref(n->dev) : NULL,
				      n->buffer ? fs_dma_buffer_ref(n->buffer) : NULL, 0, 0 };
		if (n->kind == FS_REGION)
			device_file_modes(n, t);
	}
	g_mutex_unlock(&h->fs->tree.lock);
	return n != NULL;
}

/* Whether the peer of socket *ctx is in group gid (supplementary; the primary is in its ucred). */
static bool peer_in_group(void *ctx, gid_t gid)
{
	int c = *(int *)ctx;
	g_autofree gid_t *groups = NULL;
	socklen_t len = 0;

	/* The first call only says how much room the list needs. */
	if (getsockopt(c, SOL_SOCKET, SO_PEERGROUPS, NULL, &len) < 0 && errno != ERANGE)
		return false;
	groups = g_malloc(len ? len : 1);
	if (getsockopt(c, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
		return false;
	for (size_t i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* The one rule (fs/access.h) for the peer: the groups it had when it connected. */
static bool peer_may(struct fs_handoff *h, int c, const struct ucred *cred, mode_t mode, int want)
{
	return fs_access_allowed(&h->fs->cfg, cred->uid, cred->gid, peer_in_group, &c, mode, want);
}

/*
 * Hands an interrupt vector out.  Taking a vector is as much as writing
 * irq ("off", "trigger") can do to it, so it needs write permission on the
 * file.  True if c now belongs to the lease (it is the program's hold).
 */
static bool serve_irq(struct fs_handoff *h, int c, const struct ucred *cred, const struct target *t,
		      unsigned vector)
{
	g_autofree char *why = NULL;
	struct vfio_device *vdev;
	int rc;

	if (S_ISDIR(t->mode) || t->kind != FS_IRQ) {
		fs_handoff_send_error(c, S_ISDIR(t->mode) ? EISDIR : ENODEV,
				      "only a device's irq file hands out interrupts");
		return false;
	}
	if (!peer_may(h, c, cred, t->mode, W_OK)) {
		fs_handoff_send_error(c, EACCES, "taking a vector needs write permission on irq");
		return false;
	}
	vdev = fs_device_read_lock(t->dev);
	if (!vdev) {
		fs_handoff_send_error(c, ENODEV, "the device was detached");
		return false;
	}
	rc = fs_irq_lend(t->dev->irq, vdev, vector, c, cred->pid, &why);
	fs_device_read_unlock(t->dev);
	if (rc)
		fs_handoff_send_error(c, rc, why);
	return rc == 0;
}

/*
 * The VFIO device descriptor reaches every region and every device ioctl
 * (SET_IRQS, RESET): it goes only to a caller who may read and write the
 * BAR and write the device's irq and reset files, so that the descriptor
 * grants nothing the files do not.
 */
static bool may_have_device(struct fs_handoff *h, int c, const struct ucred *cred, const struct target *t)
{
	return peer_may(h, c, cred, t->mode, R_OK | W_OK) && peer_may(h, c, cred, t->irq_mode, W_OK) &&
	       peer_may(h, c, cred, t->reset_mode, W_OK);
}

static void serve_map(struct fs_handoff *h, int c, const struct ucred *cred, const struct target *t,
		      uint64_t offset)
{
	if (S_ISDIR(t->mode)) {
		fs_handoff_send_error(c, EISDIR, "a directory cannot be mapped");
	} else if (t->kind == FS_REGION && t->region <= VFIO_PCI_BAR5_REGION_INDEX) {
		if (may_have_device(h, c, cred, t))
			serve_bar(c, t, offset);
		else
			fs_handoff_send_error(c, EACCES, "a BAR's descriptor is the device's: it needs read and "
					      "write permission on the BAR and write permission on irq and reset");
	} else if (t->kind == FS_DMA_BUFFER) {
		/* The memfd is the buffer, for reading and writing. */
		if (peer_may(h, c, cred, t->mode, R_OK | W_OK))
			serve_buffer(c, t);
		else
			fs_handoff_send_error(c, EACCES, "a buffer's descriptor needs read and write permission on it");
	} else {
		fs_handoff_send_error(c, ENODEV, "only BARs and dma/ buffers can be mapped");
	}
}

/* Serves one request line; true if c was kept (a vector handed out). */
static bool serve_request(struct fs_handoff *h, int c, const struct ucred *cred, const char *line)
{
	struct fs_handoff_request r;
	const char *why = NULL;
	struct target t;
	bool kept = false;

	if (!fs_handoff_parse(line, &r, &why)) {
		fs_handoff_send_error(c, EINVAL, why);
		return false;
	}
	if (!find_target(h, r.path, &t, &why)) {
		fs_handoff_send_error(c, ENOENT, why);
		g_free(r.path);
		return false;
	}
	if (r.irq)
		kept = serve_irq(h, c, cred, &t, r.number);
	else
		serve_map(h, c, cred, &t, r.number);
	if (t.dev)
		fs_device_unref(t.dev);
	if (t.buffer)
		fs_dma_buffer_unref(t.buffer);
	g_free(r.path);
	return kept;
}

/* A worker's: one complete request line. */
static bool serve_line(void *ctx, int c, const struct ucred *cred, const char *line)
{
	return serve_request(ctx, c, cred, line);
}

static const char *admit(void *ctx, const struct ucred *cred)
{
	struct fs_handoff *h = ctx;

	/* The mount's own rule: its user (and root), or everyone with allow_other. */
	if (h->allow_other || cred->uid == 0 || cred->uid == h->fs->cfg.uid)
		return NULL;
	return "this mount serves its own user only (mount with allow_other to share it)";
}

static bool make_socket(struct fs_handoff *h, GError **err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	h->dir = g_dir_make_tmp("vfiofs-XXXXXX", NULL);
	if (!h->dir) {
		vfio_set_error(err, errno, "cannot make a directory for the hand-off socket: %s", g_strerror(errno));
		return false;
	}
	h->path = g_build_filename(h->dir, "handoff.sock", NULL);
	if (strlen(h->path) >= sizeof(addr.sun_path)) {
		vfio_set_error(err, ENAMETOOLONG, "socket path %s is too long (set TMPDIR)", h->path);
		return false;
	}
	strcpy(addr.sun_path, h->path);
	h->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (h->listen_fd < 0 || bind(h->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    chmod(h->path, h->allow_other ? 0666 : 0600) < 0 ||
	    (h->allow_other && chmod(h->dir, 0711) < 0) || listen(h->listen_fd, 64) < 0) {
		vfio_set_error(err, errno, "cannot set up the hand-off socket %s: %s", h->path, g_strerror(errno));
		return false;
	}
	return true;
}

struct fs_handoff *fs_handoff_start(struct vfiofs *fs, const char *mountpoint, bool allow_other,
				    GError **err)
{
	struct fs_handoff *h = g_new0(struct fs_handoff, 1);

	h->fs = fs;
	h->listen_fd = -1;
	h->allow_other = allow_other;
	h->mountpoint = realpath(mountpoint, NULL);
	if (!h->mountpoint)
		h->mountpoint = g_strdup(mountpoint);
	if (!make_socket(h, err) || !(h->listener = fs_handoff_listen(h->listen_fd, admit, serve_line, h, err))) {
		fs_handoff_stop(h);
		return NULL;
	}
	g_info("direct mapping: %s", h->path);
	return h;
}

void fs_handoff_stop(struct fs_handoff *h)
{
	if (!h)
		return;
	fs_handoff_listener_stop(h->listener);
	if (h->listen_fd >= 0)
		close(h->listen_fd);
	if (h->path)
		g_unlink(h->path);
	if (h->dir)
		g_rmdir(h->dir);
	g_free(h->path);
	g_free(h->dir);
	free(h->mountpoint);
	g_free(h);
}

const char *fs_handoff_path(const struct fs_handoff *h)
{
	return h ? h->path : NULL;
}
