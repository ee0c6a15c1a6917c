/*
 * The trace hub (see trace_hub.h). Each reader's stream is a byte ring of
 * TRACE_HUB_READER_BYTES; a line that does not fit is counted as lost, and
 * the next line that fits is preceded by "SEQ USEC LOST N" (room for that
 * line is kept back, so a LOST line can always be written once the reader
 * has read).
 */
#include "trace/trace_hub.h"
#include "trace/trace_digits.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Room kept for a LOST line: "SEQ USEC LOST N\n" with 20-digit numbers. */
#define LOST_ROOM 72

struct trace_hub_reader {
	struct trace_hub *hub;
	unsigned waking;        /* wakes of this reader running now (close waits for them) */
	char *ring;
	size_t head, used;      /* [head, head + used) modulo the size, unread */
	uint64_t seq;           /* SEQ of the last line put in */
	gint64 start;           /* monotonic usec at open */
	uint64_t lost;          /* lines not put in since the last LOST line */
	uint64_t lost_total;
	trace_hub_wake_fn *wake;
	void *data;
	bool closed;
};

struct trace_hub *trace_hub_new(const char *name, uint16_t vendor, uint16_t device,
				const char *transport)
{
	struct trace_hub *hub = g_new0(struct trace_hub, 1);

	g_mutex_init(&hub->lock);
	g_cond_init(&hub->woken);
	hub->header.name = g_strdup(name);
	hub->header.vendor = vendor;
	hub->header.device = device;
	hub->header.transport = g_strdup(transport);
	hub->list = g_ptr_array_new();
	atomic_init(&hub->readers, 0);
	return hub;
}

void trace_hub_free(struct trace_hub *hub)
{
	if (!hub)
		return;
	g_warn_if_fail(hub->list->len == 0);
	g_ptr_array_free(hub->list, TRUE);
	trace_header_clear(&hub->header);
	g_mutex_clear(&hub->lock);
	g_cond_clear(&hub->woken);
	g_free(hub);
}

/* ---- with hub->lock held ---- */

static void ring_put(struct trace_hub_reader *r, const char *p, size_t len)
{
	size_t tail = (r->head + r->used) % TRACE_HUB_READER_BYTES;
	size_t first = MIN(len, TRACE_HUB_READER_BYTES - tail);

	memcpy(r->ring + tail, p, first);
	memcpy(r->ring, p + first, len - first);
	r->used += len;
}

/* "SEQ USEC " then body and a newline, if it fits (keeping room for a LOST line). */
static bool put_line(struct trace_hub_reader *r, const char *body, size_t len, size_t reserve)
{
	char prefix[2 * TRACE_DIGITS_MAX + 2];
	size_t n = trace_digits_dec(prefix, r->seq + 1);

	prefix[n++] = ' ';
	n += trace_digits_dec(prefix + n, (uint64_t)MAX(g_get_monotonic_time() - r->start, 0));
	prefix[n++] = ' ';

	if (r->used + n + len + 1 + reserve > TRACE_HUB_READER_BYTES)
		return false;
	r->seq++;
	ring_put(r, prefix, n);
	ring_put(r, body, len);
	ring_put(r, "\n", 1);
	return true;
}

/* One line into a reader's stream: true when the reader had nothing unread before. */
static bool reader_put(struct trace_hub_reader *r, const char *body, size_t len)
{
	bool was_empty = r->used == 0;
	char lost[40];

	/* still full: count it without formatting anything (a stalled reader costs a compare) */
	if (r->lost && TRACE_HUB_READER_BYTES - r->used < LOST_ROOM) {
		r->lost++;
		r->lost_total++;
		return false;
	}
	if (r->lost) {
		int n = snprintf(lost, sizeof(lost), "LOST %" G_GUINT64_FORMAT, r->lost);

		if (!put_line(r, lost, (size_t)n, 0)) {
			r->lost++;
			r->lost_total++;
			return false;
		}
		r->lost = 0;
	}
	if (!put_line(r, body, len, LOST_ROOM)) {
		r->lost++;
		r->lost_total++;
	}
	return was_empty && r->used > 0;
}

/* ---- emitting ---- */

struct wake {
	struct trace_hub_reader *r;
	trace_hub_wake_fn *fn;
	void *data;
};

/* Runs the wakes taken under the lock; then lets a waiting close go on. */
static void run_wakes(struct trace_hub *hub, struct wake *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		w[i].fn(w[i].r, w[i].data);
	if (!n)
		return;
	g_mutex_lock(&hub->lock);
	for (size_t i = 0; i < n; i++)
		w[i].r->waking--;
	g_cond_broadcast(&hub->woken);
	g_mutex_unlock(&hub->lock);
}

static void emit_body(struct trace_hub *hub, const char *body, size_t len)
{
	struct wake stack[16], *w = stack;
	size_t n = 0, cap = G_N_ELEMENTS(stack);

	g_mutex_lock(&hub->lock);
	for (guint i = 0; i < hub->list->len; i++) {
		struct trace_hub_reader *r = hub->list->pdata[i];

		if (!reader_put(r, body, len) || !r->wake)
			continue;
		if (n == cap) {
			cap *= 2;
			w = w == stack ? g_memdup2(stack, sizeof(stack)) : w;
			w = g_renew(struct wake, w, cap);
		}
		r->waking++;
		w[n++] = (struct wake){ r, r->wake, r->data };
	}
	g_mutex_unlock(&hub->lock);
	run_wakes(hub, w, n);
	if (w != stack)
		g_free(w);
}

void trace_hub_wake_all(struct trace_hub *hub)
{
	struct wake *w;
	size_t n = 0;

	g_mutex_lock(&hub->lock);
	w = g_new(struct wake, hub->list->len + 1);
	for (guint i = 0; i < hub->list->len; i++) {
		struct trace_hub_reader *r = hub->list->pdata[i];

		if (!r->wake)
			continue;
		r->waking++;
		w[n++] = (struct wake){ r, r->wake, r->data };
	}
	g_mutex_unlock(&hub->lock);
	run_wakes(hub, w, n);
	g_free(w);
}

void trace_hub_emit(struct trace_hub *hub, const struct trace_event *ev)
{
	GString *body;

	if (!trace_hub_active(hub))
		return;
	body = g_string_sized_new(96);
	trace_event_format_body(ev, body);
	emit_body(hub, body->str, body->len);
	g_string_free(body, TRUE);
}

int trace_hub_mark(struct trace_hub *hub, const char *text, size_t len)
{
	GString *body;

	if (len > TRACE_MARK_MAX)
		return EMSGSIZE;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < ' ' || text[i] == 0x7f)
			return EINVAL;
	if (!g_utf8_validate(text, (gssize)len, NULL))
		return EINVAL;
	if (!trace_hub_active(hub))
		return 0;
	body = g_string_new("MARK");
	if (len) {
		g_string_append_c(body, ' ');
		g_string_append_len(body, text, (gssize)len);
	}
	emit_body(hub, body->str, body->len);
	g_string_free(body, TRUE);
	return 0;
}

/* ---- readers ---- */

struct trace_hub_reader *trace_hub_open(struct trace_hub *hub, trace_hub_wake_fn *wake, void *data)
{
	struct trace_hub_reader *r = g_new0(struct trace_hub_reader, 1);
	GString *header = g_string_new(NULL);

	r->hub = hub;
	r->ring = g_malloc(TRACE_HUB_READER_BYTES);
	r->start = g_get_monotonic_time();
	r->wake = wake;
	r->data = data;
	trace_header_format(&hub->header, header);
	ring_put(r, header->str, header->len);
	g_string_free(header, TRUE);
	g_mutex_lock(&hub->lock);
	g_ptr_array_add(hub->list, r);
	atomic_fetch_add_explicit(&hub->readers, 1, memory_order_relaxed);
	g_mutex_unlock(&hub->lock);
	return r;
}

void trace_hub_reader_emit(struct trace_hub_reader *r, const struct trace_event *ev)
{
	GString *body = g_string_sized_new(96);

	trace_event_format_body(ev, body);
	g_mutex_lock(&r->hub->lock);
	reader_put(r, body->str, body->len);
	g_mutex_unlock(&r->hub->lock);
	g_string_free(body, TRUE);
}

size_t trace_hub_read(struct trace_hub_reader *r, char *buf, size_t size)
{
	size_t n, first;

	g_mutex_lock(&r->hub->lock);
	n = MIN(size, r->used);
	first = MIN(n, TRACE_HUB_READER_BYTES - r->head);
	memcpy(buf, r->ring + r->head, first);
	memcpy(buf + first, r->ring, n - first);
	r->head = (r->head + n) % TRACE_HUB_READER_BYTES;
	r->used -= n;
	g_mutex_unlock(&r->hub->lock);
	return n;
}

bool trace_hub_readable(struct trace_hub_reader *r)
{
	bool readable;

	g_mutex_lock(&r->hub->lock);
	readable = r->used > 0;
	g_mutex_unlock(&r->hub->lock);
	return readable;
}

uint64_t trace_hub_lost(struct trace_hub_reader *r)
{
	uint64_t lost;

	g_mutex_lock(&r->hub->lock);
	lost = r->lost_total;
	g_mutex_unlock(&r->hub->lock);
	return lost;
}

void trace_hub_close(struct trace_hub_reader *r)
{
	struct trace_hub *hub = r->hub;

	g_mutex_lock(&hub->lock);
	g_ptr_array_remove_fast(hub->list, r);
	atomic_fetch_sub_explicit(&hub->readers, 1, memory_order_relaxed);
	/* no wake starts after this; one already on its way is waited for */
	while (r->waking)
		g_cond_wait(&hub->woken, &hub->lock);
	g_mutex_unlock(&hub->lock);
	g_free(r->ring);
	g_free(r);
}
