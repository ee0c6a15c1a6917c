/*
 * The trace reader: lines out of a fixed-size window over the descriptor
 * (a line longer than TRACE_LINE_MAX is refused without reading it all into
 * memory), then the checks that need more than one line.
 */
#include "trace/trace_reader.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define WINDOW (TRACE_LINE_MAX + 65536)

struct trace_reader {
	int fd;
	char *label;
	char *buf;              /* WINDOW bytes; [start, end) not yet consumed */
	size_t start, end;
	bool eof;
	uint64_t line;          /* lines consumed so far */
	uint64_t seq;           /* SEQ of the last event */
	struct trace_header header;
	bool have_header;
	GHashTable *buffers;    /* name -> size (guint64 *) of what is mapped */
	GError *failed;         /* the first error, returned again */
};

struct trace_reader *trace_reader_new(int fd, const char *label)
{
	struct trace_reader *r = g_new0(struct trace_reader, 1);

	r->fd = fd;
	r->label = g_strdup(label);
	r->buf = g_malloc(WINDOW);
	r->buffers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return r;
}

void trace_reader_free(struct trace_reader *r)
{
	if (!r)
		return;
	g_free(r->label);
	g_free(r->buf);
	trace_header_clear(&r->header);
	g_hash_table_destroy(r->buffers);
	g_clear_error(&r->failed);
	g_free(r);
}

const struct trace_header *trace_reader_header(const struct trace_reader *r)
{
	return r->have_header ? &r->header : NULL;
}

uint64_t trace_reader_line(const struct trace_reader *r)
{
	return r->line;
}

bool trace_reader_rewind(struct trace_reader *r, GError **err)
{
	if (lseek(r->fd, 0, SEEK_SET) < 0) {
		g_set_error(err, TRACE_ERROR, errno, "%s: cannot read it twice: %s", r->label,
			    g_strerror(errno));
		return false;
	}
	r->start = r->end = 0;
	r->eof = false;
	r->line = 0;
	r->seq = 0;
	trace_header_clear(&r->header);
	r->have_header = false;
	g_hash_table_remove_all(r->buffers);
	g_clear_error(&r->failed);
	return true;
}

/* Records the error (prefixed with the label and line) and returns -1. */
static int failure(struct trace_reader *r, GError **err, int code, const char *msg)
{
	r->failed = g_error_new(TRACE_ERROR, code, "%s:%" G_GUINT64_FORMAT ": %s", r->label, r->line,
				msg);
	g_propagate_error(err, g_error_copy(r->failed));
	return -1;
}

static int failure_from(struct trace_reader *r, GError **err, GError *cause)
{
	int rc = failure(r, err, cause->code, cause->message);

	g_error_free(cause);
	return rc;
}

/* Fills the window after start; false on a read error. */
static bool fill(struct trace_reader *r, int *read_errno)
{
	ssize_t n;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	do
		n = read(r->fd, r->buf + r->end, WINDOW - r->end);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		*read_errno = errno;
		return false;
	}
	if (n == 0)
		r->eof = true;
	r->end += (size_t)n;
	return true;
}

/* The next line (no newline): 1, 0 at the end, -1 on error. */
static int next_line(struct trace_reader *r, const char **line, size_t *len, GError **err)
{
	for (;;) {
		char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		int read_errno = 0;

		if (nl || (r->eof && r->end > r->start)) {
			size_t l = nl ? (size_t)(nl - (r->buf + r->start)) : r->end - r->start;

			r->line++;
			if (l > TRACE_LINE_MAX)
				return failure(r, err, E2BIG, "line longer than the limit (256 KiB)");
			*line = r->buf + r->start;
			*len = l;
			r->start += l + (nl ? 1 : 0);
			return 1;
		}
		if (r->eof)
			return 0;
		if (r->end - r->start > TRACE_LINE_MAX) {
			r->line++;
			return failure(r, err, E2BIG, "line longer than the limit (256 KiB)");
		}
		if (!fill(r, &read_errno)) {
			r->line++;
			return failure(r, err, read_errno, g_strerror(read_errno));
		}
	}
}

static int check_buffer(struct trace_reader *r, const struct trace_event *ev, GError **err)
{
	guint64 *size;
	char *msg;

	if ((ev->kind == TRACE_DMAR || ev->kind == TRACE_DMAW) && strcmp(ev->name, "-") == 0)
		return 1;       /* message DMA outside every buffer: OFFSET is the IOVA */
	size = g_hash_table_lookup(r->buffers, ev->name);
	if (!size) {
		msg = g_strdup_printf("%s of buffer '%s', which is not mapped", trace_kind_name(ev->kind),
				      ev->name);
		goto bad;
	}
	if (ev->kind == TRACE_UNMAP) {
		g_hash_table_remove(r->buffers, ev->name);
		return 1;
	}
	if (ev->offset > *size || ev->size > *size - ev->offset) {
		msg = g_strdup_printf("%s past the end of buffer '%s' (%" G_GUINT64_FORMAT " bytes)",
				      trace_kind_name(ev->kind), ev->name, (uint64_t)*size);
		goto bad;
	}
	return 1;
bad:
	failure(r, err, ERANGE, msg);
	g_free(msg);
	return -1;
}

/* The checks across lines: SEQ, buffers mapped once, accessed inside. */
static int check_event(struct trace_reader *r, const struct trace_event *ev, GError **err)
{
	char msg[128];

	if (ev->seq != r->seq + 1) {
		snprintf(msg, sizeof(msg), "SEQ %" G_GUINT64_FORMAT " where %" G_GUINT64_FORMAT
			 " belongs", ev->seq, r->seq + 1);
		return failure(r, err, EINVAL, msg);
	}
	r->seq = ev->seq;
	switch (ev->kind) {
	case TRACE_MAP:
		if (g_hash_table_contains(r->buffers, ev->name))
			return failure(r, err, EINVAL, "MAP of a buffer that is already mapped");
		if (g_hash_table_size(r->buffers) >= TRACE_BUFFERS_MAX)
			return failure(r, err, ERANGE, "more buffers mapped at once than 4096");
		g_hash_table_insert(r->buffers, g_strdup(ev->name), g_memdup2(&ev->size, sizeof(guint64)));
		return 1;
	case TRACE_UNMAP:
	case TRACE_BUFW:
	case TRACE_BUFR:
	case TRACE_DMAR:
	case TRACE_DMAW:
		return check_buffer(r, ev, err);
	default:
		return 1;
	}
}

int trace_reader_next(struct trace_reader *r, struct trace_event *ev, GError **err)
{
	const char *line;
	size_t len;
	GError *cause = NULL;
	int rc;

	memset(ev, 0, sizeof(*ev));
	if (r->failed) {
		g_propagate_error(err, g_error_copy(r->failed));
		return -1;
	}
	if (!r->have_header) {
		rc = next_line(r, &line, &len, err);
		if (rc == 0) {
			r->line++;
			return failure(r, err, EINVAL, "empty: no '# vfiofs-trace 1' header");
		}
		if (rc < 0)
			return -1;
		if (!trace_header_parse(line, len, &r->header, &cause))
			return failure_from(r, err, cause);
		r->have_header = true;
	}
	rc = next_line(r, &line, &len, err);
	if (rc <= 0)
		return rc;
	if (!trace_event_parse(line, len, ev, &cause))
		return failure_from(r, err, cause);
	rc = check_event(r, ev, err);
	if (rc < 0)
		trace_event_clear(ev);
	return rc;
}

bool trace_reader_check_all(struct trace_reader *r, uint64_t *events, GError **err)
{
	struct trace_event ev;
	uint64_t n = 0;
	int rc;

	while ((rc = trace_reader_next(r, &ev, err)) > 0) {
		trace_event_clear(&ev);
		n++;
	}
	if (events)
		*events = n;
	return rc == 0;
}
