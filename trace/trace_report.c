/*
 * The report (see trace_compare.h): unified-diff-like, one hunk per MARK
 * section that has a difference, printed as the comparison goes (nothing
 * is kept but the section's header and three lines of context).
 */
#include "trace/trace_compare.h"

#define CONTEXT 3

struct trace_report {
	FILE *out;
	char *a_label, *b_label;
	bool started;           /* "--- A" / "+++ B" printed */
	GString *section;       /* the current section's hunk header */
	bool section_printed;
	GQueue context;         /* the last CONTEXT matched lines (char *) */
	uint64_t matched, differ, polls;
};

struct trace_report *trace_report_new(FILE *out, const char *a_label, const char *b_label)
{
	struct trace_report *r = g_new0(struct trace_report, 1);

	r->out = out;
	r->a_label = g_strdup(a_label);
	r->b_label = g_strdup(b_label);
	r->section = g_string_new("@@ from the start @@");
	return r;
}

void trace_report_free(struct trace_report *r)
{
	if (!r)
		return;
	g_free(r->a_label);
	g_free(r->b_label);
	g_string_free(r->section, TRUE);
	g_queue_clear_full(&r->context, g_free);
	g_free(r);
}

static char *item_line(char sign, const struct trace_item *item, const char *suffix)
{
	GString *s = g_string_new(NULL);

	g_string_append_c(s, sign);
	if (item->line)
		g_string_append_printf(s, " %" G_GUINT64_FORMAT ": ", item->line);
	else
		g_string_append(s, " now: ");
	trace_event_format_body(&item->ev, s);
	if (item->ev.kind == TRACE_R && item->count > 1 && sign != '~')
		g_string_append_printf(s, " (poll, %" G_GUINT64_FORMAT " reads)", item->count);
	if (suffix)
		g_string_append(s, suffix);
	return g_string_free(s, FALSE);
}

/* The file and hunk headers and the context, before the first line of a hunk. */
static void open_hunk(struct trace_report *r)
{
	char *line;

	if (!r->started) {
		fprintf(r->out, "--- %s\n+++ %s\n", r->a_label, r->b_label);
		r->started = true;
	}
	if (!r->section_printed) {
		fprintf(r->out, "%s\n", r->section->str);
		r->section_printed = true;
	}
	while ((line = g_queue_pop_head(&r->context))) {
		fprintf(r->out, "%s\n", line);
		g_free(line);
	}
}

static void print(struct trace_report *r, char *line)
{
	open_hunk(r);
	fprintf(r->out, "%s\n", line);
	g_free(line);
}

void trace_report_section(struct trace_report *r, const struct trace_item *mark)
{
	g_string_printf(r->section, "@@ line %" G_GUINT64_FORMAT ": MARK %s @@", mark->line,
			mark->ev.text ? mark->ev.text : "");
	r->section_printed = false;
	g_queue_clear_full(&r->context, g_free);
}

static void remember(struct trace_report *r, const struct trace_item *a)
{
	char *line = item_line(' ', a, NULL);

	g_queue_push_tail(&r->context, line);
	if (g_queue_get_length(&r->context) > CONTEXT)
		g_free(g_queue_pop_head(&r->context));
}

void trace_report_item(struct trace_report *r, const struct trace_item *a, const struct trace_item *b,
		       enum trace_verdict verdict)
{
	char buf[64];

	switch (verdict) {
	case TRACE_SAME:
		r->matched++;
		if (a->ev.kind != TRACE_MARK)
			remember(r, a);
		return;
	case TRACE_POLL_DIFFERS:
		r->matched++;
		r->polls++;
		snprintf(buf, sizeof(buf), " (a poll of %" G_GUINT64_FORMAT " reads, %" G_GUINT64_FORMAT " there)",
			 a->count, b->count);
		print(r, item_line('~', a, buf));
		return;
	case TRACE_DIFFERENT:
		r->differ++;
		if (a)
			print(r, item_line('-', a, NULL));
		if (b)
			print(r, item_line('+', b, NULL));
		return;
	}
}

void trace_report_note(struct trace_report *r, const struct trace_item *a, const char *why)
{
	r->differ++;
	if (a)
		print(r, item_line('!', a, NULL));
	print(r, g_strdup_printf("!   %s", why));
}

int trace_report_finish(struct trace_report *r)
{
	fprintf(r->out, "%" G_GUINT64_FORMAT " matched, %" G_GUINT64_FORMAT " differ, %" G_GUINT64_FORMAT
		" polls differ\n", r->matched, r->differ, r->polls);
	fflush(r->out);
	return r->differ ? 1 : 0;
}

void trace_report_counts(const struct trace_report *r, uint64_t *matched, uint64_t *differ,
			 uint64_t *polls)
{
	*matched = r->matched;
	*differ = r->differ;
	*polls = r->polls;
}
