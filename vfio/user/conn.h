/*
 * One vfio-user connection: the socket, message framing with descriptors,
 * message ids, request/reply with a bounded wait, and the server's own
 * requests (DMA_READ/DMA_WRITE), served on a twin socket by a thread of the
 * connection, or on the main socket by whoever is reading it.
 *
 * The server is untrusted: anything it does wrong marks the connection
 * broken (the call in flight fails with -EIO, one warning names the device
 * and what the server did, every later call fails with -ENODEV).
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vfio/user/msg.h"

struct vfio_user_conn;

/*
 * Serves one DMA request of the server: copies count bytes from the IOVA
 * space at addr into buf (write false) or from buf into it (write true).
 * 0 or -errno (answered to the server as an error reply).  Runs on the
 * connection's thread or on a thread waiting for a reply, without the
 * connection's locks that would keep other devices waiting.
 */
typedef int (*vfio_user_dma_fn)(void *data, uint64_t addr, void *buf, size_t count, bool write);

struct vfio_user_conn_options {
	const char *name;            /* the device, for log lines */
	unsigned timeout_ms;         /* the longest wait for a reply (0: the default) */
	uint32_t max_data_xfer_size; /* ours: the largest data payload we accept (0: 1 MiB) */
	vfio_user_dma_fn dma;        /* NULL: every DMA request gets an error reply */
	void *dma_data;
};

/* Descriptors one message may bring us (VERSION brings the twin socket, region info one). */
#define VFIO_USER_CLIENT_MAX_FDS 8u

/*
 * Connects to the server's socket (AF_UNIX, SOCK_STREAM).  NULL and err
 * with the connect errno (ENOENT, ECONNREFUSED, EACCES...).
 */
struct vfio_user_conn *vfio_user_conn_connect(const char *path, const struct vfio_user_conn_options *o,
					      GError **err);
/* Takes over an already connected stream socket (tests: one end of a socketpair). */
struct vfio_user_conn *vfio_user_conn_new_fd(int fd, const struct vfio_user_conn_options *o);

/*
 * The VERSION exchange.  With want_twin we ask for a twin socket.  EIO and
 * a message naming the device if the server breaks the protocol.
 */
bool vfio_user_conn_negotiate(struct vfio_user_conn *c, bool want_twin, GError **err);
/*
 * Starts the thread that serves the server's requests (on the twin socket,
 * or on the main socket between our calls).  Not at negotiation: a thread
 * started before the daemon forks into the background would not follow it
 * into the child, and no request of the server's would be answered.
 */
void vfio_user_conn_serve(struct vfio_user_conn *c);

/* What VERSION settled, and what we learnt about the link. */
const struct vfio_user_caps *vfio_user_conn_caps(const struct vfio_user_conn *c);
/* A twin socket is in use (the server asked for one and its descriptor arrived). */
bool vfio_user_conn_has_twin(const struct vfio_user_conn *c);
/* The server promised a twin socket whose descriptor never arrived. */
bool vfio_user_conn_twin_lost(const struct vfio_user_conn *c);
/* The largest data payload both sides accept in one message. */
uint32_t vfio_user_conn_max_xfer(const struct vfio_user_conn *c);
uint32_t vfio_user_conn_timeout_ms(const struct vfio_user_conn *c);
bool vfio_user_conn_broken(const struct vfio_user_conn *c);

/* One request and its reply. */
struct vfio_user_call {
	uint16_t command;
	const struct iovec *iov;   /* the request payload, in pieces */
	unsigned niov;
	const int *fds;            /* descriptors sent with the request */
	unsigned nfds;
	/* Filled in: the reply payload (g_free it) and the descriptors it brought (yours to close). */
	void *reply;
	size_t reply_len;
	int reply_fds[VFIO_USER_CLIENT_MAX_FDS];
	unsigned nreply_fds;
	/* Set by vfio_user_conn_send: the message id and when the wait for its reply ends. */
	uint16_t id;
	gint64 deadline;
};

/*
 * Sends the request and waits for its reply (at most the timeout), serving
 * the server's requests that arrive meanwhile on the main socket.  0, the
 * errno of an error reply (negative), -EIO if the server broke the
 * protocol, died or did not answer in time, -ENODEV once the connection is
 * broken.  A DMA_MAP or DMA_UNMAP that does not succeed (no reply in time,
 * an error reply) marks the connection broken: the server's mappings are
 * unknown from then on.  On failure nothing is left to free.
 */
int vfio_user_conn_call(struct vfio_user_conn *c, struct vfio_user_call *call);
/*
 * The same call in two halves, so that one thread can have requests in
 * flight on many connections (or several on one) and await the replies
 * after: the cost of a fan-out is then the slowest round trip, not their
 * sum.  vfio_user_conn_begin() takes the connection (the lock a whole
 * call holds: no other request goes out and nobody else reads the main
 * socket until vfio_user_conn_end()); vfio_user_conn_send() sends one
 * request (0, or -EIO/-ENODEV with nothing in flight); each request sent
 * is collected, in the order of sending, by vfio_user_conn_collect(), which
 * waits until the deadline set at sending and serves the server's own
 * requests meanwhile (as vfio_user_conn_call() does; requests that arrive
 * between collects wait in the socket until the next collect or the end).
 * Its results are vfio_user_conn_call()'s.  A reply that arrives before
 * its turn is kept for it.
 */
void vfio_user_conn_begin(struct vfio_user_conn *c);
int vfio_user_conn_send(struct vfio_user_conn *c, struct vfio_user_call *call);
int vfio_user_conn_collect(struct vfio_user_conn *c, struct vfio_user_call *call);
void vfio_user_conn_end(struct vfio_user_conn *c);

/* Frees what a call returned (payload, descriptors). */
void vfio_user_call_clear(struct vfio_user_call *call);

/* Marks the connection broken with a warning naming the device and what the server did. */
void vfio_user_conn_fail(struct vfio_user_conn *c, const char *what);

/*
 * fn(data) runs once when the connection breaks for good (at once if it
 * already has), on the thread that noticed: it must not block.
 */
void vfio_user_conn_on_broken(struct vfio_user_conn *c, void (*fn)(void *data), void *data);

/* Stops the thread and closes the sockets. */
void vfio_user_conn_free(struct vfio_user_conn *c);
