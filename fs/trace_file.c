/*
 * DEVICE/trace (SPEC "Traces"): each open file is a reader of the device's
 * trace hub, with its own stream.  A read with nothing pending waits (no
 * thread parked: the request is answered on the event loop, a moment after a
 * line comes, so that the thread that made the access never writes a reply
 * to /dev/fuse); O_NONBLOCK gets EAGAIN; poll as irq has it; a signal, EINTR.
 * Once the device is detached, what is left is read and then end of file.
 * A line written is a MARK in every reader's stream.
 */
#define G_LOG_DOMAIN "trace-file"
#include "fs/device_dir.h"
#include "fs/event_loop.h"
#include "fs/file_ops.h"
#include "fs/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>

struct trace_file {
	gint refs;              /* the open file's, and a wake on its way to the loop */
	struct fs_device *dev;  /* a reference */
	struct fs_event_loop *loop;
	GMutex lock;            /* what follows */
	struct trace_hub_reader *reader;  /* NULL once released */
	GQueue waiting;         /* struct waiter: reads answered later */
	struct fuse_pollhandle *ph;
	gint wake_queued;       /* a wake is on its way to the loop (atomic) */
};

struct waiter {
	fuse_req_t req;
	size_t size;
};

static struct trace_file *file_ref(struct trace_file *f)
{
	g_atomic_int_inc(&f->refs);
	return f;
}

static void file_unref(gpointer data)
{
	struct trace_file *f = data;

	if (!g_atomic_int_dec_and_test(&f->refs))
		return;
	g_mutex_clear(&f->lock);
	fs_device_unref(f->dev);
	g_free(f);
}

static bool detached(struct trace_file *f)
{
	struct vfio_device *vdev = fs_device_read_lock(f->dev);

	if (vdev)
		fs_device_read_unlock(f->dev);
	return !vdev;
}

/* Lock held: answers one read from the reader's stream; false when it has nothing. */
static bool answer(struct trace_file *f, fuse_req_t req, size_t size)
{
	g_autofree char *buf = g_malloc(MAX(size, 1));
	size_t n = trace_hub_read(f->reader, buf, size);

	if (!n)
		return false;
	fuse_reply_buf(req, buf, n);
	return true;
}

/* On the loop: waiting reads get what came; after a detach, the end. */
static gboolean wake_on_loop(gpointer data)
{
	struct trace_file *f = data;
	bool gone = detached(f);
	struct waiter *w;

	g_atomic_int_set(&f->wake_queued, 0);
	g_mutex_lock(&f->lock);
	while (f->reader && (w = g_queue_peek_head(&f->waiting))) {
		if (!answer(f, w->req, w->size)) {
			if (!gone)
				break;
			fuse_reply_buf(w->req, NULL, 0);
		}
		g_free(g_queue_pop_head(&f->waiting));
	}
	if (f->ph && f->reader && (gone || trace_hub_readable(f->reader))) {
		fuse_lowlevel_notify_poll(f->ph);
		fuse_pollhandle_destroy(f->ph);
		f->ph = NULL;
	}
	g_mutex_unlock(&f->lock);
	return G_SOURCE_REMOVE;
}

/*
 * From the hub, on the thread that made the access (no lock of ours held):
 * to the loop, WAKE_DELAY_MS later, so that a reader that keeps up gets
 * lines in batches, one reply for many accesses, instead of a reply (and a
 * read by the reader, and a write by it) per access competing with the
 * accesses for the CPU.
 */
#define WAKE_DELAY_MS 2

static void on_wake(struct trace_hub_reader *r, void *data)
{
	struct trace_file *f = data;
	GSource *timer;

	(void)r;
	if (!g_atomic_int_compare_and_exchange(&f->wake_queued, 0, 1))
		return;
	timer = g_timeout_source_new(WAKE_DELAY_MS);
	g_source_set_callback(timer, wake_on_loop, file_ref(f), file_unref);
	g_source_attach(timer, fs_event_loop_context(f->loop));
	g_source_unref(timer);
}

static int trace_open(struct fs_handle *h, int flags)
{
	struct vfio_device *vdev = fs_device_read_lock(h->dev);
	struct trace_file *f;

	(void)flags;
	if (!vdev)
		return ENODEV;
	f = g_new0(struct trace_file, 1);
	f->refs = 1;
	f->dev = fs_device_ref(h->dev);
	f->loop = h->fs->events;
	g_mutex_init(&f->lock);
	g_queue_init(&f->waiting);
	if (FS_WANTS_READ(flags)) {
		f->reader = trace_hub_open(h->dev->trace, on_wake, f);
		/* every stream replays by itself: the buffers it would not see mapped */
		fs_trace_reader_maps(h->fs, f->reader);
	}
	fs_device_read_unlock(h->dev);
	h->priv = f;
	return 0;
}

/* A signal interrupted a waiting read: EINTR, if it is still waiting. */
static void on_interrupt(fuse_req_t req, void *data)
{
	struct trace_file *f = data;

	g_mutex_lock(&f->lock);
	for (GList *l = f->waiting.head; l; l = l->next) {
		struct waiter *w = l->data;

		if (w->req == req) {
			g_queue_delete_link(&f->waiting, l);
			g_free(w);
			fuse_reply_err(req, EINTR);
			break;
		}
	}
	g_mutex_unlock(&f->lock);
}

static void trace_read(fuse_req_t req, struct fs_handle *h, size_t size, off_t off)
{
	struct trace_file *f = h->priv;
	bool nonblock = h->flags & O_NONBLOCK;
	struct waiter *w;

	(void)off;
	if (!f->reader) {
		fuse_reply_err(req, EBADF);
		return;
	}
	if (!nonblock)
		fuse_req_interrupt_func(req, on_interrupt, f);
	g_mutex_lock(&f->lock);
	if (g_queue_is_empty(&f->waiting) && answer(f, req, size)) {
		g_mutex_unlock(&f->lock);
		return;
	}
	if (detached(f)) {
		g_mutex_unlock(&f->lock);
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	if (nonblock || fuse_req_interrupted(req)) {
		g_mutex_unlock(&f->lock);
		fuse_reply_err(req, nonblock ? EAGAIN : EINTR);
		return;
	}
	w = g_new0(struct waiter, 1);
	w->req = req;
	w->size = size;
	g_queue_push_tail(&f->waiting, w);
	g_mutex_unlock(&f->lock);
	/* a line that came between the check and the queueing: answered now */
	on_wake(f->reader, f);
}

/* A line written is a MARK: text up to a newline; one trailing newline is fine. */
static void trace_write(fuse_req_t req, struct fs_handle *h, const char *buf, size_t size,
			off_t off)
{
	size_t len = size;
	int err;

	(void)off;
	if (len && buf[len - 1] == '\n')
		len--;
	err = trace_hub_mark(h->dev->trace, buf, len);
	if (err) {
		g_message("%s/trace: %s", h->dev->name,
			  err == EMSGSIZE ? "a mark is one line of at most 4096 bytes"
					  : "a mark is one line of UTF-8 text, without control bytes");
		fuse_reply_err(req, err);
		return;
	}
	fuse_reply_write(req, size);
}

static void trace_poll(fuse_req_t req, struct fs_handle *h, struct fuse_pollhandle *ph)
{
	struct trace_file *f = h->priv;
	unsigned revents = POLLOUT | POLLWRNORM;

	g_mutex_lock(&f->lock);
	if (f->reader && (trace_hub_readable(f->reader) || detached(f)))
		revents |= POLLIN | POLLRDNORM;
	if (ph) {
		if (f->ph)
			fuse_pollhandle_destroy(f->ph);
		f->ph = ph;
	}
	g_mutex_unlock(&f->lock);
	fuse_reply_poll(req, revents);
}

static void trace_release(struct fs_handle *h)
{
	struct trace_file *f = h->priv;
	struct trace_hub_reader *r;

	g_mutex_lock(&f->lock);
	r = f->reader;
	f->reader = NULL;
	/* the kernel releases a file only when no read on it is in flight */
	g_warn_if_fail(g_queue_is_empty(&f->waiting));
	if (f->ph)
		fuse_pollhandle_destroy(f->ph);
	f->ph = NULL;
	g_mutex_unlock(&f->lock);
	/* waits for a wake of this reader that is running; none starts after */
	if (r)
		trace_hub_close(r);
	file_unref(f);
}

const struct fs_file_ops fs_trace_file_ops = {
	.open = trace_open,
	.read = trace_read,
	.write = trace_write,
	.poll = trace_poll,
	.release = trace_release,
	.stream = true,
};
