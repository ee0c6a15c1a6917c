/* trace/trace_reader.c: bounded lines, the header, SEQ, buffers, errors naming the line. */
#include "suites.h"
#include "trace_text.h"

#include <errno.h>

/* Reads the whole text: the error's message (to free) or NULL when it was all fine. */
static char *check(const char *text, int *code, uint64_t *events)
{
	int fd = trace_text_fd(text);
	struct trace_reader *r = trace_reader_new(fd, "t.trace");
	GError *err = NULL;
	char *msg = NULL;

	if (!trace_reader_check_all(r, events, &err)) {
		msg = g_strdup(err->message);
		if (code)
			*code = err->code;
		g_error_free(err);
	}
	trace_reader_free(r);
	close(fd);
	return msg;
}

static void test_good(void)
{
	uint64_t n = 0;
	char *msg = check(TRACE_TEXT_HEADER "1 0 MAP b 0x1000 16\n2 1 BUFW b 0xc 01020304\n"
					    "3 2 BUFR b 0x0 16 "
					    "374708fff7719dd5979ec875d56cd2286f6d3cf7ec317a3b25632aab28ec37bb\n"
					    "4 3 UNMAP b\n5 4 MAP b 0x2000 4096\n6 5 DMAR - 0x9000 4 ERR EFAULT",
			  NULL, &n);

	CU_ASSERT_PTR_NULL(msg);
	CU_ASSERT_EQUAL(n, 6);
	g_free(msg);
	msg = check(TRACE_TEXT_HEADER, NULL, &n);
	CU_ASSERT_PTR_NULL(msg);
	CU_ASSERT_EQUAL(n, 0);
	g_free(msg);
}

static const struct {
	const char *text;
	const char *message;    /* what the message must hold */
	int code;
} bad[] = {
	{ "", "t.trace:1: empty", EINVAL },
	{ "1 0 RESET\n", "t.trace:1: not a vfiofs trace", EINVAL },
	{ TRACE_TEXT_HEADER "1 0 RESET\n3 0 RESET\n", "t.trace:3: SEQ 3 where 2 belongs", EINVAL },
	{ TRACE_TEXT_HEADER "2 0 RESET\n", "t.trace:2: SEQ 2 where 1", EINVAL },
	{ TRACE_TEXT_HEADER "1 0 RESET\n2 0 BOGUS\n", "t.trace:3: unknown kind 'BOGUS'", EINVAL },
	{ TRACE_TEXT_HEADER "1 0 BUFW b 0x0 00\n", "t.trace:2: BUFW of buffer 'b', which is not mapped",
	  ERANGE },
	{ TRACE_TEXT_HEADER "1 0 MAP b 0x1000 16\n2 0 BUFW b 0xf 0000\n", "t.trace:3: BUFW past the end",
	  ERANGE },
	{ TRACE_TEXT_HEADER "1 0 MAP b 0x1000 16\n2 0 BUFR b 0x0 17 "
			    "374708fff7719dd5979ec875d56cd2286f6d3cf7ec317a3b25632aab28ec37bb\n",
	  "t.trace:3: BUFR past the end", ERANGE },
	{ TRACE_TEXT_HEADER "1 0 MAP b 0x1000 16\n2 0 MAP b 0x2000 16\n", "t.trace:3: MAP of a buffer that is already",
	  EINVAL },
	{ TRACE_TEXT_HEADER "1 0 UNMAP b\n", "t.trace:2: UNMAP of buffer 'b'", ERANGE },
	{ TRACE_TEXT_HEADER "1 0 RESET\n\n", "t.trace:3: ", EINVAL },
	{ TRACE_TEXT_HEADER "1 0 RESET\r\n", "t.trace:2: byte 0x0d", EINVAL },
};

static void test_bad(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		int code = 0;
		char *msg = check(bad[i].text, &code, NULL);

		CU_ASSERT_PTR_NOT_NULL(msg);
		if (!msg)
			continue;
		if (!strstr(msg, bad[i].message))
			fprintf(stderr, "\n  case %zu: '%s' lacks '%s'\n", i, msg, bad[i].message);
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, bad[i].message));
		CU_ASSERT_EQUAL(code, bad[i].code);
		g_free(msg);
	}
}

/* A line of 10 MiB: refused, naming the line, without holding it all. */
static void test_long_line(void)
{
	GString *s = g_string_new(TRACE_TEXT_HEADER "1 0 RESET\n2 0 MARK ");
	int code = 0;
	char *msg;

	for (int i = 0; i < 10 << 20; i += 64)
		g_string_append(s, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	g_string_append(s, "\n3 0 RESET\n");
	msg = check(s->str, &code, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "t.trace:3: line longer than the limit"));
	CU_ASSERT_EQUAL(code, E2BIG);
	g_free(msg);
	g_string_free(s, TRUE);
}

/* After an error the reader keeps returning it; rewind reads from the start again. */
static void test_error_sticks_and_rewind(void)
{
	int fd = trace_text_fd(TRACE_TEXT_HEADER "1 0 RESET\n2 0 NOPE\n");
	struct trace_reader *r = trace_reader_new(fd, "t");
	struct trace_event ev;
	GError *err = NULL;

	CU_ASSERT_EQUAL(trace_reader_next(r, &ev, NULL), 1);
	CU_ASSERT_EQUAL(ev.kind, TRACE_RESET);
	CU_ASSERT_EQUAL(trace_reader_line(r), 2);
	CU_ASSERT_STRING_EQUAL(trace_reader_header(r)->name, "edu");
	trace_event_clear(&ev);
	CU_ASSERT_EQUAL(trace_reader_next(r, &ev, NULL), -1);
	CU_ASSERT_EQUAL(trace_reader_next(r, &ev, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err->message, "t:3"));
	g_clear_error(&err);
	CU_ASSERT_TRUE(trace_reader_rewind(r, NULL));
	CU_ASSERT_EQUAL(trace_reader_next(r, &ev, NULL), 1);
	CU_ASSERT_EQUAL(ev.seq, 1);
	trace_event_clear(&ev);
	trace_reader_free(r);
	close(fd);
}

static CU_TestInfo tests[] = {
	{ "good traces read to the end", test_good },
	{ "bad traces: the message names the line", test_bad },
	{ "a 10 MiB line is refused by its number", test_long_line },
	{ "an error sticks; rewind starts over", test_error_sticks_and_rewind },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_trace_trace_reader_suite) = { .pName = "trace reader", .pTests = tests };
