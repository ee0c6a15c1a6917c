/* The offline diff of two traces (see trace_diff.h). */
#include "trace/trace_diff.h"

struct side {
	struct trace_reader *reader;
	struct trace_collapse *collapse;
	struct trace_iova_map *iova;
	GQueue ahead;           /* items read, not yet compared (struct trace_item *) */
	bool eof;
};

static void item_free(gpointer p)
{
	trace_item_clear(p);
	g_free(p);
}

static void side_init(struct side *s, struct trace_reader *reader)
{
	s->reader = reader;
	s->collapse = trace_collapse_new();
	s->iova = trace_iova_map_new();
	g_queue_init(&s->ahead);
	s->eof = false;
}

static void side_clear(struct side *s)
{
	trace_collapse_free(s->collapse);
	trace_iova_map_free(s->iova);
	g_queue_clear_full(&s->ahead, item_free);
}

/* Reads until n items are ahead or the trace ends; false on a read error. */
static bool side_fill(struct side *s, guint n, GError **err)
{
	struct trace_item item;

	while (g_queue_get_length(&s->ahead) < n) {
		if (trace_collapse_pop(s->collapse, &item)) {
			g_queue_push_tail(&s->ahead, g_memdup2(&item, sizeof(item)));
			continue;
		}
		if (s->eof)
			return true;
		struct trace_event ev;
		int rc = trace_reader_next(s->reader, &ev, err);

		if (rc < 0)
			return false;
		if (rc == 0) {
			trace_collapse_finish(s->collapse);
			s->eof = true;
			continue;
		}
		trace_collapse_push(s->collapse, &ev, trace_reader_line(s->reader));
	}
	return true;
}

/* Takes the nth item ahead off the queue; its buffer events update the side's IOVAs. */
static struct trace_item *side_take(struct side *s, guint n)
{
	struct trace_item *item = g_queue_pop_nth(&s->ahead, n);

	if (item->ev.kind == TRACE_MAP)
		trace_iova_map_add(s->iova, item->ev.name, item->ev.iova, item->ev.size);
	else if (item->ev.kind == TRACE_UNMAP)
		trace_iova_map_remove(s->iova, item->ev.name);
	return item;
}

struct diff {
	struct side a, b;
	GHashTable *names;      /* buffer names of a's trace -> b's, paired by their MAP lines */
	const struct trace_filter *filter;
	struct trace_report *report;
};

/* Compares and reports the pair (either may be NULL: only one side has it), then frees them. */
static void report_pair(struct diff *d, struct trace_item *a, struct trace_item *b)
{
	enum trace_verdict v = TRACE_DIFFERENT;

	if (a && a->ev.kind == TRACE_MARK)
		trace_report_section(d->report, a);
	if (a && b)
		v = trace_item_compare(a, b, d->filter, d->a.iova, d->b.iova, d->names);
	/* a buffer each trace mapped at this point: the same buffer from now on */
	if (a && b && a->ev.kind == TRACE_MAP && b->ev.kind == TRACE_MAP)
		g_hash_table_replace(d->names, g_strdup(a->ev.name), g_strdup(b->ev.name));
	trace_report_item(d->report, a, b, v);
	if (a)
		item_free(a);
	if (b)
		item_free(b);
}

/* The index of the first item ahead in s with the key of item, or -1 (in_a: s is a's side). */
static int find_ahead(struct diff *d, struct side *s, const struct trace_item *item)
{
	bool in_a = s == &d->a;
	guint i = 0;

	for (GList *l = s->ahead.head; l; l = l->next, i++)
		if (in_a ? trace_item_same_key(l->data, item, d->names)
			 : trace_item_same_key(item, l->data, d->names))
			return (int)i;
	return -1;
}

/* Interrupts match by vector anywhere within the window; false when neither head is one. */
static bool match_irq(struct diff *d)
{
	struct trace_item *a = g_queue_peek_head(&d->a.ahead), *b = g_queue_peek_head(&d->b.ahead);
	int i;

	if (a->ev.kind == TRACE_IRQ) {
		i = find_ahead(d, &d->b, a);
		report_pair(d, side_take(&d->a, 0), i < 0 ? NULL : side_take(&d->b, (guint)i));
		return true;
	}
	if (b->ev.kind == TRACE_IRQ) {
		i = find_ahead(d, &d->a, b);
		report_pair(d, i < 0 ? NULL : side_take(&d->a, (guint)i), side_take(&d->b, 0));
		return true;
	}
	return false;
}

/* The heads differ in kind or place: skip what only one side has, or call them a pair. */
static void resync(struct diff *d)
{
	struct trace_item *a = g_queue_peek_head(&d->a.ahead), *b = g_queue_peek_head(&d->b.ahead);
	int in_a = find_ahead(d, &d->a, b), in_b = find_ahead(d, &d->b, a);

	if (in_b > 0 && (in_a < 0 || in_b <= in_a)) {
		while (in_b-- > 0)
			report_pair(d, NULL, side_take(&d->b, 0));
	} else if (in_a > 0) {
		while (in_a-- > 0)
			report_pair(d, side_take(&d->a, 0), NULL);
	} else {
		report_pair(d, side_take(&d->a, 0), side_take(&d->b, 0));
	}
}

static bool step(struct diff *d, bool *done, GError **err)
{
	struct trace_item *a, *b;

	if (!side_fill(&d->a, 1, err) || !side_fill(&d->b, 1, err))
		return false;
	a = g_queue_peek_head(&d->a.ahead);
	b = g_queue_peek_head(&d->b.ahead);
	if (!a && !b) {
		*done = true;
	} else if (!a || !b) {
		report_pair(d, a ? side_take(&d->a, 0) : NULL, b ? side_take(&d->b, 0) : NULL);
	} else if (a->ev.kind == TRACE_LOST || b->ev.kind == TRACE_LOST) {
		/* a gap in one recording: said once, then the compare goes on */
		bool in_a = a->ev.kind == TRACE_LOST;
		struct trace_item *lost = side_take(in_a ? &d->a : &d->b, 0);

		trace_report_note(d->report, lost, in_a ? "the first trace lost lines here" :
							  "the second trace lost lines here");
		item_free(lost);
	} else if (trace_item_same_key(a, b, d->names)) {
		report_pair(d, side_take(&d->a, 0), side_take(&d->b, 0));
	} else {
		if (!side_fill(&d->a, TRACE_DIFF_WINDOW, err) || !side_fill(&d->b, TRACE_DIFF_WINDOW, err))
			return false;
		if (!match_irq(d))
			resync(d);
	}
	return true;
}

int trace_diff(struct trace_reader *a, struct trace_reader *b, const struct trace_filter *f,
	       FILE *out, GError **err)
{
	struct diff d = { .filter = f };
	char *la = NULL, *lb = NULL;
	bool done = false, ok = true;
	int rc;

	d.names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	side_init(&d.a, a);
	side_init(&d.b, b);
	/* the headers come with the first event; the labels name both devices */
	ok = side_fill(&d.a, 1, err) && side_fill(&d.b, 1, err);
	if (ok) {
		const struct trace_header *ha = trace_reader_header(a), *hb = trace_reader_header(b);

		la = g_strdup_printf("%s (%04x:%04x %s)", ha->name, ha->vendor, ha->device, ha->transport);
		lb = g_strdup_printf("%s (%04x:%04x %s)", hb->name, hb->vendor, hb->device, hb->transport);
		d.report = trace_report_new(out, la, lb);
		while (ok && !done)
			ok = step(&d, &done, err);
	}
	rc = ok ? trace_report_finish(d.report) : 2;
	trace_report_free(d.report);
	side_clear(&d.a);
	side_clear(&d.b);
	g_hash_table_destroy(d.names);
	g_free(la);
	g_free(lb);
	return rc;
}
