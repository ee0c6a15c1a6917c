/*
 * The event sources of a device's interrupts: the daemon's eventfd per
 * vector, registered with VFIO by fs/irq/irq_mode.c, watched here on the event
 * loop, and what each has signalled counted per vector for the readers
 * (fs/irq/irq_reader.c).
 */
#define G_LOG_DOMAIN "irq-source"
#include "fs/event_loop.h"
#include "fs/irq/irq_private.h"
#include "trace/trace_hub.h"

#include <errno.h>
#include <glib-unix.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct irq_source {
	struct fs_irq *irq;
	unsigned vector;
};

int fs_irq_eventfds_new(unsigned n, int32_t **fds)
{
	int32_t *made = g_new(int32_t, n);

	*fds = NULL;
	for (unsigned i = 0; i < n; i++) {
		made[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (made[i] < 0) {
			int err = errno;

			fs_irq_eventfds_close(made, i);
			return err;
		}
	}
	*fds = made;
	return 0;
}

void fs_irq_eventfds_close(int32_t *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	g_free(fds);
}

void fs_irq_take_events(struct fs_irq *irq, unsigned v)
{
	uint64_t n;

	if (read(irq->fds[v], &n, sizeof(n)) != sizeof(n))
		return;
	irq->counts[v] += n;
	if (trace_hub_active(irq->trace)) {
		struct trace_event ev = { .kind = TRACE_IRQ, .mode = (enum trace_irq_mode)irq->mode,
					  .vector = v, .count = n };

		trace_hub_emit(irq->trace, &ev);
	}
	/* An INTx that is not automasked needs no end from us. */
	if (irq->mode == FS_IRQ_INTX && irq->intx_automasked)
		irq->intx_masked = true;
	fs_irq_readers_wake(irq);
}

void fs_irq_take_all_events(struct fs_irq *irq)
{
	for (unsigned v = 0; v < irq->nvec; v++)
		fs_irq_take_events(irq, v);
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
	(void)fd;
	fs_irq_take_events(irq, s->vector);
	g_mutex_unlock(&irq->lock);
	return G_SOURCE_CONTINUE;
}

static void source_done(gpointer data)
{
	struct irq_source *s = data;

	fs_irq_unref(s->irq);
	g_free(s);
}

void fs_irq_watch(struct fs_irq *irq, unsigned v)
{
	struct irq_source *s = g_new0(struct irq_source, 1);

	s->irq = fs_irq_ref(irq);
	s->vector = v;
	irq->sources[v] = g_unix_fd_source_new(irq->fds[v], G_IO_IN);
	/* A unix fd source calls a GUnixFDSourceFunc, whatever the cast says. */
	g_source_set_callback(irq->sources[v], G_SOURCE_FUNC(on_event), s, source_done);
	g_source_attach(irq->sources[v], fs_event_loop_context(irq->loop));
}

void fs_irq_unwatch(struct fs_irq *irq, unsigned v)
{
	if (!irq->sources[v])
		return;
	g_source_destroy(irq->sources[v]);
	g_source_unref(irq->sources[v]);
	irq->sources[v] = NULL;
}

void fs_irq_sources_start(struct fs_irq *irq, int32_t *fds)
{
	irq->fds = fds;
	irq->counts = g_new0(uint64_t, irq->nvec);
	irq->sources = g_new0(GSource *, irq->nvec);
	for (unsigned v = 0; v < irq->nvec; v++)
		fs_irq_watch(irq, v);
}

void fs_irq_sources_stop(struct fs_irq *irq)
{
	for (unsigned v = 0; irq->sources && v < irq->nvec; v++)
		fs_irq_unwatch(irq, v);
	g_clear_pointer(&irq->sources, g_free);
	if (irq->fds)
		fs_irq_eventfds_close(irq->fds, irq->nvec);
	irq->fds = NULL;
	g_clear_pointer(&irq->counts, g_free);
}
