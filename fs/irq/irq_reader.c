/*
 * The open irq files of a device: each is a reader that sees every
 * interrupt arriving after its open, as text made when a read wants it.
 * A read with nothing pending waits in its reader's queue until an event
 * source (fs/irq/irq_source.c) wakes the readers, or the mode (fs/irq/irq_mode.c)
 * releases them; a poll handle is notified then.
 */
#define G_LOG_DOMAIN "irq-reader"
#include "fs/irq/irq_private.h"

#include <errno.h>
#include <poll.h>

struct fs_irq_reader {
	struct fs_irq *irq;
	guint epoch;
	uint64_t *seen;           /* counts already formatted, per vector of epoch */
	GString *unread;          /* event text formatted but not yet read: irq is a byte stream */
	bool eof;                 /* off or reset came while this reader was not waiting */
	GQueue waiting;           /* struct waiter *: reads answered later */
	struct fuse_pollhandle *ph;
};

struct waiter {
	fuse_req_t req;
	size_t size;
};

/* ---- with irq->lock held ---- */

/* A mode change starts counting anew: everything since then is news to every reader. */
static void reader_sync(struct fs_irq_reader *r)
{
	if (r->epoch == r->irq->epoch)
		return;
	g_free(r->seen);
	r->seen = g_new0(uint64_t, r->irq->nvec);
	r->epoch = r->irq->epoch;
}

/* Moves the events this reader has not seen into its unread text. */
static void reader_format(struct fs_irq_reader *r)
{
	struct fs_irq *irq = r->irq;
	g_autofree uint64_t *pending = NULL;

	reader_sync(r);
	pending = g_new(uint64_t, irq->nvec);
	for (unsigned v = 0; v < irq->nvec; v++)
		pending[v] = irq->counts[v] - r->seen[v];
	fs_irq_format_events(r->unread, irq->mode, pending, irq->nvec, G_MAXSIZE);
	for (unsigned v = 0; v < irq->nvec; v++)
		r->seen[v] = irq->counts[v];
}

static bool reader_has_events(struct fs_irq_reader *r)
{
	if (r->unread->len)
		return true;
	reader_sync(r);
	for (unsigned v = 0; v < r->irq->nvec; v++)
		if (r->irq->counts[v] != r->seen[v])
			return true;
	return false;
}

/*
 * Text is made when a read wants it, so a read gets one line per vector
 * with all it counted since the last one, and an unread file holds no
 * growing text.  Any read size works, down to the one byte at a time a
 * shell's "read" takes from a file it cannot seek: what does not fit
 * waits for the next read.
 */
static void reader_reply(struct fs_irq_reader *r, fuse_req_t req, size_t size)
{
	if (!r->unread->len)
		reader_format(r);
	size = MIN(size, r->unread->len);
	fuse_reply_buf(req, r->unread->str, size);
	g_string_erase(r->unread, 0, size);
}

static void reader_notify_poll(struct fs_irq_reader *r)
{
	if (!r->ph)
		return;
	fuse_lowlevel_notify_poll(r->ph);
	fuse_pollhandle_destroy(r->ph);
	r->ph = NULL;
}

void fs_irq_readers_wake(struct fs_irq *irq)
{
	for (GList *l = irq->readers; l; l = l->next) {
		struct fs_irq_reader *r = l->data;

		while (!g_queue_is_empty(&r->waiting) && reader_has_events(r)) {
			struct waiter *w = g_queue_pop_head(&r->waiting);

			reader_reply(r, w->req, w->size);
			g_free(w);
		}
		if (reader_has_events(r))
			reader_notify_poll(r);
	}
}

void fs_irq_readers_release(struct fs_irq *irq, int err)
{
	for (GList *l = irq->readers; l; l = l->next) {
		struct fs_irq_reader *r = l->data;
		struct waiter *w;

		g_string_truncate(r->unread, 0);
		r->eof = !err && g_queue_is_empty(&r->waiting);
		while ((w = g_queue_pop_head(&r->waiting))) {
			if (err)
				fuse_reply_err(w->req, err);
			else
				fuse_reply_buf(w->req, NULL, 0);
			g_free(w);
		}
		reader_notify_poll(r);
	}
}

/* ---- the irq file's operations ---- */

struct fs_irq_reader *fs_irq_reader_new(struct fs_irq *irq)
{
	struct fs_irq_reader *r = g_new0(struct fs_irq_reader, 1);

	r->irq = fs_irq_ref(irq);
	r->unread = g_string_new(NULL);
	g_queue_init(&r->waiting);
	g_mutex_lock(&irq->lock);
	/* Interrupts before the open are not this reader's news. */
	r->epoch = irq->epoch;
	r->seen = irq->nvec ? g_memdup2(irq->counts, irq->nvec * sizeof(uint64_t)) : NULL;
	irq->readers = g_list_prepend(irq->readers, r);
	g_mutex_unlock(&irq->lock);
	return r;
}

void fs_irq_reader_free(struct fs_irq_reader *r)
{
	struct fs_irq *irq = r->irq;

	g_mutex_lock(&irq->lock);
	irq->readers = g_list_remove(irq->readers, r);
	/* The kernel releases a file only when no read on it is in flight. */
	g_warn_if_fail(g_queue_is_empty(&r->waiting));
	if (r->ph)
		fuse_pollhandle_destroy(r->ph);
	g_mutex_unlock(&irq->lock);
	g_string_free(r->unread, TRUE);
	g_free(r->seen);
	g_free(r);
	fs_irq_unref(irq);
}

/* A signal interrupted a waiting read: answer EINTR if it is still waiting. */
static void on_interrupt(fuse_req_t req, void *data)
{
	struct fs_irq *irq = data;

	g_mutex_lock(&irq->lock);
	for (GList *l = irq->readers; l; l = l->next) {
		struct fs_irq_reader *r = l->data;

		for (GList *q = r->waiting.head; q; q = q->next) {
			struct waiter *w = q->data;

			if (w->req != req)
				continue;
			g_queue_delete_link(&r->waiting, q);
			g_free(w);
			fuse_reply_err(req, EINTR);
			g_mutex_unlock(&irq->lock);
			return;
		}
	}
	g_mutex_unlock(&irq->lock);
}

void fs_irq_reader_read(struct fs_irq_reader *r, fuse_req_t req, size_t size, bool nonblock)
{
	struct fs_irq *irq = r->irq;
	struct waiter *w;

	/* Registered before taking the lock: libfuse may call it at once, and it locks. */
	if (!nonblock)
		fuse_req_interrupt_func(req, on_interrupt, irq);
	g_mutex_lock(&irq->lock);
	if (irq->gone) {
		g_mutex_unlock(&irq->lock);
		fuse_reply_err(req, ENODEV);
		return;
	}
	if (r->eof) {
		r->eof = false;
		g_mutex_unlock(&irq->lock);
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	fs_irq_take_all_events(irq);
	if (reader_has_events(r)) {
		reader_reply(r, req, size);
		g_mutex_unlock(&irq->lock);
		return;
	}
	if (nonblock || fuse_req_interrupted(req)) {
		g_mutex_unlock(&irq->lock);
		fuse_reply_err(req, nonblock ? EAGAIN : EINTR);
		return;
	}
	w = g_new0(struct waiter, 1);
	w->req = req;
	w->size = size;
	g_queue_push_tail(&r->waiting, w);
	g_mutex_unlock(&irq->lock);
}

void fs_irq_reader_poll(struct fs_irq_reader *r, fuse_req_t req, struct fuse_pollhandle *ph)
{
	struct fs_irq *irq = r->irq;
	unsigned revents = POLLOUT | POLLWRNORM;  /* commands never block */

	g_mutex_lock(&irq->lock);
	if (irq->gone)
		revents |= POLLERR | POLLHUP;
	else if (r->eof || (fs_irq_take_all_events(irq), reader_has_events(r)))
		revents |= POLLIN | POLLRDNORM;
	if (ph) {
		if (r->ph)
			fuse_pollhandle_destroy(r->ph);
		r->ph = ph;
	}
	g_mutex_unlock(&irq->lock);
	fuse_reply_poll(req, revents);
}
