/*
 * The replay loop: items out of the poll collapser, each done on the
 * device the way it was recorded and compared. A run of reads (a poll) is
 * read again until the run's last value appears or the timeout; a single
 * read that differs, for the (shorter) settle time. Values written that were IOVAs of a recorded buffer
 * are written as that buffer's IOVA now. Message DMA (DMAR, DMAW) is the
 * device's doing, not the script's: nothing to replay.
 */
#include "replay/replay.h"

#include <errno.h>
#include <string.h>
#include <time.h>

struct replay {
	struct replay_device *dev;
	const struct replay_options *opt;
	struct trace_report *report;
	struct trace_iova_map *iova;
};

/* The other side of an item: a copy of the recording, with what the device did now. */
static void actual_from(struct trace_item *now, const struct trace_item *a)
{
	memset(now, 0, sizeof(*now));
	trace_event_copy(&now->ev, &a->ev);
	now->count = 1;
}

static void pause_between_reads(uint64_t reads)
{
	/* a fast first few hundred reads, then no more than a thousand a second */
	if (reads > 256) {
		struct timespec ts = { 0, 1000000 };

		nanosleep(&ts, NULL);
	}
}

static void replay_read(struct replay *p, const struct trace_item *a, struct trace_item *now)
{
	const struct trace_event *x = &a->ev;
	uint64_t bits = trace_filter_bits(p->opt->filter, x->space, x->offset);
	bool poll = bits && !x->err;
	/*
	 * A poll waits up to the timeout for its last value; a single read that
	 * differs is read again for the settle time: the recording may have come
	 * later than the device's change (a slower machine, a script that slept).
	 */
	gint64 deadline = g_get_monotonic_time() +
			  (gint64)(a->count > 1 ? p->opt->timeout_ms : p->opt->settle_ms) * 1000;
	int rc;

	now->count = 0;
	for (;;) {
		rc = replay_device_read(p->dev, x->space, x->offset, x->width, &now->ev.value);
		now->count++;
		if (rc < 0 || !poll || (now->ev.value & bits) == (x->value & bits) ||
		    g_get_monotonic_time() >= deadline)
			break;
		pause_between_reads(now->count);
	}
	now->ev.err = rc < 0 ? -rc : 0;
	now->ev.has_value = rc == 0;
	if (rc < 0)
		now->ev.value = 0;
}

static void replay_write(struct replay *p, const struct trace_item *a, struct trace_item *now)
{
	const struct trace_event *x = &a->ev;
	uint64_t value = trace_iova_rewrite(p->iova, x->value, x->width);
	int rc = replay_device_write(p->dev, x->space, x->offset, x->width, value);

	/* compared as recorded: the rewriting is the replay's own doing */
	now->ev.err = rc < 0 ? -rc : 0;
}

/* A BUFW, addresses of moved buffers in it rewritten (compared as recorded, as writes are). */
static int replay_buffer_write(struct replay *p, const struct trace_item *a)
{
	g_autoptr(GBytes) moved = trace_iova_rewrite_bytes(p->iova, a->ev.bytes, a->ev.offset);

	return replay_device_buffer_write(p->dev, a->ev.name, a->ev.offset,
					  moved ? moved : a->ev.bytes);
}

static void replay_map(struct replay *p, const struct trace_item *a, struct trace_item *now)
{
	uint64_t iova = 0;
	int rc = replay_device_map(p->dev, a->ev.name, a->ev.iova, a->ev.size, &iova);

	trace_iova_map_add(p->iova, a->ev.name, a->ev.iova, a->ev.size);
	if (rc == 0) {
		trace_iova_map_set_now(p->iova, a->ev.name, iova);
		now->ev.iova = iova;
	}
	now->ev.err = rc < 0 ? -rc : 0;
}

/* An interrupt the recording saw: waited for (its count is not compared: they coalesce). */
static void replay_irq(struct replay *p, const struct trace_item *a)
{
	int64_t n = replay_device_wait_irq(p->dev, a->ev.mode, a->ev.vector, p->opt->timeout_ms);
	char *why;

	if (n > 0) {
		struct trace_item now;

		actual_from(&now, a);
		now.ev.count = (uint64_t)n;
		trace_report_item(p->report, a, &now, TRACE_SAME);
		trace_item_clear(&now);
		return;
	}
	if (n == 0)
		why = g_strdup_printf("no %s interrupt on vector %u within %d ms",
				      trace_irq_mode_name(a->ev.mode), a->ev.vector, p->opt->timeout_ms);
	else
		why = g_strdup_printf("waiting for the interrupt failed: %s", g_strerror((int)-n));
	trace_report_note(p->report, a, why);
	g_free(why);
}

/* A buffer event that failed on the device: a difference with a reason. */
static void buffer_failed(struct replay *p, const struct trace_item *a, int rc)
{
	char *why = g_strdup_printf("%s of buffer '%s' failed: %s", trace_kind_name(a->ev.kind),
				    a->ev.name, g_strerror(-rc));

	trace_report_note(p->report, a, why);
	g_free(why);
}

/* Does item a; the outcome goes into the report. */
static void replay_item(struct replay *p, const struct trace_item *a)
{
	struct trace_item now;
	int rc = 0;

	actual_from(&now, a);
	switch (a->ev.kind) {
	case TRACE_R:
		replay_read(p, a, &now);
		break;
	case TRACE_W:
		replay_write(p, a, &now);
		break;
	case TRACE_MODE:
		rc = replay_device_mode(p->dev, a->ev.mode, a->ev.count);
		now.ev.err = rc < 0 ? -rc : 0;
		break;
	case TRACE_RESET:
		rc = replay_device_reset(p->dev);
		now.ev.err = rc < 0 ? -rc : 0;
		break;
	case TRACE_MAP:
		replay_map(p, a, &now);
		break;
	case TRACE_UNMAP:
		trace_iova_map_remove(p->iova, a->ev.name);
		rc = replay_device_unmap(p->dev, a->ev.name);
		break;
	case TRACE_BUFW:
		rc = replay_buffer_write(p, a);
		break;
	case TRACE_BUFR:
		rc = replay_device_buffer_sha256(p->dev, a->ev.name, a->ev.offset, a->ev.size,
						 now.ev.sha256);
		break;
	case TRACE_IRQ:
		replay_irq(p, a);
		goto done;
	case TRACE_MARK:
		trace_report_section(p->report, a);
		replay_device_mark(p->dev, a->ev.text);
		break;
	case TRACE_LOST:
		trace_report_note(p->report, a, "the recording lost lines here: what follows may not replay");
		goto done;
	case TRACE_DMAR:
	case TRACE_DMAW:
		goto done;
	}
	if (rc < 0 || (a->ev.kind == TRACE_MAP && now.ev.err))
		buffer_failed(p, a, rc < 0 ? rc : -now.ev.err);
	else
		trace_report_item(p->report, a, &now,
				  trace_item_compare(a, &now, p->opt->filter, NULL, NULL, NULL));
done:
	trace_item_clear(&now);
}

int replay_run(struct trace_reader *r, struct replay_device *d, const struct replay_options *opt,
	       FILE *out, GError **err)
{
	struct replay p = { .dev = d, .opt = opt, .iova = trace_iova_map_new() };
	struct trace_collapse *c = trace_collapse_new();
	struct trace_event ev;
	struct trace_item item;
	int rc;

	while ((rc = trace_reader_next(r, &ev, err)) > 0) {
		if (!p.report) {
			const struct trace_header *h = trace_reader_header(r);
			char *label = g_strdup_printf("%s (%04x:%04x %s), recorded", h->name, h->vendor,
						      h->device, h->transport);

			p.report = trace_report_new(out, label, "replayed");
			g_free(label);
		}
		trace_collapse_push(c, &ev, trace_reader_line(r));
		while (trace_collapse_pop(c, &item)) {
			replay_item(&p, &item);
			trace_item_clear(&item);
		}
	}
	if (rc == 0) {
		trace_collapse_finish(c);
		while (trace_collapse_pop(c, &item)) {
			replay_item(&p, &item);
			trace_item_clear(&item);
		}
		if (!p.report)
			p.report = trace_report_new(out, "recorded", "replayed");
		rc = trace_report_finish(p.report);
	} else {
		rc = 2;
	}
	trace_report_free(p.report);
	trace_collapse_free(c);
	trace_iova_map_free(p.iova);
	return rc;
}
