#define G_LOG_DOMAIN "handoff"
#include "fs/handoff.h"
#include "fs/device_dir.h"
#include "fs/dma_buffer.h"
#include "fs/handoff_wire.h"
#include "fs/irq.h"
#include "vfio/device.h"
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

/* A request is one short line; a client gets this long to send it. */
#define REQUEST_MAX 4096
#define CLIENT_TIMEOUT_S 2
#define WORKERS 4

struct fs_handoff {
	struct vfiofs *fs;
	char *mountpoint;   /* absolute, as the mount table shows it */
	char *dir;          /* private directory holding the socket */
	char *path;
	bool allow_other;
	int listen_fd;
	GThread *listener;
	GThreadPool *workers;
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
};

/* Sends the mapping of a BAR area; the device stays held while its descriptor is in flight. */
static void serve_bar(int c, const struct target *t, uint64_t offset)
{
	struct vfio_device *vdev = fs_device_get(t->dev);
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
	fs_device_put(t->dev);
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

/* Looks the path up and takes what serving it needs; false with a reason. */
static bool find_target(struct fs_handoff *h, const char *path, struct target *t, const char **why)
{
	struct fs_node *n;

	g_mutex_lock(&h->fs->tree.lock);
	n = resolve(h, path, why);
	if (n) {
		*t = (struct target){ n->kind, n->mode, n->region,
				      n->dev ? fs_device_ref(n->dev) : NULL,
				      n->buffer ? fs_dma_buffer_ref(n->buffer) : NULL };
	}
	g_mutex_unlock(&h->fs->tree.lock);
	return n != NULL;
}

static void serve_map(int c, const struct target *t, uint64_t offset)
{
	if (S_ISDIR(t->mode))
		fs_handoff_send_error(c, EISDIR, "a directory cannot be mapped");
	else if (t->kind == FS_REGION && t->region <= VFIO_PCI_BAR5_REGION_INDEX)
		serve_bar(c, t, offset);
	else if (t->kind == FS_DMA_BUFFER)
		serve_buffer(c, t);
	else
		fs_handoff_send_error(c, ENODEV, "only BARs and dma/ buffers can be mapped");
}

/* Whether the peer is in group gid, primary or supplementary. */
static bool peer_in_group(int c, const struct ucred *cred, gid_t gid)
{
	g_autofree gid_t *groups = NULL;
	socklen_t len = 0;

	if (cred->gid == gid)
		return true;
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

/* The kernel's write check of a file of this mode, owned by the mount's user and group, for the peer. */
static bool peer_may_write(struct fs_handoff *h, int c, const struct ucred *cred, mode_t mode)
{
	if (cred->uid == 0)
		return true;
	if (cred->uid == h->fs->cfg.uid)
		return mode & S_IWUSR;
	if (peer_in_group(c, cred, h->fs->cfg.gid))
		return mode & S_IWGRP;
	return mode & S_IWOTH;
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
	if (!peer_may_write(h, c, cred, t->mode)) {
		fs_handoff_send_error(c, EACCES, "taking a vector needs write permission on irq");
		return false;
	}
	vdev = fs_device_get(t->dev);
	if (!vdev) {
		fs_handoff_send_error(c, ENODEV, "the device was detached");
		return false;
	}
	rc = fs_irq_lend(t->dev->irq, vdev, vector, c, cred->pid, &why);
	fs_device_put(t->dev);
	if (rc < 0)
		fs_handoff_send_error(c, -rc, why);
	return rc == 0;
}

/* A parsed request line: "map PATH [OFFSET]" or "irq PATH VECTOR". */
struct request {
	bool irq;
	const char *path;
	uint64_t number;  /* OFFSET or VECTOR */
};

static bool parse_request(char **words, struct request *r)
{
	guint n = g_strv_length(words);
	guint64 value = 0;

	if (n == 3 && strcmp(words[0], "irq") == 0 &&
	    g_ascii_string_to_unsigned(words[2], 10, 0, G_MAXUINT32, &value, NULL)) {
		*r = (struct request){ true, words[1], value };
		return true;
	}
	if ((n == 2 || n == 3) && strcmp(words[0], "map") == 0) {
		char *end = NULL;

		if (n == 3 && (value = g_ascii_strtoull(words[2], &end, 0), *end || !*words[2]))
			return false;
		*r = (struct request){ false, words[1], value };
		return true;
	}
	return false;
}

/* Serves one request line; true if c was kept (a vector handed out). */
static bool serve_request(struct fs_handoff *h, int c, const struct ucred *cred, char *line)
{
	g_auto(GStrv) words = g_strsplit(g_strstrip(line), " ", -1);
	const char *why = NULL;
	struct request r;
	struct target t;
	bool kept = false;

	if (!parse_request(words, &r)) {
		fs_handoff_send_error(c, EINVAL, "a request is one line: map PATH [OFFSET] or irq PATH VECTOR");
		return false;
	}
	if (!find_target(h, r.path, &t, &why)) {
		fs_handoff_send_error(c, ENOENT, why);
		return false;
	}
	if (r.irq)
		kept = serve_irq(h, c, cred, &t, r.number);
	else
		serve_map(c, &t, r.number);
	if (t.dev)
		fs_device_unref(t.dev);
	if (t.buffer)
		fs_dma_buffer_unref(t.buffer);
	return kept;
}

static bool peer_allowed(struct fs_handoff *h, const struct ucred *cred)
{
	/* The mount's own rule: its user (and root), or everyone with allow_other. */
	return h->allow_other || cred->uid == 0 || cred->uid == h->fs->cfg.uid;
}

/*
 * Reads one line (up to REQUEST_MAX); NULL, or why not.  Only up to the
 * newline is taken: an irq request's connection lives on, and what the
 * program sends later is not part of the request.
 */
static const char *read_line(int c, char *buf)
{
	size_t got = 0;

	while (got < REQUEST_MAX - 1) {
		ssize_t n = recv(c, buf + got, 1, 0);

		if (n <= 0)
			return "no request line: send map PATH [OFFSET] or irq PATH VECTOR and a newline";
		if (buf[got] == '\n') {
			buf[got] = '\0';
			return NULL;
		}
		got++;
	}
	return "the request line is longer than 4096 bytes";
}

static void serve_client(gpointer data, gpointer user_data)
{
	struct fs_handoff *h = user_data;
	int c = GPOINTER_TO_INT(data);
	struct timeval timeout = { CLIENT_TIMEOUT_S, 0 };
	g_autofree char *buf = g_malloc0(REQUEST_MAX);
	struct ucred cred;
	socklen_t len = sizeof(cred);
	const char *why;

	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || !peer_allowed(h, &cred))
		fs_handoff_send_error(c, EACCES, "this mount serves its own user only (mount with allow_other to share it)");
	else if ((why = read_line(c, buf)))
		fs_handoff_send_error(c, EINVAL, why);
	else if (serve_request(h, c, &cred, buf))
		return;  /* the connection is a program's hold on a vector now */
	close(c);
}

static gpointer listen_loop(gpointer data)
{
	struct fs_handoff *h = data;

	for (;;) {
		int c = accept4(h->listen_fd, NULL, NULL, SOCK_CLOEXEC);

		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			break;  /* the socket was shut down */
		}
		g_thread_pool_push(h->workers, GINT_TO_POINTER(c), NULL);
	}
	return NULL;
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
	h->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (h->listen_fd < 0 || bind(h->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    chmod(h->path, h->allow_other ? 0666 : 0600) < 0 ||
	    (h->allow_other && chmod(h->dir, 0711) < 0) || listen(h->listen_fd, 16) < 0) {
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
	if (!make_socket(h, err)) {
		fs_handoff_stop(h);
		return NULL;
	}
	h->workers = g_thread_pool_new(serve_client, h, WORKERS, FALSE, NULL);
	h->listener = g_thread_new("vfiofs-handoff", listen_loop, h);
	g_info("direct mapping: %s", h->path);
	return h;
}

void fs_handoff_stop(struct fs_handoff *h)
{
	if (!h)
		return;
	if (h->listen_fd >= 0)
		shutdown(h->listen_fd, SHUT_RDWR);
	if (h->listener)
		g_thread_join(h->listener);
	if (h->workers)
		g_thread_pool_free(h->workers, FALSE, TRUE);
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
