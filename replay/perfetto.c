/* Chrome trace-event JSON for Perfetto (see perfetto.h). */
#include "replay/perfetto.h"

#include <json-glib/json-glib.h>

#define PID 1

struct emitter {
	FILE *out;
	bool first;
};

static void emit(struct emitter *e, JsonBuilder *b)
{
	JsonNode *node = json_builder_get_root(b);
	char *text = json_to_string(node, FALSE);

	fprintf(e->out, "%s\n%s", e->first ? "" : ",", text);
	e->first = false;
	g_free(text);
	json_node_unref(node);
	g_object_unref(b);
}

/* Begins an event object with the fields every event has. */
static JsonBuilder *event(const char *name, const char *ph, uint64_t ts, int tid)
{
	JsonBuilder *b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, name);
	json_builder_set_member_name(b, "ph");
	json_builder_add_string_value(b, ph);
	json_builder_set_member_name(b, "ts");
	json_builder_add_int_value(b, (gint64)MIN(ts, (uint64_t)G_MAXINT64));
	json_builder_set_member_name(b, "pid");
	json_builder_add_int_value(b, PID);
	json_builder_set_member_name(b, "tid");
	json_builder_add_int_value(b, tid);
	return b;
}

static void member(JsonBuilder *b, const char *name, const char *value)
{
	json_builder_set_member_name(b, name);
	json_builder_add_string_value(b, value);
}

static void metadata(struct emitter *e, const char *what, int tid, const char *name)
{
	JsonBuilder *b = event(what, "M", 0, tid);

	json_builder_set_member_name(b, "args");
	json_builder_begin_object(b);
	member(b, "name", name);
	json_builder_end_object(b);
	json_builder_end_object(b);
	emit(e, b);
}

static const char *category(enum trace_kind kind)
{
	switch (kind) {
	case TRACE_R:
	case TRACE_W:
		return "access";
	case TRACE_IRQ:
	case TRACE_MODE:
		return "irq";
	case TRACE_MAP:
	case TRACE_UNMAP:
	case TRACE_BUFW:
	case TRACE_BUFR:
		return "buffer";
	case TRACE_DMAR:
	case TRACE_DMAW:
		return "dma";
	default:
		return "device";
	}
}

/* The event's title: its kind and place, without values (those are in args). */
static char *title(const struct trace_event *ev)
{
	switch (ev->kind) {
	case TRACE_R:
	case TRACE_W:
		if (ev->name)
			return g_strdup_printf("%s %s", trace_kind_name(ev->kind), ev->name);
		return g_strdup_printf("%s %s 0x%" G_GINT64_MODIFIER "x", trace_kind_name(ev->kind),
				       trace_space_name(ev->space), ev->offset);
	case TRACE_IRQ:
		return g_strdup_printf("IRQ %s %u", trace_irq_mode_name(ev->mode), ev->vector);
	case TRACE_MARK:
		return g_strdup_printf("MARK %s", ev->text ? ev->text : "");
	case TRACE_MAP:
	case TRACE_UNMAP:
	case TRACE_BUFW:
	case TRACE_BUFR:
	case TRACE_DMAR:
	case TRACE_DMAW:
		return g_strdup_printf("%s %s", trace_kind_name(ev->kind), ev->name);
	default:
		return g_strdup(trace_kind_name(ev->kind));
	}
}

static void one_event(struct emitter *e, const struct trace_event *ev, int tid)
{
	bool span = ev->kind == TRACE_MAP || ev->kind == TRACE_UNMAP;
	char *name = span ? g_strdup_printf("buffer %s", ev->name) : title(ev);
	JsonBuilder *b = event(name, span ? (ev->kind == TRACE_MAP ? "b" : "e") : "i", ev->usec, tid);
	GString *line = g_string_new(NULL);

	member(b, "cat", category(ev->kind));
	if (span) {
		/* an async span per buffer, keyed by its name (unique while mapped) */
		member(b, "id", ev->name);
	} else {
		member(b, "s", ev->kind == TRACE_MARK ? "p" : "t");
	}
	trace_event_format_body(ev, line);
	if (line->len > 256)
		g_string_truncate(line, 256);
	json_builder_set_member_name(b, "args");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "seq");
	json_builder_add_int_value(b, (gint64)MIN(ev->seq, (uint64_t)G_MAXINT64));
	member(b, "line", line->str);
	json_builder_end_object(b);
	json_builder_end_object(b);
	emit(e, b);
	g_string_free(line, TRUE);
	g_free(name);
}

static bool one_trace(struct emitter *e, struct trace_reader *r, int tid, GError **err)
{
	struct trace_event ev;
	bool named = false;
	int rc;

	while ((rc = trace_reader_next(r, &ev, err)) > 0) {
		if (!named) {
			const struct trace_header *h = trace_reader_header(r);
			char *track = g_strdup_printf("%s (%04x:%04x %s)", h->name, h->vendor, h->device,
						      h->transport);

			metadata(e, "thread_name", tid, track);
			g_free(track);
			named = true;
		}
		one_event(e, &ev, tid);
		trace_event_clear(&ev);
	}
	return rc == 0;
}

bool perfetto_write(struct trace_reader *const *readers, size_t count, FILE *out, GError **err)
{
	struct emitter e = { .out = out, .first = true };
	bool ok = true;

	fputs("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[", out);
	metadata(&e, "process_name", 0, "vfiofs");
	for (size_t i = 0; ok && i < count; i++)
		ok = one_trace(&e, readers[i], (int)i + 1, err);
	fputs("\n]}\n", out);
	return ok && fflush(out) == 0;
}
