#define G_LOG_DOMAIN "irq"
#include "fs/irq.h"
#include "fs/event_loop.h"
#include "vfio/device.h"

#include <errno.h>
#include <glib-unix.h>
#include <linux/vfio.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct fs_irq {
	gint refs;                /* the device's, plus one per event source */
	GMutex lock;
	struct fs_event_loop *loop;
	enum fs_irq_mode mode;
	unsigned index;           /* VFIO irq index of mode */
	unsigned nvec;
	int32_t *fds;             /* eventfds, nvec of them */
	GSource **sources;        /* watching fds on the event loop */
	uint64_t *counts;         /* interrupts per vector since mode was set */
	guint epoch;              /* bumped at every mode change */
	gint intx_on;             /* mode is an automasked INTx; atomic for the EOI fast path */
	bool intx_masked;         /* INTx fired (VFIO masked it) and has not been ended */
	bool intx_automasked;     /* the device masks INTx when it fires (its flags say so) */
	bool gone;                /* the device was detached */
	GList *readers;           /* struct fs_irq_reader * */
};

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

struct irq_source {
	struct fs_irq *irq;
	unsigned vector;
};

static const unsigned vfio_index[] = {
	[FS_IRQ_INTX] = VFIO_PCI_INTX_IRQ_INDEX,
	[FS_IRQ_MSI] = VFIO_PCI_MSI_IRQ_INDEX,
	[FS_IRQ_MSIX] = VFIO_PCI_MSIX_IRQ_INDEX,
};

static struct fs_irq *irq_ref(struct fs_irq *irq)
{
	g_atomic_int_inc(&irq->refs);
	return irq;
}

static void irq_unref(struct fs_irq *irq)
{
	if (!g_atomic_int_dec_and_test(&irq->refs))
		return;
	g_mutex_clear(&irq->lock);
	g_free(irq);
}

struct fs_irq *fs_irq_new(struct fs_event_loop *loop)
{
	struct fs_irq *irq = g_new0(struct fs_irq, 1);

	irq->refs = 1;
	g_mutex_init(&irq->lock);
	irq->loop = loop;
	return irq;
}

void fs_irq_free(struct fs_irq *irq)
{
	if (irq)
		irq_unref(irq);
}

/* ---- readers, with irq->lock held ---- */

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

static void wake_readers(struct fs_irq *irq)
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

/*
 * Answers every waiting read with end of file (err 0) or the error; a
 * reader not waiting now gets its end of file at its next read, so that
 * "cat irq" ends at "off" whenever it comes.
 */
static void release_waiters(struct fs_irq *irq, int err)
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

/* ---- event sources ---- */

/* Takes in what the eventfd of vector v counted, if anything. Lock held. */
static void take_events(struct fs_irq *irq, int fd, unsigned v)
{
	uint64_t n;

	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return;
	irq->counts[v] += n;
	/* An INTx that is not automasked (vfio-user's) needs no end from us. */
	if (irq->mode == FS_IRQ_INTX && irq->intx_automasked)
		irq->intx_masked = true;
	wake_readers(irq);
}

/*
 * Takes in what the kernel has signalled but the event loop not yet read,
 * so that a read or poll right after an interrupt sees it.  Lock held.
 */
static void take_all_events(struct fs_irq *irq)
{
	for (unsigned v = 0; v < irq->nvec; v++)
		take_events(irq, irq->fds[v], v);
}

static gboolean on_event(gint fd, GIOCondition condition, gpointer data)
{
	struct irq_source *s = data;
	struct fs_irq *irq = s->irq;

	g_mutex_lock(&irq->lock);
	/* Destroyed while this callback waited for the lock: the eventfd may be closed. */
	if (g_source_is_destroyed(g_main_current_source())) {
		g_mutex_unlock(&irq->lock);
		return G_SOURCE_REMOVE;
	}
	(void)condition;
	take_events(irq, fd, s->vector);
	g_mutex_unlock(&irq->lock);
	return G_SOURCE_CONTINUE;
}

static void source_done(gpointer data)
{
	struct irq_source *s = data;

	irq_unref(s->irq);
	g_free(s);
}

static void watch_vectors(struct fs_irq *irq)
{
	GMainContext *ctx = fs_event_loop_context(irq->loop);

	irq->sources = g_new0(GSource *, irq->nvec);
	for (unsigned v = 0; v < irq->nvec; v++) {
		struct irq_source *s = g_new0(struct irq_source, 1);

		s->irq = irq_ref(irq);
		s->vector = v;
		irq->sources[v] = g_unix_fd_source_new(irq->fds[v], G_IO_IN);
		/* A unix fd source calls a GUnixFDSourceFunc, whatever the cast says. */
		g_source_set_callback(irq->sources[v], G_SOURCE_FUNC(on_event), s, source_done);
		g_source_attach(irq->sources[v], ctx);
	}
}

static void close_fds(int32_t *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	g_free(fds);
}

/* Forgets the current mode's vectors (VFIO already told); the mode becomes off. */
static void drop_vectors(struct fs_irq *irq)
{
	for (unsigned v = 0; irq->sources && v < irq->nvec; v++) {
		g_source_destroy(irq->sources[v]);
		g_source_unref(irq->sources[v]);
	}
	g_clear_pointer(&irq->sources, g_free);
	if (irq->fds)
		close_fds(irq->fds, irq->nvec);
	irq->fds = NULL;
	g_clear_pointer(&irq->counts, g_free);
	irq->nvec = 0;
	irq->mode = FS_IRQ_OFF;
	irq->epoch++;
	g_atomic_int_set(&irq->intx_on, 0);
	irq->intx_masked = false;
}

static int32_t *new_eventfds(unsigned n)
{
	int32_t *fds = g_new(int32_t, n);

	for (unsigned i = 0; i < n; i++) {
		fds[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (fds[i] < 0) {
			int e = errno;

			close_fds(fds, i);
			errno = e;
			return NULL;
		}
	}
	return fds;
}

/* Switches to mode with nvec vectors; on failure the old mode is put back. Lock held. */
static int set_mode(struct fs_irq *irq, struct vfio_device *vdev, enum fs_irq_mode mode,
		    unsigned nvec)
{
	int32_t *fds = new_eventfds(nvec);
	int rc;

	if (!fds)
		return -errno;
	if (irq->mode != FS_IRQ_OFF)
		vfio_irq_disable(vdev, irq->index);
	rc = vfio_irq_enable(vdev, vfio_index[mode], nvec, fds);
	if (rc < 0) {
		g_warning("%s: enabling %u %s vector(s) failed: %s", vdev->name, nvec,
			  fs_irq_mode_name(mode), g_strerror(-rc));
		close_fds(fds, nvec);
		if (irq->mode != FS_IRQ_OFF && vfio_irq_enable(vdev, irq->index, irq->nvec, irq->fds) < 0)
			drop_vectors(irq);
		return rc;
	}
	drop_vectors(irq);
	irq->mode = mode;
	irq->index = vfio_index[mode];
	irq->nvec = nvec;
	irq->fds = fds;
	irq->counts = g_new0(uint64_t, nvec);
	irq->intx_automasked = mode == FS_IRQ_INTX &&
		(vfio_device_irq(vdev, VFIO_PCI_INTX_IRQ_INDEX)->flags & VFIO_IRQ_INFO_AUTOMASKED);
	g_atomic_int_set(&irq->intx_on, irq->intx_automasked);
	watch_vectors(irq);
	/* An MSI is a memory write by the device: without bus mastering it is dropped. */
	if (mode != FS_IRQ_INTX && vfio_device_enable_bus_master(vdev) < 0)
		g_warning("%s: cannot enable bus mastering; MSI messages may be lost", vdev->name);
	g_info("%s: interrupts: %s, %u vector(s)", vdev->name, fs_irq_mode_name(mode), nvec);
	return 0;
}

static void turn_off(struct fs_irq *irq, struct vfio_device *vdev)
{
	if (irq->mode != FS_IRQ_OFF)
		vfio_irq_disable(vdev, irq->index);
	drop_vectors(irq);
}

/* How many vectors of this mode the device offers. */
static unsigned offered(struct vfio_device *vdev, enum fs_irq_mode mode)
{
	const struct vfio_irq_index *info = vfio_device_irq(vdev, vfio_index[mode]);

	return info ? info->count : 0;
}

static int refuse(struct vfio_device *vdev, const char *why)
{
	g_message("%s/irq: %s", vdev->name, why);
	return -EINVAL;
}

static int apply_locked(struct fs_irq *irq, struct vfio_device *vdev, const struct fs_irq_command *cmd)
{
	g_autofree char *why = NULL;

	/* "off" while off is fine whatever mode was named. */
	if (cmd->in_mode && irq->mode != cmd->mode &&
	    !(cmd->verb == FS_IRQ_CMD_OFF && irq->mode == FS_IRQ_OFF)) {
		why = g_strdup_printf("the command names %s, but the interrupts are %s",
				      fs_irq_mode_name(cmd->mode), fs_irq_mode_name(irq->mode));
		return refuse(vdev, why);
	}
	switch (cmd->verb) {
	case FS_IRQ_CMD_INTX:
		if (!offered(vdev, FS_IRQ_INTX))
			return refuse(vdev, "the device has no INTx pin");
		return set_mode(irq, vdev, FS_IRQ_INTX, 1);
	case FS_IRQ_CMD_MSI:
	case FS_IRQ_CMD_MSIX: {
		enum fs_irq_mode mode = cmd->verb == FS_IRQ_CMD_MSI ? FS_IRQ_MSI : FS_IRQ_MSIX;

		if (cmd->arg < 1 || cmd->arg > offered(vdev, mode)) {
			why = g_strdup_printf("%s %u: the device offers %u %s vector(s)", fs_irq_mode_name(mode),
					      cmd->arg, offered(vdev, mode), fs_irq_mode_name(mode));
			return refuse(vdev, why);
		}
		return set_mode(irq, vdev, mode, cmd->arg);
	}
	case FS_IRQ_CMD_OFF:
		turn_off(irq, vdev);
		release_waiters(irq, 0);
		return 0;
	case FS_IRQ_CMD_UNMASK:
		if (irq->mode != FS_IRQ_INTX)
			return refuse(vdev, "unmask: INTx is not enabled");
		if (!(vfio_device_irq(vdev, VFIO_PCI_INTX_IRQ_INDEX)->flags & VFIO_IRQ_INFO_MASKABLE))
			return refuse(vdev, "unmask: this device's INTx is not maskable (nothing to unmask)");
		irq->intx_masked = false;
		return vfio_irq_unmask(vdev, irq->index, 0);
	case FS_IRQ_CMD_TRIGGER:
		if (irq->mode == FS_IRQ_OFF || cmd->arg >= irq->nvec) {
			why = g_strdup_printf("trigger %u: %s", cmd->arg,
					      irq->mode == FS_IRQ_OFF ? "interrupts are off"
								      : "no such vector in this mode");
			return refuse(vdev, why);
		}
		return vfio_irq_trigger(vdev, irq->index, cmd->arg);
	}
	return -EINVAL;
}

int fs_irq_apply(struct fs_irq *irq, struct vfio_device *vdev, const struct fs_irq_command *cmd)
{
	int rc;

	g_mutex_lock(&irq->lock);
	rc = apply_locked(irq, vdev, cmd);
	g_mutex_unlock(&irq->lock);
	return rc;
}

void fs_irq_off(struct fs_irq *irq, struct vfio_device *vdev)
{
	g_mutex_lock(&irq->lock);
	turn_off(irq, vdev);
	release_waiters(irq, 0);
	g_mutex_unlock(&irq->lock);
}

void fs_irq_shutdown(struct fs_irq *irq, struct vfio_device *vdev)
{
	g_mutex_lock(&irq->lock);
	turn_off(irq, vdev);
	irq->gone = true;
	release_waiters(irq, ENODEV);
	g_mutex_unlock(&irq->lock);
}

void fs_irq_lost(struct fs_irq *irq)
{
	g_mutex_lock(&irq->lock);
	irq->gone = true;
	release_waiters(irq, ENODEV);
	g_mutex_unlock(&irq->lock);
}

/*
 * The end of an INTx interrupt is a BAR access that begins after the
 * interrupt fired: the write that raises it does not end it, the write that
 * acknowledges it does.  So the eventfd is read here too, in case the
 * acknowledge comes before the event loop has taken the interrupt in.
 */
bool fs_irq_eoi_begin(struct fs_irq *irq)
{
	bool pending = false;

	if (!g_atomic_int_get(&irq->intx_on))
		return false;
	g_mutex_lock(&irq->lock);
	if (irq->mode == FS_IRQ_INTX) {
		take_events(irq, irq->fds[0], 0);
		pending = irq->intx_masked;
	}
	g_mutex_unlock(&irq->lock);
	return pending;
}

void fs_irq_eoi_end(struct fs_irq *irq, struct vfio_device *vdev)
{
	g_mutex_lock(&irq->lock);
	if (irq->mode == FS_IRQ_INTX && irq->intx_masked && vfio_irq_unmask(vdev, irq->index, 0) == 0)
		irq->intx_masked = false;
	g_mutex_unlock(&irq->lock);
}

void fs_irq_describe(struct fs_irq *irq, GString *out)
{
	g_mutex_lock(&irq->lock);
	g_string_append_printf(out, "irq.mode %s\n", fs_irq_mode_name(irq->mode));
	g_string_append_printf(out, "irq.vectors %u\n", irq->nvec);
	for (unsigned v = 0; v < irq->nvec; v++)
		g_string_append_printf(out, "irq.vector.%u.count %" G_GUINT64_FORMAT "\n", v, irq->counts[v]);
	g_mutex_unlock(&irq->lock);
}

/* ---- the irq file's readers ---- */

struct fs_irq_reader *fs_irq_reader_new(struct fs_irq *irq)
{
	struct fs_irq_reader *r = g_new0(struct fs_irq_reader, 1);

	r->irq = irq_ref(irq);
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
	irq_unref(irq);
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
	take_all_events(irq);
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
	else if (r->eof || (take_all_events(irq), reader_has_events(r)))
		revents |= POLLIN | POLLRDNORM;
	if (ph) {
		if (r->ph)
			fuse_pollhandle_destroy(r->ph);
		r->ph = ph;
	}
	g_mutex_unlock(&irq->lock);
	fuse_reply_poll(req, revents);
}
