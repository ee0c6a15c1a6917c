#define G_LOG_DOMAIN "event-loop"
#include "fs/event_loop.h"

struct fs_event_loop {
	GMutex lock;
	GMainContext *context;
	GMainLoop *loop;
	GThread *thread;
};

struct fs_event_loop *fs_event_loop_new(void)
{
	struct fs_event_loop *l = g_new0(struct fs_event_loop, 1);

	g_mutex_init(&l->lock);
	l->context = g_main_context_new();
	l->loop = g_main_loop_new(l->context, FALSE);
	return l;
}

static gpointer run(gpointer data)
{
	struct fs_event_loop *l = data;

	g_main_context_push_thread_default(l->context);
	g_main_loop_run(l->loop);
	g_main_context_pop_thread_default(l->context);
	return NULL;
}

GMainContext *fs_event_loop_context(struct fs_event_loop *l)
{
	g_mutex_lock(&l->lock);
	if (!l->thread)
		l->thread = g_thread_new("vfiofs-events", run, l);
	g_mutex_unlock(&l->lock);
	return l->context;
}

static gboolean quit(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_REMOVE;
}

void fs_event_loop_free(struct fs_event_loop *l)
{
	if (!l)
		return;
	if (l->thread) {
		/* Quit from inside the loop, so that a quit before run() starts is not lost. */
		g_main_context_invoke(l->context, quit, l->loop);
		g_thread_join(l->thread);
	}
	g_main_loop_unref(l->loop);
	g_main_context_unref(l->context);
	g_mutex_clear(&l->lock);
	g_free(l);
}

void fs_event_loop_invoke(struct fs_event_loop *loop, GSourceFunc fn, gpointer data,
			  GDestroyNotify destroy)
{
	g_main_context_invoke_full(fs_event_loop_context(loop), G_PRIORITY_DEFAULT, fn, data, destroy);
}
