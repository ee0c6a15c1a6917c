/* A trace into a file, by a thread of its own (see trace_sink.h). */
#include "trace/trace_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#define CHUNK (64 * 1024)
#define BATCH_USEC 5000

struct trace_sink {
	struct trace_hub_reader *reader;
	int fd;
	char *path;
	GThread *thread;
	GMutex lock;
	GCond cond;             /* something to write, or stop */
	bool pending, stop;
};

static void on_wake(struct trace_hub_reader *r, void *data)
{
	struct trace_sink *s = data;

	(void)r;
	g_mutex_lock(&s->lock);
	s->pending = true;
	g_cond_signal(&s->cond);
	g_mutex_unlock(&s->lock);
}

/* Writes what the reader has: false when the file refuses (logged once). */
static bool drain(struct trace_sink *s, char *buf)
{
	size_t n;

	while ((n = trace_hub_read(s->reader, buf, CHUNK)) > 0) {
		for (size_t done = 0; done < n;) {
			ssize_t w = write(s->fd, buf + done, n - done);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				g_warning("%s: writing the trace failed: %s; recording stops", s->path,
					  g_strerror(w < 0 ? errno : EIO));
				return false;
			}
			done += (size_t)w;
		}
	}
	return true;
}

static gpointer run(gpointer data)
{
	struct trace_sink *s = data;
	char *buf = g_malloc(CHUNK);
	bool ok = true, stop = false;

	while (ok && !stop) {
		g_mutex_lock(&s->lock);
		while (!s->pending && !s->stop)
			g_cond_wait(&s->cond, &s->lock);
		/* a moment for more lines to come: one write for many accesses */
		if (!s->stop)
			g_cond_wait_until(&s->cond, &s->lock, g_get_monotonic_time() + BATCH_USEC);
		s->pending = false;
		stop = s->stop;
		g_mutex_unlock(&s->lock);
		ok = drain(s, buf);
	}
	g_free(buf);
	return NULL;
}

struct trace_sink *trace_sink_open(struct trace_hub *hub, const char *path, GError **err)
{
	struct trace_sink *s;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0) {
		g_set_error(err, TRACE_ERROR, errno, "cannot write the trace %s: %s", path,
			    g_strerror(errno));
		return NULL;
	}
	s = g_new0(struct trace_sink, 1);
	s->fd = fd;
	s->path = g_strdup(path);
	g_mutex_init(&s->lock);
	g_cond_init(&s->cond);
	s->pending = true;      /* the header */
	s->reader = trace_hub_open(hub, on_wake, s);
	return s;
}

void trace_sink_start(struct trace_sink *s)
{
	if (!s->thread)
		s->thread = g_thread_new("trace-sink", run, s);
}

struct trace_hub_reader *trace_sink_reader(struct trace_sink *s)
{
	return s->reader;
}

void trace_sink_close(struct trace_sink *s)
{
	if (!s)
		return;
	g_mutex_lock(&s->lock);
	s->stop = true;
	g_cond_signal(&s->cond);
	g_mutex_unlock(&s->lock);
	if (s->thread)
		g_thread_join(s->thread);
	/* what came after the thread's last drain, then nothing more can come */
	{
		char *buf = g_malloc(CHUNK);

		drain(s, buf);
		g_free(buf);
	}
	trace_hub_close(s->reader);
	if (close(s->fd) < 0)
		g_warning("%s: closing the trace failed: %s", s->path, g_strerror(errno));
	g_mutex_clear(&s->lock);
	g_cond_clear(&s->cond);
	g_free(s->path);
	g_free(s);
}
