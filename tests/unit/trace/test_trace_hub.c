/* trace/trace_hub.c: readers' streams, their bound, LOST lines, marks, wakes. */
#include "suites.h"
#include "trace/trace_hub.h"
#include "trace_text.h"

#include <errno.h>

static struct trace_event access_event(uint64_t offset, uint64_t value)
{
	struct trace_event ev = { .kind = TRACE_R, .space = TRACE_BAR0, .offset = offset,
				  .width = 4, .value = value, .has_value = true };
	return ev;
}

/* Everything the reader has, as a string. */
static char *drain(struct trace_hub_reader *r)
{
	GString *s = g_string_new(NULL);
	char buf[1000];
	size_t n;

	while ((n = trace_hub_read(r, buf, sizeof(buf))) > 0)
		g_string_append_len(s, buf, (gssize)n);
	return g_string_free(s, FALSE);
}

/* Reads text as a trace: the number of events, -1 when it is not a valid trace. */
static int64_t events_in(const char *text, uint64_t *lost)
{
	int fd = trace_text_fd(text);
	struct trace_reader *rd = trace_reader_new(fd, "hub");
	struct trace_event ev;
	int64_t n = 0;
	int rc;

	*lost = 0;
	while ((rc = trace_reader_next(rd, &ev, NULL)) > 0) {
		if (ev.kind == TRACE_LOST)
			*lost += ev.count;
		else
			n++;
		trace_event_clear(&ev);
	}
	trace_reader_free(rd);
	close(fd);
	return rc == 0 ? n : -1;
}

static void test_no_reader(void)
{
	struct trace_hub *hub = trace_hub_new("edu", 0x4e58, 1, "vfio-user");
	struct trace_event ev = access_event(0, 1);

	CU_ASSERT_FALSE(trace_hub_active(hub));
	CU_ASSERT_FALSE(trace_hub_active(NULL));
	trace_hub_emit(hub, &ev);
	CU_ASSERT_EQUAL(trace_hub_mark(hub, "x", 1), 0);
	trace_hub_free(hub);
}

static void test_two_readers(void)
{
	struct trace_hub *hub = trace_hub_new("edu", 0x4e58, 1, "vfio-user");
	struct trace_hub_reader *a = trace_hub_open(hub, NULL, NULL), *b;
	struct trace_event ev = access_event(0, 0x56465531);
	char *ta, *tb;
	uint64_t lost;

	CU_ASSERT_TRUE(trace_hub_active(hub));
	trace_hub_emit(hub, &ev);
	b = trace_hub_open(hub, NULL, NULL);
	ev.offset = 4;
	trace_hub_emit(hub, &ev);
	CU_ASSERT_EQUAL(trace_hub_mark(hub, "step two", 8), 0);
	ta = drain(a);
	tb = drain(b);
	CU_ASSERT_TRUE(g_str_has_prefix(ta, "# vfiofs-trace 1 edu 4e58:0001 vfio-user\n1 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(ta, " R bar0 0x0 4 0x56465531\n2 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(ta, " MARK step two\n"));
	CU_ASSERT_EQUAL(events_in(ta, &lost), 3);
	/* b opened later: its own SEQ from 1, the lines after its open */
	CU_ASSERT_EQUAL(events_in(tb, &lost), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(tb, "\n1 "));
	CU_ASSERT_PTR_NULL(strstr(tb, "R bar0 0x0 "));
	g_free(ta);
	g_free(tb);
	trace_hub_close(a);
	trace_hub_close(b);
	CU_ASSERT_FALSE(trace_hub_active(hub));
	trace_hub_free(hub);
}

/* A reader that does not read: bounded, lines lost and counted, one LOST line. */
static void test_lost(void)
{
	struct trace_hub *hub = trace_hub_new("edu", 0x4e58, 1, "vfio-user");
	struct trace_hub_reader *slow = trace_hub_open(hub, NULL, NULL);
	struct trace_hub_reader *fast = trace_hub_open(hub, NULL, NULL);
	struct trace_event ev = access_event(0x34, 1);
	uint64_t lost = 0;
	int64_t seen = 0;
	const int total = 100000;   /* ~4 MiB of lines */
	GString *fast_text = g_string_new(NULL);
	char *t;

	for (int i = 0; i < total; i++) {
		trace_hub_emit(hub, &ev);
		t = drain(fast);
		g_string_append(fast_text, t);
		g_free(t);
	}
	CU_ASSERT_TRUE(trace_hub_lost(slow) > 0);
	CU_ASSERT_EQUAL(trace_hub_lost(fast), 0);
	t = drain(slow);
	CU_ASSERT_TRUE(strlen(t) <= TRACE_HUB_READER_BYTES);
	g_free(t);
	trace_hub_emit(hub, &ev);   /* now it has room: LOST first, then this line */
	t = drain(slow);
	CU_ASSERT_TRUE(g_str_has_prefix(t, "") && strstr(t, " LOST ") != NULL);
	g_free(t);
	trace_hub_close(slow);

	/* the whole stream of a reader that lost lines is still a valid trace */
	slow = trace_hub_open(hub, NULL, NULL);
	for (int i = 0; i < total; i++)
		trace_hub_emit(hub, &ev);
	t = drain(slow);
	GString *all = g_string_new(t);
	g_free(t);
	trace_hub_emit(hub, &ev);
	t = drain(slow);
	g_string_append(all, t);
	g_free(t);
	seen = events_in(all->str, &lost);
	CU_ASSERT_TRUE(seen > 0);
	CU_ASSERT_EQUAL((uint64_t)seen + lost, (uint64_t)total + 1);
	CU_ASSERT_EQUAL(lost, trace_hub_lost(slow));
	g_string_free(all, TRUE);
	t = drain(fast);
	g_free(t);
	CU_ASSERT_EQUAL(events_in(fast_text->str, &lost), total);
	g_string_free(fast_text, TRUE);
	trace_hub_close(slow);
	trace_hub_close(fast);
	trace_hub_free(hub);
}

static void test_marks(void)
{
	struct trace_hub *hub = trace_hub_new("edu", 0x4e58, 1, "vfio-user");
	struct trace_hub_reader *r = trace_hub_open(hub, NULL, NULL);
	char *big = g_malloc0(1 << 20), *t;
	uint64_t lost;

	memset(big, 'm', 1 << 20);
	CU_ASSERT_EQUAL(trace_hub_mark(hub, big, 1 << 20), EMSGSIZE);
	CU_ASSERT_EQUAL(trace_hub_mark(hub, big, TRACE_MARK_MAX + 1), EMSGSIZE);
	CU_ASSERT_EQUAL(trace_hub_mark(hub, big, TRACE_MARK_MAX), 0);
	CU_ASSERT_EQUAL(trace_hub_mark(hub, "a\0b", 3), EINVAL);
	CU_ASSERT_EQUAL(trace_hub_mark(hub, "a\nb", 3), EINVAL);
	CU_ASSERT_EQUAL(trace_hub_mark(hub, "\xff\xfe", 2), EINVAL);
	CU_ASSERT_EQUAL(trace_hub_mark(hub, "caf\xc3\xa9", 5), 0);
	CU_ASSERT_EQUAL(trace_hub_mark(hub, "", 0), 0);
	t = drain(r);
	CU_ASSERT_EQUAL(events_in(t, &lost), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, " MARK caf\xc3\xa9\n"));
	g_free(t);
	g_free(big);
	trace_hub_close(r);
	trace_hub_free(hub);
}

static void count_wake(struct trace_hub_reader *r, void *data)
{
	(*(int *)data)++;
}

static void test_wake(void)
{
	struct trace_hub *hub = trace_hub_new("edu", 0x4e58, 1, "vfio-user");
	int wakes = 0;
	struct trace_hub_reader *r = trace_hub_open(hub, count_wake, &wakes);
	struct trace_event ev = access_event(0, 0);
	char *t = drain(r);         /* the header */

	g_free(t);
	CU_ASSERT_FALSE(trace_hub_readable(r));
	trace_hub_emit(hub, &ev);
	trace_hub_emit(hub, &ev);
	CU_ASSERT_EQUAL(wakes, 1);  /* from empty to not empty, once */
	CU_ASSERT_TRUE(trace_hub_readable(r));
	t = drain(r);
	g_free(t);
	trace_hub_emit(hub, &ev);
	CU_ASSERT_EQUAL(wakes, 2);
	trace_hub_close(r);
	trace_hub_free(hub);
}

static CU_TestInfo tests[] = {
	{ "no reader: nothing done", test_no_reader },
	{ "two readers, each its own stream", test_two_readers },
	{ "a reader that does not read loses lines, counted", test_lost },
	{ "marks: length and bytes", test_marks },
	{ "a reader is woken when it has something", test_wake },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_trace_trace_hub_suite) = { .pName = "trace hub", .pTests = tests };
