/*
 * A vfio-user connection.  Locking:
 *   lock       one request outstanding at a time; whoever holds it owns
 *              reading the main socket (the caller waiting for its reply, or
 *              the connection's thread reading one idle message).  Held only
 *              while waiting on the socket, never on anything else.
 *   send_lock  one whole message at a time onto the main socket, so that a
 *              reply to the server's request never interleaves with ours.
 * The twin socket, when there is one, is read and written by the
 * connection's thread alone.
 */
#define G_LOG_DOMAIN "vfio-user-conn"
#include "vfio/fd_passing.h"
#include "vfio/user/conn.h"
#include "vfio/error.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Replies we gave up waiting for: a late one is dropped, not taken for a protocol error. */
#define LATE_IDS 16

struct vfio_user_conn {
	char *name;
	int fd;
	int twin_fd;            /* -1 without a twin socket */
	int stop_fd;            /* eventfd: the thread ends when it is signalled */
	unsigned timeout_ms;
	uint32_t max_recv_xfer; /* ours, as advertised */
	vfio_user_dma_fn dma;
	void *dma_data;

	struct vfio_user_caps caps;
	bool twin_lost;

	GMutex lock;
	GMutex send_lock;
	uint16_t next_id;
	int late_ids[LATE_IDS]; /* -1: free slot */
	GHashTable *early;      /* id -> struct msg_in *: replies that came before their turn */
	unsigned late_next;
	GMutex scratch_lock;    /* one DMA_READ reply at a time uses scratch */
	uint8_t *scratch;       /* max_recv_xfer bytes, made on first use */
	gint broken;            /* atomic */
	gint broken_told;       /* on_broken ran (atomic) */
	void (*on_broken)(void *data);
	void *on_broken_data;
	GThread *thread;          /* serves the server's requests, once the daemon runs (vfio_user_conn_serve) */
	bool negotiated;          /* VERSION completed */
};

/* A message as received: header, payload, descriptors. */
struct msg_in {
	struct vfio_user_header h;
	uint8_t *payload;
	size_t len;
	int fds[VFIO_USER_CLIENT_MAX_FDS];
	unsigned nfds;
};

static void msg_in_clear(struct msg_in *m)
{
	g_free(m->payload);
	m->payload = NULL;
	for (unsigned i = 0; i < m->nfds; i++)
		close(m->fds[i]);
	m->nfds = 0;
}

/* ------------------------------------------------------------ state, errors */

static void tell_broken(struct vfio_user_conn *c)
{
	void (*fn)(void *) = g_atomic_pointer_get(&c->on_broken);

	if (fn && g_atomic_int_get(&c->broken) &&
	    g_atomic_int_compare_and_exchange(&c->broken_told, 0, 1))
		fn(c->on_broken_data);
}

void vfio_user_conn_on_broken(struct vfio_user_conn *c, void (*fn)(void *data), void *data)
{
	c->on_broken_data = data;
	g_atomic_pointer_set(&c->on_broken, fn);
	tell_broken(c);
}

void vfio_user_conn_fail(struct vfio_user_conn *c, const char *what)
{
	if (!g_atomic_int_compare_and_exchange(&c->broken, 0, 1))
		return;
	/* Before VERSION completed the attach fails and says so itself. */
	if (c->negotiated)
		g_warning("%s: the vfio-user server %s; the device fails every operation until it is "
			  "re-attached", c->name, what);
	else
		g_warning("%s: the vfio-user server %s", c->name, what);
	/* Wakes the thread and any peer still writing. */
	shutdown(c->fd, SHUT_RDWR);
	if (c->twin_fd >= 0)
		shutdown(c->twin_fd, SHUT_RDWR);
	tell_broken(c);
}

bool vfio_user_conn_broken(const struct vfio_user_conn *c)
{
	return g_atomic_int_get((gint *)&c->broken) != 0;
}

static uint32_t max_msg_size(const struct vfio_user_conn *c)
{
	/* Data up to our limit plus room for the fixed parts and capability chains. */
	return c->max_recv_xfer + 4096;
}

static gint64 deadline_in(const struct vfio_user_conn *c)
{
	return g_get_monotonic_time() + (gint64)c->timeout_ms * 1000;
}

/* Waits until fd is ready for events, or the deadline: 0, -ETIMEDOUT, or -errno. */
static int wait_fd(int fd, short events, gint64 deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		gint64 left = deadline - g_get_monotonic_time();
		int n;

		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, (int)MIN((left + 999) / 1000, (gint64)G_MAXINT));
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

/* --------------------------------------------------------------- receiving */

static void take_fds(struct msghdr *mh, struct msg_in *m)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		const unsigned char *p = CMSG_DATA(cm);
		size_t n;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, p + i * sizeof(int), sizeof(int));
			if (m->nfds < G_N_ELEMENTS(m->fds))
				m->fds[m->nfds++] = fd;
			else
				close(fd);  /* more than a message may bring: not kept */
		}
	}
}

/*
 * Reads exactly len bytes, collecting descriptors: 0, -ETIMEDOUT,
 * -ECONNRESET (closed), -errno.  *got says how far it came.
 */
static int recv_full(int fd, void *buf, size_t len, gint64 deadline, struct msg_in *m, size_t *got)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * VFIO_USER_CLIENT_MAX_FDS)];
		struct cmsghdr align;
	} control;

	*got = 0;
	while (*got < len) {
		struct iovec iov = { (uint8_t *)buf + *got, len - *got };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

		if (n > 0) {
			take_fds(&mh, m);
			*got += (size_t)n;
		} else if (n == 0) {
			return -ECONNRESET;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			int rc = wait_fd(fd, POLLIN, deadline);

			if (rc < 0)
				return rc;
		} else if (errno != EINTR) {
			return -errno;
		}
	}
	return 0;
}

/*
 * Receives one whole message: the header first, checked against our size
 * limit before the payload is read.  0, or -ETIMEDOUT with nothing read
 * (*started false), or another -errno with *why saying what went wrong.
 */
static int recv_msg(struct vfio_user_conn *c, int fd, gint64 deadline, struct msg_in *m,
		    bool *started, const char **why)
{
	uint8_t raw[VFIO_USER_HEADER_SIZE];
	size_t got;
	int rc;

	memset(m, 0, sizeof(*m));
	rc = recv_full(fd, raw, sizeof(raw), deadline, m, &got);
	*started = got > 0;
	if (rc == 0) {
		vfio_user_header_decode(raw, sizeof(raw), &m->h);
		if (!vfio_user_header_check(&m->h, max_msg_size(c), why)) {
			msg_in_clear(m);
			return -EPROTO;
		}
		m->len = m->h.size - VFIO_USER_HEADER_SIZE;
		m->payload = g_malloc(MAX(m->len, 1));
		/* Once a message has begun, all of it must follow within the timeout. */
		rc = recv_full(fd, m->payload, m->len, deadline_in(c), m, &got);
		*started = true;
	}
	if (rc < 0) {
		if (!*started)
			*why = rc == -ECONNRESET ? "closed the connection" : "could not be read from";
		else
			*why = rc == -ECONNRESET ? "closed the connection in the middle of a message"
						 : "stopped in the middle of a message";
		msg_in_clear(m);
	}
	return rc;
}

/* ----------------------------------------------------------------- sending */

static int send_all(int fd, struct msghdr *mh, size_t total, gint64 deadline)
{
	size_t done = 0;

	while (done < total) {
		ssize_t n = sendmsg(fd, mh, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -errno;
			n = wait_fd(fd, POLLOUT, deadline);
			if (n < 0)
				return (int)n;
			continue;
		}
		done += (size_t)n;
		/* Descriptors travel with the first bytes only; skip what went out. */
		mh->msg_control = NULL;
		mh->msg_controllen = 0;
		while (n > 0 && mh->msg_iovlen) {
			size_t step = MIN((size_t)n, mh->msg_iov->iov_len);

			mh->msg_iov->iov_base = (uint8_t *)mh->msg_iov->iov_base + step;
			mh->msg_iov->iov_len -= step;
			n -= (ssize_t)step;
			if (!mh->msg_iov->iov_len) {
				mh->msg_iov++;
				mh->msg_iovlen--;
			}
		}
	}
	return 0;
}

/* Sends header + payload pieces + descriptors as one message: 0 or -errno. */
static int send_msg(struct vfio_user_conn *c, int fd, const struct vfio_user_header *h,
		    const struct iovec *iov, unsigned niov, const int *fds, unsigned nfds)
{
	union {
		char buf[VFIO_FDS_CONTROL_SIZE(VFIO_USER_MAX_FDS_LIMIT)];
		struct cmsghdr align;
	} control;
	g_autofree struct iovec *all = g_new(struct iovec, niov + 1);
	struct msghdr mh = { .msg_iov = all, .msg_iovlen = niov + 1 };

	all[0] = (struct iovec){ (void *)h, sizeof(*h) };
	for (unsigned i = 0; i < niov; i++)
		all[i + 1] = iov[i];
	if (nfds)
		vfio_fds_attach(&mh, control.buf, fds, nfds);
	return send_all(fd, &mh, h->size, deadline_in(c));
}

/* Sends on the main socket, one whole message at a time. */
static int send_main(struct vfio_user_conn *c, const struct vfio_user_header *h,
		     const struct iovec *iov, unsigned niov, const int *fds, unsigned nfds)
{
	int rc;

	g_mutex_lock(&c->send_lock);
	rc = send_msg(c, c->fd, h, iov, niov, fds, nfds);
	g_mutex_unlock(&c->send_lock);
	return rc;
}

/* ------------------------------------------------- the server's requests */

struct dma_reply {
	struct vfio_user_header h;
	struct vfio_user_dma_access a;
	uint8_t *data;  /* DMA_READ: count bytes */
};

/*
 * Fills r with the answer to m; the (positive) errno of an error reply, or
 * 0.  A DMA_READ's data goes to c->scratch: the caller holds scratch_lock.
 */
static int answer_dma(struct vfio_user_conn *c, const struct msg_in *m, struct dma_reply *r)
{
	struct vfio_user_dma_request req;
	const char *why;
	int rc;

	if (!vfio_user_dma_request_parse(m->h.command, m->payload, m->len, c->max_recv_xfer, &req,
					 &why)) {
		g_message("%s: refused %s from the server (%s)", c->name, why, g_strerror(req.error));
		return req.error;
	}
	r->a = (struct vfio_user_dma_access){ .addr = req.addr, .count = req.count };
	if (!req.count)
		return 0;
	if (!c->dma)
		return EFAULT;
	if (!req.write) {
		/* Memory already touched: a fresh megabyte per reply costs its page faults. */
		if (!c->scratch)
			c->scratch = g_malloc(c->max_recv_xfer);
		r->data = c->scratch;
	}
	rc = c->dma(c->dma_data, req.addr, req.write ? (void *)req.data : r->data, req.count, req.write);
	if (rc < 0) {
		g_message("%s: DMA %s of %" G_GUINT64_FORMAT " bytes at IOVA %#" G_GINT64_MODIFIER
			  "x refused: %s", c->name, req.write ? "write" : "read", req.count, req.addr,
			  g_strerror(-rc));
		return -rc;
	}
	return 0;
}

/* Sends the answer r (or error e) to the request m; 0 or -errno. */
static int send_dma_reply(struct vfio_user_conn *c, int fd, bool twin, const struct msg_in *m,
			  struct dma_reply *r, int e)
{
	struct iovec iov[2];
	unsigned niov = 0;

	if (e) {
		vfio_user_header_init(&r->h, m->h.id, m->h.command, 0,
				      VFIO_USER_F_TYPE_REPLY | VFIO_USER_F_ERROR);
		r->h.error = (uint32_t)e;
	} else {
		size_t data = r->data ? r->a.count : 0;

		iov[niov++] = (struct iovec){ &r->a, sizeof(r->a) };
		if (data)
			iov[niov++] = (struct iovec){ r->data, data };
		vfio_user_header_init(&r->h, m->h.id, m->h.command, sizeof(r->a) + data,
				      VFIO_USER_F_TYPE_REPLY);
	}
	return twin ? send_msg(c, fd, &r->h, iov, niov, NULL, 0) : send_main(c, &r->h, iov, niov, NULL, 0);
}

/*
 * Serves one request of the server (m is a command), answering on fd (the
 * main socket when twin is false).  -errno if the connection must be
 * marked broken, with *why.
 */
static int serve_request(struct vfio_user_conn *c, int fd, bool twin, const struct msg_in *m,
			 const char **why)
{
	struct dma_reply r = { .data = NULL };
	/* A read's data lives in the scratch buffer until its reply is sent. */
	bool scratch = m->h.command == VFIO_USER_CMD_DMA_READ;
	int e, rc = 0;

	if (m->h.command != VFIO_USER_CMD_DMA_READ && m->h.command != VFIO_USER_CMD_DMA_WRITE) {
		*why = "sent a request other than DMA_READ or DMA_WRITE";
		return -EPROTO;
	}
	if (scratch)
		g_mutex_lock(&c->scratch_lock);
	e = answer_dma(c, m, &r);
	if (!(m->h.flags & VFIO_USER_F_NO_REPLY))
		rc = send_dma_reply(c, fd, twin, m, &r, e);
	if (scratch)
		g_mutex_unlock(&c->scratch_lock);
	if (rc < 0)
		*why = "stopped taking our reply to its DMA request";
	return rc;
}

/* ---------------------------------------------------------- late replies */

static void remember_late(struct vfio_user_conn *c, uint16_t id)
{
	c->late_ids[c->late_next] = id;
	c->late_next = (c->late_next + 1) % LATE_IDS;
}

/* True (and forgotten) if id is a reply we stopped waiting for. */
static bool take_late(struct vfio_user_conn *c, uint16_t id)
{
	for (unsigned i = 0; i < LATE_IDS; i++) {
		if (c->late_ids[i] == id) {
			c->late_ids[i] = -1;
			return true;
		}
	}
	return false;
}

/*
 * Handles a message on the main socket that is not the reply being waited
 * for: serves a request, drops a late reply.  -errno and *why if the server
 * broke the protocol.
 */
static int handle_other(struct vfio_user_conn *c, const struct msg_in *m, const char **why)
{
	char name[32];

	if (!vfio_user_is_reply(&m->h))
		return serve_request(c, c->fd, false, m, why);
	if (take_late(c, m->h.id)) {
		g_message("%s: dropped a late reply to %s (message %u) that timed out", c->name,
			  vfio_user_cmd_name(m->h.command, name, sizeof(name)), m->h.id);
		return 0;
	}
	*why = "sent a reply to no request of ours";
	return -EPROTO;
}

/* ------------------------------------------------------------------ calls */

/*
 * A reply to a request sent after id (several in flight, answers collected
 * in the order of sending): kept until its turn.  With the lock held.
 */
static bool stash_early(struct vfio_user_conn *c, uint16_t id, struct msg_in *m)
{
	uint16_t ahead = (uint16_t)(m->h.id - id), sent = (uint16_t)(c->next_id - id);

	if (!vfio_user_is_reply(&m->h) || ahead == 0 || ahead >= sent ||
	    g_hash_table_contains(c->early, GUINT_TO_POINTER(m->h.id)))
		return false;
	g_hash_table_insert(c->early, GUINT_TO_POINTER(m->h.id), g_memdup2(m, sizeof(*m)));
	return true;
}

static bool take_early(struct vfio_user_conn *c, uint16_t id, struct msg_in *reply)
{
	struct msg_in *m = NULL;

	if (!g_hash_table_steal_extended(c->early, GUINT_TO_POINTER(id), NULL, (gpointer *)&m))
		return false;
	*reply = *m;
	g_free(m);
	return true;
}

static void early_free(gpointer p)
{
	msg_in_clear(p);
	g_free(p);
}

/*
 * Waits (until deadline) for the reply to id, serving what else arrives:
 * 0 with *reply, -ETIMEDOUT, or -errno.
 */
static int wait_reply(struct vfio_user_conn *c, uint16_t id, uint16_t command, gint64 deadline,
		      struct msg_in *reply)
{
	const char *why = NULL;
	char name[32], what[160];
	bool have = take_early(c, id, reply);

	while (!have) {
		bool started;
		int rc = recv_msg(c, c->fd, deadline, reply, &started, &why);

		if (rc == -ETIMEDOUT && !started) {
			remember_late(c, id);
			g_warning("%s: no reply to %s within %u ms", c->name,
				  vfio_user_cmd_name(command, name, sizeof(name)), c->timeout_ms);
			return -ETIMEDOUT;
		}
		if (rc < 0)
			break;
		have = vfio_user_is_reply(&reply->h) && reply->h.id == id;
		if (have || stash_early(c, id, reply))
			continue;
		rc = handle_other(c, reply, &why);
		msg_in_clear(reply);
		if (rc < 0)
			break;
	}
	if (have && reply->h.command == command)
		return 0;
	if (have) {
		msg_in_clear(reply);
		why = "answered a request with a reply to another command";
	}
	g_snprintf(what, sizeof(what), "%s (waiting for the reply to %s)", why,
		   vfio_user_cmd_name(command, name, sizeof(name)));
	vfio_user_conn_fail(c, what);
	return -EIO;
}

/*
 * A DMA_MAP or DMA_UNMAP that did not plainly succeed leaves the server's
 * mappings unknown: it may hold (or later apply) a mapping the container
 * no longer counts on it for, and refuse the next buffer at that IOVA,
 * which would fail every device's buffers.  Such a device is lost instead
 * (EIO, then ENODEV); a lost device takes no more mappings, so the IOVA
 * space stays whole for the others (doc/decisions.md).
 */
static void settle_map_state(struct vfio_user_conn *c, uint16_t command, int rc)
{
	char name[32], what[200];

	if (rc >= 0 || rc == -ENODEV ||
	    (command != VFIO_USER_CMD_DMA_MAP && command != VFIO_USER_CMD_DMA_UNMAP))
		return;
	g_snprintf(what, sizeof(what), "%s %s, so which buffers it maps is unknown",
		   rc == -ETIMEDOUT ? "did not answer" : "failed",
		   vfio_user_cmd_name(command, name, sizeof(name)));
	vfio_user_conn_fail(c, what);
}

void vfio_user_conn_begin(struct vfio_user_conn *c)
{
	g_mutex_lock(&c->lock);
}

void vfio_user_conn_end(struct vfio_user_conn *c)
{
	/* Replies nobody collected (the connection broke meanwhile) are dropped. */
	g_hash_table_remove_all(c->early);
	g_mutex_unlock(&c->lock);
}

int vfio_user_conn_send(struct vfio_user_conn *c, struct vfio_user_call *call)
{
	struct vfio_user_header h;
	size_t len = 0;
	int rc;

	call->reply = NULL;
	call->reply_len = 0;
	call->nreply_fds = 0;
	if (vfio_user_conn_broken(c))
		return -ENODEV;
	for (unsigned i = 0; i < call->niov; i++)
		len += call->iov[i].iov_len;
	call->id = c->next_id++;
	/* The timeout runs from sending: a reply collected late may already be here. */
	call->deadline = deadline_in(c);
	vfio_user_header_init(&h, call->id, call->command, len, VFIO_USER_F_TYPE_COMMAND);
	rc = send_main(c, &h, call->iov, call->niov, call->fds, call->nfds);
	if (rc < 0) {
		vfio_user_conn_fail(c, rc == -ETIMEDOUT ? "stopped reading its socket"
							: "closed the connection");
		return -EIO;
	}
	return 0;
}

int vfio_user_conn_collect(struct vfio_user_conn *c, struct vfio_user_call *call)
{
	struct msg_in reply;
	int rc;

	/*
	 * Sent, then the connection broke (a server that dies on a request is
	 * seen first by the thread on its twin socket): the call in flight
	 * fails with EIO like any lost reply; only later calls get ENODEV.
	 */
	if (vfio_user_conn_broken(c))
		return -EIO;
	rc = wait_reply(c, call->id, call->command, call->deadline, &reply);
	if (rc == 0 && (reply.h.flags & VFIO_USER_F_ERROR)) {
		char name[32];

		rc = -vfio_user_reply_errno(call->command, reply.h.error);
		g_debug("%s: the server refused %s with error %u (%s to the caller)", c->name,
			vfio_user_cmd_name(call->command, name, sizeof(name)), reply.h.error,
			g_strerror(-rc));
		msg_in_clear(&reply);
	}
	/* Under the connection's lock: vfio_user_conn_fail never waits for it. */
	settle_map_state(c, call->command, rc);
	if (rc < 0)
		return rc == -ETIMEDOUT ? -EIO : rc;
	call->reply = reply.payload;
	call->reply_len = reply.len;
	memcpy(call->reply_fds, reply.fds, sizeof(reply.fds));
	call->nreply_fds = reply.nfds;
	return 0;
}

int vfio_user_conn_call(struct vfio_user_conn *c, struct vfio_user_call *call)
{
	int rc;

	call->reply = NULL;
	call->reply_len = 0;
	call->nreply_fds = 0;
	if (vfio_user_conn_broken(c))
		return -ENODEV;
	vfio_user_conn_begin(c);
	rc = vfio_user_conn_send(c, call);
	if (rc == 0)
		rc = vfio_user_conn_collect(c, call);
	vfio_user_conn_end(c);
	return rc;
}

void vfio_user_call_clear(struct vfio_user_call *call)
{
	g_free(call->reply);
	call->reply = NULL;
	for (unsigned i = 0; i < call->nreply_fds; i++)
		close(call->reply_fds[i]);
	call->nreply_fds = 0;
}

/* ------------------------------------------------------------- the thread */

/* What woke the connection's thread. */
enum wake { WAKE_STOP, WAKE_TWIN, WAKE_MAIN };

/*
 * Blocks until the socket the server's requests come on is readable (the
 * twin socket, else the main one), or the stop eventfd fires.  With a twin
 * socket the main one is left to callers: watching it too would wake this
 * thread for every reply, and the server sends no requests there.
 */
static enum wake wait_wake(struct vfio_user_conn *c)
{
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = c->stop_fd, .events = POLLIN },
			{ .fd = c->twin_fd, .events = POLLIN },  /* poll ignores a -1 */
			{ .fd = c->twin_fd >= 0 ? -1 : c->fd, .events = POLLIN },
		};

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return WAKE_STOP;
		}
		if (p[0].revents)
			return WAKE_STOP;
		if (p[1].revents)
			return WAKE_TWIN;
		if (p[2].revents)
			return WAKE_MAIN;
	}
}

static bool readable_now(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) > 0;
}

/* One message on the twin socket: a request of the server. */
static bool twin_step(struct vfio_user_conn *c)
{
	const char *why = NULL;
	struct msg_in m;
	bool started;
	int rc = recv_msg(c, c->twin_fd, deadline_in(c), &m, &started, &why);

	if (rc == -ETIMEDOUT && !started)
		return true;  /* woke for nothing */
	if (rc == 0 && vfio_user_is_reply(&m.h)) {
		why = "sent a reply on its request socket";
		rc = -EPROTO;
	} else if (rc == 0) {
		rc = serve_request(c, c->twin_fd, true, &m, &why);
	}
	msg_in_clear(&m);
	if (rc < 0) {
		g_autofree char *what = g_strdup_printf("%s (twin socket)", why);

		vfio_user_conn_fail(c, what);
		return false;
	}
	return true;
}

/*
 * One message on the idle main socket: read under the connection lock (no
 * request is outstanding then), served after it is released, so that a
 * DMA request waiting for the container never holds up other callers.
 */
static bool idle_step(struct vfio_user_conn *c)
{
	const char *why = NULL;
	struct msg_in m = { .nfds = 0 };
	bool started, have = false;
	int rc = 0;

	g_mutex_lock(&c->lock);
	/* A caller may have read it meanwhile: look again before reading. */
	if (!vfio_user_conn_broken(c) && readable_now(c->fd)) {
		rc = recv_msg(c, c->fd, deadline_in(c), &m, &started, &why);
		have = rc == 0;
		if (have && vfio_user_is_reply(&m.h)) {
			rc = handle_other(c, &m, &why);
			msg_in_clear(&m);
			have = false;
		}
	}
	g_mutex_unlock(&c->lock);
	if (have) {
		rc = serve_request(c, c->fd, false, &m, &why);
		msg_in_clear(&m);
	}
	if (rc < 0)
		vfio_user_conn_fail(c, why);
	return rc == 0 && !vfio_user_conn_broken(c);
}

static gpointer conn_thread(gpointer data)
{
	struct vfio_user_conn *c = data;

	while (!vfio_user_conn_broken(c)) {
		enum wake w = wait_wake(c);

		if (w == WAKE_STOP)
			break;
		if (!(w == WAKE_TWIN ? twin_step(c) : idle_step(c)))
			break;
	}
	return NULL;
}

/* ------------------------------------------------------- setting up */

/*
 * Room for a whole message in flight: a 1 MiB DMA reply then goes out in
 * one send instead of many, each a wake-up of both processes.  Root may go
 * past the system's limit (the FORCE options); others get what it allows.
 */
static void widen_buffers(int fd)
{
	int size = 2 * VFIO_USER_DEFAULT_MAX_DATA_XFER + 4096;

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static bool set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0;
}

struct vfio_user_conn *vfio_user_conn_new_fd(int fd, const struct vfio_user_conn_options *o)
{
	struct vfio_user_conn *c = g_new0(struct vfio_user_conn, 1);

	c->name = g_strdup(o->name ? o->name : "vfio-user");
	c->fd = fd;
	c->twin_fd = -1;
	c->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	c->timeout_ms = o->timeout_ms ? o->timeout_ms : 10000;
	c->max_recv_xfer = o->max_data_xfer_size ? o->max_data_xfer_size : VFIO_USER_DEFAULT_MAX_DATA_XFER;
	c->dma = o->dma;
	c->dma_data = o->dma_data;
	/* The server numbers its own requests from 1; ours start elsewhere only for easier traces. */
	c->next_id = 1;
	for (unsigned i = 0; i < LATE_IDS; i++)
		c->late_ids[i] = -1;
	c->early = g_hash_table_new_full(NULL, NULL, NULL, early_free);
	g_mutex_init(&c->lock);
	g_mutex_init(&c->send_lock);
	g_mutex_init(&c->scratch_lock);
	set_nonblock(fd);
	widen_buffers(fd);
	return c;
}

struct vfio_user_conn *vfio_user_conn_connect(const char *path, const struct vfio_user_conn_options *o,
					      GError **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		vfio_set_error(err, ENAMETOOLONG, "%s: socket path %s is too long for a UNIX socket",
			       o->name, path);
		return NULL;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		vfio_set_error(err, errno, "%s: cannot create a socket: %s", o->name, g_strerror(errno));
		return NULL;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		vfio_set_error(err, e, "%s: cannot connect to the vfio-user server at %s: %s%s", o->name,
			       path, g_strerror(e),
			       e == ENOENT || e == ECONNREFUSED ? " (is the server running?)" : "");
		return NULL;
	}
	return vfio_user_conn_new_fd(fd, o);
}

/* Keeps the twin socket the VERSION reply brought, if it did; closes the rest. */
static void take_twin(struct vfio_user_conn *c, struct vfio_user_call *call)
{
	if (c->caps.twin_socket && c->caps.twin_fd_index < call->nreply_fds) {
		c->twin_fd = call->reply_fds[c->caps.twin_fd_index];
		call->reply_fds[c->caps.twin_fd_index] = -1;
		set_nonblock(c->twin_fd);
		widen_buffers(c->twin_fd);
	} else if (c->caps.twin_socket) {
		/* Promised but not delivered: the link between us drops descriptors. */
		c->twin_lost = true;
	}
	for (unsigned i = 0; i < call->nreply_fds; i++)
		if (call->reply_fds[i] >= 0)
			close(call->reply_fds[i]);
	call->nreply_fds = 0;
}

bool vfio_user_conn_negotiate(struct vfio_user_conn *c, bool want_twin, GError **err)
{
	g_autoptr(GByteArray) req = vfio_user_version_request(VFIO_USER_CLIENT_MAX_FDS, c->max_recv_xfer,
							       want_twin);
	struct iovec iov = { req->data, req->len };
	struct vfio_user_call call = { .command = VFIO_USER_CMD_VERSION, .iov = &iov, .niov = 1 };
	const char *why = NULL;
	int rc = vfio_user_conn_call(c, &call);

	if (rc < 0) {
		vfio_set_error(err, rc == -ENODEV ? EIO : -rc,
			       "%s: the vfio-user server did not complete the VERSION exchange: %s",
			       c->name, g_strerror(-rc));
		return false;
	}
	if (!vfio_user_version_parse(call.reply, call.reply_len, &c->caps, &why)) {
		vfio_user_call_clear(&call);
		vfio_set_error(err, EIO, "%s: the vfio-user server sent %s in its VERSION reply", c->name, why);
		vfio_user_conn_fail(c, "sent a malformed VERSION reply");
		return false;
	}
	take_twin(c, &call);
	vfio_user_call_clear(&call);
	c->negotiated = true;
	return true;
}

void vfio_user_conn_serve(struct vfio_user_conn *c)
{
	if (c->negotiated && !c->thread)
		c->thread = g_thread_new("vfio-user", conn_thread, c);
}

/* ---------------------------------------------------------------- getters */

const struct vfio_user_caps *vfio_user_conn_caps(const struct vfio_user_conn *c)
{
	return &c->caps;
}

bool vfio_user_conn_has_twin(const struct vfio_user_conn *c)
{
	return c->twin_fd >= 0;
}

bool vfio_user_conn_twin_lost(const struct vfio_user_conn *c)
{
	return c->twin_lost;
}

uint32_t vfio_user_conn_max_xfer(const struct vfio_user_conn *c)
{
	return MIN(c->max_recv_xfer, c->caps.max_data_xfer_size);
}

uint32_t vfio_user_conn_timeout_ms(const struct vfio_user_conn *c)
{
	return c->timeout_ms;
}

void vfio_user_conn_free(struct vfio_user_conn *c)
{
	uint64_t one = 1;

	if (!c)
		return;
	if (c->thread) {
		if (write(c->stop_fd, &one, sizeof(one)) < 0)
			g_warning("%s: cannot stop the connection thread: %s", c->name, g_strerror(errno));
		g_thread_join(c->thread);
	}
	if (c->twin_fd >= 0)
		close(c->twin_fd);
	close(c->fd);
	close(c->stop_fd);
	g_mutex_clear(&c->lock);
	g_mutex_clear(&c->send_lock);
	g_mutex_clear(&c->scratch_lock);
	g_hash_table_unref(c->early);
	g_free(c->scratch);
	g_free(c->name);
	g_free(c);
}
