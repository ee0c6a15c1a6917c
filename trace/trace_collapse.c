/* Poll collapsing (see trace_collapse.h). */
#include "trace/trace_collapse.h"

#include <string.h>

struct trace_collapse {
	struct trace_item run;  /* the pending run of reads, if run.count */
	GQueue deferred;        /* IRQ items that arrived during the run */
	GQueue ready;           /* finished items */
};

void trace_item_clear(struct trace_item *item)
{
	trace_event_clear(&item->ev);
	memset(item, 0, sizeof(*item));
}

static void item_free(gpointer p)
{
	trace_item_clear(p);
	g_free(p);
}

struct trace_collapse *trace_collapse_new(void)
{
	return g_new0(struct trace_collapse, 1);
}

void trace_collapse_free(struct trace_collapse *c)
{
	if (!c)
		return;
	trace_item_clear(&c->run);
	g_queue_clear_full(&c->deferred, item_free);
	g_queue_clear_full(&c->ready, item_free);
	g_free(c);
}

static struct trace_item *new_item(struct trace_event *ev, uint64_t count, uint64_t line)
{
	struct trace_item *item = g_new0(struct trace_item, 1);

	item->ev = *ev;
	memset(ev, 0, sizeof(*ev));
	item->count = count;
	item->line = line;
	return item;
}

static void flush_run(struct trace_collapse *c)
{
	struct trace_item *item;

	if (c->run.count) {
		item = g_new(struct trace_item, 1);
		*item = c->run;
		memset(&c->run, 0, sizeof(c->run));
		g_queue_push_tail(&c->ready, item);
	}
	while ((item = g_queue_pop_head(&c->deferred)))
		g_queue_push_tail(&c->ready, item);
}

static bool same_register(const struct trace_event *a, const struct trace_event *b)
{
	return a->space == b->space && a->offset == b->offset && a->width == b->width;
}

/* An interrupt during a run waits for the run's end, merged with one of its vector. */
static void defer_irq(struct trace_collapse *c, struct trace_event *ev, uint64_t line)
{
	for (GList *l = c->deferred.head; l; l = l->next) {
		struct trace_item *d = l->data;

		if (d->ev.mode == ev->mode && d->ev.vector == ev->vector) {
			d->ev.count = ev->count > UINT64_MAX - d->ev.count ? UINT64_MAX :
									   d->ev.count + ev->count;
			trace_event_clear(ev);
			return;
		}
	}
	g_queue_push_tail(&c->deferred, new_item(ev, 1, line));
}

void trace_collapse_push(struct trace_collapse *c, struct trace_event *ev, uint64_t line)
{
	if (ev->kind == TRACE_R && !ev->err) {
		if (c->run.count && same_register(&c->run.ev, ev)) {
			trace_event_clear(&c->run.ev);
			c->run.ev = *ev;
			memset(ev, 0, sizeof(*ev));
			c->run.count++;
			return;
		}
		flush_run(c);
		c->run.ev = *ev;
		memset(ev, 0, sizeof(*ev));
		c->run.count = 1;
		c->run.line = line;
		return;
	}
	if (ev->kind == TRACE_IRQ && c->run.count) {
		defer_irq(c, ev, line);
		return;
	}
	flush_run(c);
	g_queue_push_tail(&c->ready, new_item(ev, 1, line));
}

void trace_collapse_finish(struct trace_collapse *c)
{
	flush_run(c);
}

bool trace_collapse_pop(struct trace_collapse *c, struct trace_item *item)
{
	struct trace_item *head = g_queue_pop_head(&c->ready);

	if (!head)
		return false;
	*item = *head;
	g_free(head);
	return true;
}
