/*
 * The hand-off socket's connections (vfiofs(1), DIRECT MAPPING): one
 * thread polls the listening socket and every connection whose request
 * line is still coming, holds each to a deadline for the whole line and to
 * limits per user and in all, backs off when descriptors run out, and
 * passes complete lines to a few workers.  What a line gets is the
 * caller's (fs/handoff/handoff.c).
 */
#define G_LOG_DOMAIN "handoff-listen"
#include "fs/handoff/handoff_listen.h"
#include "fs/handoff/handoff_wire.h"
#include "vfio/error.h"

#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

/* A client gets this long to send its whole line, from the moment it is accepted. */
#define CLIENT_TIMEOUT_S 2
/* Workers serve complete lines only, which never wait on a client. */
#define WORKERS 4

struct fs_handoff_listener {
	int listen_fd;         /* non-blocking; the caller's */
	int stop_fd;           /* an eventfd: written to stop the listener */
	fs_handoff_admit_fn admit;
	fs_handoff_serve_fn serve;
	void *ctx;
	GThread *thread;
	GThreadPool *workers;
	/* The listener thread's own: */
	GPtrArray *waiting;    /* struct fs_handoff_pending: accepted, line not complete */
	bool busy_logged;      /* a refusal for too many waiting was logged */
	int backoff_ms;        /* out of descriptors: not accepting until resume_at */
	gint64 resume_at;
	gint64 warned_at;      /* when running out was last logged */
};

/* A complete request line, for a worker. */
struct job {
	int fd;
	struct ucred cred;
	char *line;
};

static void serve_job(gpointer data, gpointer user_data)
{
	struct fs_handoff_listener *h = user_data;
	struct job *j = data;

	if (!h->serve(h->ctx, j->fd, &j->cred, j->line))
		close(j->fd);  /* else the connection is the server's now (an interrupt vector's hold) */
	g_free(j->line);
	g_free(j);
}


/* Dispatches a complete line to the workers; the connection leaves the waiting list. */
static void dispatch(struct fs_handoff_listener *h, struct fs_handoff_pending *p)
{
	struct job *j = g_new(struct job, 1);

	*j = (struct job){ p->fd, p->cred, g_strndup(p->buf, p->got) };
	p->fd = -1;
	g_thread_pool_push(h->workers, j, NULL);
}

static void drop(struct fs_handoff_listener *h, guint i, int errnum, const char *why)
{
	struct fs_handoff_pending *p = g_ptr_array_index(h->waiting, i);

	if (p->fd >= 0) {
		fs_handoff_send_error(p->fd, errnum, why);
		close(p->fd);
	}
	g_ptr_array_remove_index_fast(h->waiting, i);
}

/* Reads what a waiting client sent; true once it is done with (served or dropped). */
static bool read_some(struct fs_handoff_listener *h, guint i)
{
	struct fs_handoff_pending *p = g_ptr_array_index(h->waiting, i);
	enum fs_handoff_line got = fs_handoff_pending_read(p);

	if (got == FS_HANDOFF_LINE_MORE)
		return false;
	if (got == FS_HANDOFF_LINE_COMPLETE) {
		dispatch(h, p);
		g_ptr_array_remove_index_fast(h->waiting, i);
	} else {
		drop(h, i, EINVAL, got == FS_HANDOFF_LINE_TOO_LONG ? "the request line is longer than 4096 bytes"
			: got == FS_HANDOFF_LINE_NUL ? "a request line holds no NUL byte"
			: "no request line: send map PATH [OFFSET] or irq PATH VECTOR and a newline");
	}
	return true;
}

static guint waiting_of(struct fs_handoff_listener *h, uid_t uid)
{
	guint n = 0;

	for (guint i = 0; i < h->waiting->len; i++)
		n += ((struct fs_handoff_pending *)g_ptr_array_index(h->waiting, i))->cred.uid == uid;
	return n;
}

/* "error EAGAIN", logged once until connections are taken again. */
static void refuse_busy(struct fs_handoff_listener *h, int c, uid_t uid, bool per_peer)
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
static void take(struct fs_handoff_listener *h, int c)
{
	struct timeval timeout = { CLIENT_TIMEOUT_S, 0 };
	struct ucred cred;
	socklen_t len = sizeof(cred);

	const char *why = "the peer's credentials are unknown";

	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || (why = h->admit(h->ctx, &cred))) {
		fs_handoff_send_error(c, EACCES, why);
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
static void accept_all(struct fs_handoff_listener *h)
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
static int expire(struct fs_handoff_listener *h, gint64 now)
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
static bool listen_round(struct fs_handoff_listener *h, struct pollfd *fds)
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
	struct fs_handoff_listener *h = data;
	g_autofree struct pollfd *fds = g_new(struct pollfd, 2 + FS_HANDOFF_WAITING_MAX);

	while (listen_round(h, fds))
		;
	while (h->waiting->len)
		drop(h, h->waiting->len - 1, ESHUTDOWN, "the file system is being unmounted");
	return NULL;
}

struct fs_handoff_listener *fs_handoff_listen(int listen_fd, fs_handoff_admit_fn admit,
					       fs_handoff_serve_fn serve, void *ctx, GError **err)
{
	struct fs_handoff_listener *h = g_new0(struct fs_handoff_listener, 1);

	h->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (h->stop_fd < 0) {
		vfio_set_error(err, errno, "cannot make an eventfd for the hand-off socket: %s", g_strerror(errno));
		g_free(h);
		return NULL;
	}
	h->listen_fd = listen_fd;
	h->admit = admit;
	h->serve = serve;
	h->ctx = ctx;
	h->waiting = g_ptr_array_new_with_free_func(g_free);
	h->workers = g_thread_pool_new(serve_job, h, WORKERS, FALSE, NULL);
	h->thread = g_thread_new("vfiofs-handoff", listen_loop, h);
	return h;
}

void fs_handoff_listener_stop(struct fs_handoff_listener *h)
{
	if (!h)
		return;
	if (eventfd_write(h->stop_fd, 1) < 0)
		g_warning("cannot stop the hand-off listener: %s", g_strerror(errno));
	g_thread_join(h->thread);
	g_thread_pool_free(h->workers, FALSE, TRUE);
	g_ptr_array_unref(h->waiting);
	close(h->stop_fd);
	g_free(h);
}
