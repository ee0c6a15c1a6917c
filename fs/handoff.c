#define G_LOG_DOMAIN "handoff"
#include "fs/handoff.h"
#include "fs/access.h"
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
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* A client gets this long to send its whole line, from the moment it is accepted. */
#define CLIENT_TIMEOUT_S 2
/* Workers serve complete lines only, which never wait on a client. */
#define WORKERS 4

struct fs_handoff {
	struct vfiofs *fs;
	char *mountpoint;   /* absolute, as the mount table shows it */
	char *dir;          /* private directory holding the socket */
	char *path;
	bool allow_other;
	int listen_fd;
	int stop_fd;           /* an eventfd: written to stop the listener */
	GThread *listener;
	GThreadPool *workers;
	/* The listener's own: */
	GPtrArray *waiting;    /* struct fs_handoff_pending: accepted, line not complete */
	bool busy_logged;      /* a refusal for too many waiting was logged */
	int backoff_ms;        /* out of descriptors: not accepting until resume_at */
	gint64 resume_at;
	gint64 warned_at;      /* when running out was last logged */
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

/* A complete request line, for a worker. */
struct job {
	int fd;
	struct ucred cred;
	char *line;
};

static void serve_job(gpointer data, gpointer user_data)
{
	struct job *j = data;

	if (!serve_request(user_data, j->fd, &j->cred, j->line))
		close(j->fd);  /* else the connection is a program's hold on a vector now */
	g_free(j->line);
	g_free(j);
}

static bool peer_allowed(struct fs_handoff *h, const struct ucred *cred)
{
	/* The mount's own rule: its user (and root), or everyone with allow_other. */
	return h->allow_other || cred->uid == 0 || cred->uid == h->fs->cfg.uid;
}

/* Dispatches a complete line to the workers; the connection leaves the waiting list. */
static void dispatch(struct fs_handoff *h, struct fs_handoff_pending *p)
{
	struct job *j = g_new(struct job, 1);

	*j = (struct job){ p->fd, p->cred, g_strndup(p->buf, p->got) };
	p->fd = -1;
	g_thread_pool_push(h->workers, j, NULL);
}

static void drop(struct fs_handoff *h, guint i, int errnum, const char *why)
{
	struct fs_handoff_pending *p = g_ptr_array_index(h->waiting, i);

	if (p->fd >= 0) {
		fs_handoff_send_error(p->fd, errnum, why);
		close(p->fd);
	}
	g_ptr_array_remove_index_fast(h->waiting, i);
}

/* Reads what a waiting client sent; true once it is done with (served or dropped). */
static bool read_some(struct fs_handoff *h, guint i)
{
	struct fs_handoff_pending *p = g_ptr_array_index(h->waiting, i);
	int rc = fs_handoff_pending_read(p);

	if (rc == 0)
		return false;
	if (rc > 0) {
		dispatch(h, p);
		g_ptr_array_remove_index_fast(h->waiting, i);
	} else {
		drop(h, i, EINVAL, rc == -E2BIG ? "the request line is longer than 4096 bytes"
			: rc == -EINVAL ? "a request line holds no NUL byte"
			: "no request line: send map PATH [OFFSET] or irq PATH VECTOR and a newline");
	}
	return true;
}

static guint waiting_of(struct fs_handoff *h, uid_t uid)
{
	guint n = 0;

	for (guint i = 0; i < h->waiting->len; i++)
		n += ((struct fs_handoff_pending *)g_ptr_array_index(h->waiting, i))->cred.uid == uid;
	return n;
}

/* "error EAGAIN", logged once until connections are taken again. */
static void refuse_busy(struct fs_handoff *h, int c, uid_t uid, bool per_peer)
{
	g_autofree char *why = per_peer
		? g_strdup_printf("uid %u has %d connections waiting to send their request: try again",
				  (unsigned)uid, FS_HANDOFF_WAITING_PER_UID)
		: g_strdup_printf("%d connections are waiting to send their request: try again",
				  FS_HANDOFF_WAITING_MAX);
	g_autofree char *line = g_strdup_printf("error EAGAIN %s\n", why);

	if (!h->busy_logged)
		g_message("hand-off refused: %s (logged once until a connection is taken again)", why);
	h->busy_logged = true;
	fs_handoff_send(c, line, NULL, 0, true);
}

/* A new connection: refused, or waiting for its line (the 2 s start now). */
static void take(struct fs_handoff *h, int c)
{
	struct timeval timeout = { CLIENT_TIMEOUT_S, 0 };
	struct ucred cred;
	socklen_t len = sizeof(cred);

	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || !peer_allowed(h, &cred)) {
		fs_handoff_send_error(c, EACCES, "this mount serves its own user only (mount with allow_other to share it)");
	} else if (h->waiting->len >= FS_HANDOFF_WAITING_MAX) {
		refuse_busy(h, c, cred.uid, false);
	} else if (waiting_of(h, cred.uid) >= FS_HANDOFF_WAITING_PER_UID) {
		refuse_busy(h, c, cred.uid, true);
	} else {
		h->busy_logged = false;
		g_ptr_array_add(h->waiting, fs_handoff_pending_new(c, &cred,
			g_get_monotonic_time() + CLIENT_TIMEOUT_S * G_USEC_PER_SEC));
		return;
	}
	close(c);
}

/*
 * Takes every connection the backlog holds.  Out of descriptors (EMFILE,
 * ENFILE), it stops taking for a while, logging once: what waits in the
 * backlog is taken when descriptors free up, and the socket never dies.
 */
static void accept_all(struct fs_handoff *h)
{
	for (;;) {
		int c = accept4(h->listen_fd, NULL, NULL, SOCK_CLOEXEC);

		if (c >= 0) {
			h->backoff_ms = 0;
			take(h, c);
			continue;
		}
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			/* Once a minute at most: a flood would otherwise fill the log too. */
			if (!h->warned_at || g_get_monotonic_time() - h->warned_at > 60 * G_USEC_PER_SEC)
				g_warning("hand-off: out of descriptors or memory (%s): new connections wait "
					  "in the backlog until some are closed (logged once a minute)", g_strerror(errno));
			h->warned_at = g_get_monotonic_time();
			h->backoff_ms = MIN(h->backoff_ms ? h->backoff_ms * 2 : 50, 1000);
			h->resume_at = g_get_monotonic_time() + h->backoff_ms * 1000;
			return;
		}
		/* EAGAIN: the backlog is empty; others (ECONNABORTED...): the next poll says. */
		h->backoff_ms = 0;
		return;
	}
}

/* Drops the clients whose time is up; the milliseconds until the next one's is. */
static int expire(struct fs_handoff *h, gint64 now)
{
	gint64 next = G_MAXINT64;

	for (guint i = h->waiting->len; i-- > 0;) {
		struct fs_handoff_pending *p = g_ptr_array_index(h->waiting, i);

		if (p->deadline <= now)
			drop(h, i, ETIMEDOUT, "no complete request line within 2 seconds");
		else
			next = MIN(next, p->deadline);
	}
	if (h->backoff_ms)
		next = MIN(next, h->resume_at);
	if (next == G_MAXINT64)
		return -1;
	return next <= now ? 0 : (int)MIN((next - now + 999) / 1000, G_MAXINT);
}

/* One round: wait for the stop signal, the listener or a waiting client. */
static bool listen_round(struct fs_handoff *h, struct pollfd *fds)
{
	gint64 now = g_get_monotonic_time();
	int timeout = expire(h, now);
	bool listening = !h->backoff_ms || now >= h->resume_at;
	guint n = h->waiting->len;

	fds[0] = (struct pollfd){ h->stop_fd, POLLIN, 0 };
	fds[1] = (struct pollfd){ listening ? h->listen_fd : -1, POLLIN, 0 };
	for (guint i = 0; i < n; i++)
		fds[2 + i] = (struct pollfd){ ((struct fs_handoff_pending *)g_ptr_array_index(h->waiting, i))->fd,
					      POLLIN, 0 };
	if (poll(fds, 2 + n, timeout) < 0)
		return errno == EINTR;
	if (fds[0].revents)
		return false;
	/* Backwards: a finished client's slot is refilled from the end, which was already seen. */
	for (guint i = n; i-- > 0;)
		if (fds[2 + i].revents)
			read_some(h, i);
	if (listening && (fds[1].revents || h->backoff_ms))
		accept_all(h);
	return true;
}

static gpointer listen_loop(gpointer data)
{
	struct fs_handoff *h = data;
	g_autofree struct pollfd *fds = g_new(struct pollfd, 2 + FS_HANDOFF_WAITING_MAX);

	while (listen_round(h, fds))
		;
	while (h->waiting->len)
		drop(h, h->waiting->len - 1, ESHUTDOWN, "the file system is being unmounted");
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
	h->stop_fd = eventfd(0, EFD_CLOEXEC);
	h->waiting = g_ptr_array_new_with_free_func(g_free);
	h->allow_other = allow_other;
	h->mountpoint = realpath(mountpoint, NULL);
	if (!h->mountpoint)
		h->mountpoint = g_strdup(mountpoint);
	if (h->stop_fd < 0) {
		vfio_set_error(err, errno, "cannot make an eventfd for the hand-off socket: %s", g_strerror(errno));
		fs_handoff_stop(h);
		return NULL;
	}
	if (!make_socket(h, err)) {
		fs_handoff_stop(h);
		return NULL;
	}
	h->workers = g_thread_pool_new(serve_job, h, WORKERS, FALSE, NULL);
	h->listener = g_thread_new("vfiofs-handoff", listen_loop, h);
	g_info("direct mapping: %s", h->path);
	return h;
}

void fs_handoff_stop(struct fs_handoff *h)
{
	if (!h)
		return;
	if (h->listener && eventfd_write(h->stop_fd, 1) < 0)
		g_warning("cannot stop the hand-off listener: %s", g_strerror(errno));
	if (h->listener)
		g_thread_join(h->listener);
	if (h->workers)
		g_thread_pool_free(h->workers, FALSE, TRUE);
	if (h->listen_fd >= 0)
		close(h->listen_fd);
	if (h->stop_fd >= 0)
		close(h->stop_fd);
	g_ptr_array_unref(h->waiting);
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
