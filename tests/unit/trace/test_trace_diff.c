/* trace/trace_diff.c, trace_compare.c, trace_report.c: diffs of hand-written traces. */
#include "suites.h"
#include "trace/trace_diff.h"
#include "trace_text.h"

#include <stdio.h>

#define H TRACE_TEXT_HEADER

/* A recording of a factorial, a DMA setup and a buffer read, on the model. */
static const char base[] = H
	"1 0 R bar0 0x0 4 0x56465531 IDENT\n"
	"2 1 MARK factorial\n"
	"3 2 W bar0 0x30 4 0x00000005 FACT\n"
	"4 3 R bar0 0x34 4 0x00000001 STATUS\n"
	"5 4 R bar0 0x34 4 0x00000000 STATUS\n"
	"6 5 IRQ msi 0 1\n"
	"7 6 R bar0 0x38 8 0x0000000000000078 FACT_RESULT\n"
	"8 7 MARK dma\n"
	"9 8 MAP src 0x1000 4096\n"
	"10 9 BUFW src 0x0 00112233\n"
	"11 10 W bar0 0x80 8 0x0000000000001000\n"
	"12 11 W bar0 0x98 8 0x0000000000000001\n"
	"13 12 DMAR src 0x0 4\n"
	"14 13 R bar0 0x8 4 0x00000007 RESETS\n"
	"15 14 UNMAP src\n";

/* Diffs the two texts with the filter: the exit status; *report the output (to free). */
static int diff(const char *a, const char *b, struct trace_filter *f, char **report)
{
	int fa = trace_text_fd(a), fb = trace_text_fd(b), rc;
	struct trace_reader *ra = trace_reader_new(fa, "a"), *rb = trace_reader_new(fb, "b");
	size_t len;
	FILE *out = open_memstream(report, &len);
	GError *err = NULL;

	rc = trace_diff(ra, rb, f, out, &err);
	fclose(out);
	if (err)
		fprintf(stderr, "\n  diff: %s\n", err->message);
	g_clear_error(&err);
	trace_reader_free(ra);
	trace_reader_free(rb);
	close(fa);
	close(fb);
	return rc;
}

/* base with the line "SEQ ..." replaced by with (the SEQ included in both). */
static char *edit(const char *seq_prefix, const char *with)
{
	GString *s = g_string_new(NULL);
	char **lines = g_strsplit(base, "\n", -1);

	for (char **l = lines; *l; l++) {
		if (!**l)
			continue;
		g_string_append(s, g_str_has_prefix(*l, seq_prefix) ? with : *l);
		g_string_append_c(s, '\n');
	}
	g_strfreev(lines);
	return g_string_free(s, FALSE);
}

static void expect_in(const char *report, const char *what)
{
	if (!strstr(report, what))
		fprintf(stderr, "\n  report lacks '%s':\n%s", what, report);
	CU_ASSERT_PTR_NOT_NULL(strstr(report, what));
}

static void test_same(void)
{
	char *report;

	CU_ASSERT_EQUAL(diff(base, base, NULL, &report), 0);
	CU_ASSERT_STRING_EQUAL(report, "14 matched, 0 differ, 0 polls differ\n");
	free(report);
}

static void test_value_differs(void)
{
	char *b = edit("7 ", "7 6 R bar0 0x38 8 0x0000000000000077 FACT_RESULT"), *report;

	CU_ASSERT_EQUAL(diff(base, b, NULL, &report), 1);
	expect_in(report, "--- edu (4e58:0001 vfio-user)\n+++ edu (4e58:0001 vfio-user)\n");
	expect_in(report, "@@ line 3: MARK factorial @@\n");
	expect_in(report, "- 8: R bar0 0x38 8 0x0000000000000078 FACT_RESULT\n"
			  "+ 8: R bar0 0x38 8 0x0000000000000077 FACT_RESULT\n");
	expect_in(report, "  4: W bar0 0x30 4 0x00000005 FACT\n");
	expect_in(report, "13 matched, 1 differ, 0 polls differ\n");
	CU_ASSERT_PTR_NULL(strstr(report, "MARK dma"));  /* no hunk where nothing differs */
	free(report);
	g_free(b);
}

static void test_poll_count(void)
{
	char *report;
	/* two more reads of the poll, an interrupt among them */
	char *b = g_strdup(H "1 0 R bar0 0x0 4 0x56465531 IDENT\n"
		       "2 1 MARK factorial\n"
		       "3 2 W bar0 0x30 4 0x00000005 FACT\n"
		       "4 3 R bar0 0x34 4 0x00000001 STATUS\n"
		       "5 3 IRQ msi 0 1\n"
		       "6 3 R bar0 0x34 4 0x00000001 STATUS\n"
		       "7 3 R bar0 0x34 4 0x00000001 STATUS\n"
		       "8 4 R bar0 0x34 4 0x00000000 STATUS\n"
		       "9 6 R bar0 0x38 8 0x0000000000000078 FACT_RESULT\n"
		       "10 7 MARK dma\n"
		       "11 8 MAP src 0x1000 4096\n"
		       "12 9 BUFW src 0x0 00112233\n"
		       "13 10 W bar0 0x80 8 0x0000000000001000\n"
		       "14 11 W bar0 0x98 8 0x0000000000000001\n"
		       "15 12 DMAR src 0x0 4\n"
		       "16 13 R bar0 0x8 4 0x00000007 RESETS\n"
		       "17 14 UNMAP src\n");
	CU_ASSERT_EQUAL(diff(base, b, NULL, &report), 0);
	expect_in(report, "~ 5: R bar0 0x34 4 0x00000000 STATUS (a poll of 2 reads, 4 there)\n");
	expect_in(report, "14 matched, 0 differ, 1 polls differ\n");
	free(report);
	g_free(b);
}

static void test_iova(void)
{
	char *b = edit("9 ", "9 8 MAP src 0x7000 4096"), *report;
	char *b2;

	/* another IOVA, the same buffer: the write of its address still matches */
	b2 = g_strdup(b);
	g_free(b);
	{
		char **parts = g_strsplit(b2, "0x0000000000001000", -1);

		b = g_strjoinv("0x0000000000007000", parts);
		g_strfreev(parts);
	}
	CU_ASSERT_EQUAL(diff(base, b, NULL, &report), 0);
	free(report);
	/* the same number, but now not the buffer's start: a difference */
	CU_ASSERT_EQUAL(diff(base, b2, NULL, &report), 1);
	expect_in(report, "- 12: W bar0 0x80 8 0x0000000000001000\n");
	free(report);
	g_free(b);
	g_free(b2);
}

/* Two runs of a script that names its buffers after its pid: paired by their MAP lines. */
static void test_buffer_names(void)
{
	char *report;
	char *b = g_strdup(base), *c;
	GRegex *re = g_regex_new(" src( |$)", G_REGEX_MULTILINE, 0, NULL);

	c = g_regex_replace(re, b, -1, 0, " edu-sh-77-src\\1", 0, NULL);
	g_regex_unref(re);
	CU_ASSERT_EQUAL(diff(base, c, NULL, &report), 0);
	free(report);
	/* ... but a write into the other buffer's place is still a difference */
	g_free(b);
	b = g_strdup(H "1 0 MAP a 0x1000 4096\n2 0 MAP b 0x2000 4096\n3 0 W bar0 0x80 8 0x0000000000001000\n");
	g_free(c);
	c = g_strdup(H "1 0 MAP x 0x1000 4096\n2 0 MAP y 0x2000 4096\n3 0 W bar0 0x80 8 0x0000000000002000\n");
	CU_ASSERT_EQUAL(diff(b, c, NULL, &report), 1);
	expect_in(report, "- 4: W bar0 0x80 8 0x0000000000001000\n+ 4: W bar0 0x80 8 0x0000000000002000\n");
	free(report);
	g_free(b);
	g_free(c);
}

static void test_ignore_and_mask(void)
{
	char *b = edit("14 ", "14 13 R bar0 0x8 4 0x00000009 RESETS"), *report;
	char *c = edit("1 ", "1 0 R bar0 0x0 4 0x56475531 IDENT");
	struct trace_filter *f = trace_filter_new();
	GError *err = NULL;

	CU_ASSERT_EQUAL(diff(base, b, NULL, &report), 1);
	free(report);
	CU_ASSERT_TRUE(trace_filter_add_ignore(f, "bar0:0x8", NULL));
	CU_ASSERT_EQUAL(diff(base, b, f, &report), 0);
	free(report);
	/* the mask keeps the bits it has: 0x0000ffff does not see 0x56465531 -> 0x56475531 */
	CU_ASSERT_EQUAL(diff(base, c, f, &report), 1);
	expect_in(report, "- 2: R bar0 0x0 4 0x56465531 IDENT");
	free(report);
	CU_ASSERT_TRUE(trace_filter_add_mask(f, "bar0:0:0x0000ffff", NULL));
	CU_ASSERT_EQUAL(diff(base, c, f, &report), 0);
	free(report);
	/* buffer contents: compared unless --ignore-data */
	{
		char *d = edit("10 ", "10 9 BUFW src 0x0 99999999");

		CU_ASSERT_EQUAL(diff(base, d, f, &report), 1);
		free(report);
		trace_filter_ignore_data(f, true);
		CU_ASSERT_EQUAL(diff(base, d, f, &report), 0);
		free(report);
		g_free(d);
	}
	CU_ASSERT_FALSE(trace_filter_add_mask(f, "bar0:0x0", &err));
	g_clear_error(&err);
	CU_ASSERT_FALSE(trace_filter_add_ignore(f, "bar7:0x0", &err));
	g_clear_error(&err);
	CU_ASSERT_FALSE(trace_filter_add_ignore(f, "bar0:x", &err));
	g_clear_error(&err);
	trace_filter_free(f);
	g_free(b);
	g_free(c);
}

static void test_extra_and_missing(void)
{
	char *report;
	/* B wrote the liveness register once more, and never read RESETS */
	const char *b = H "1 0 R bar0 0x0 4 0x56465531 IDENT\n"
			  "2 0 W bar0 0x4 4 0x00000001\n"
			  "3 1 MARK factorial\n"
			  "4 2 W bar0 0x30 4 0x00000005 FACT\n"
			  "5 4 R bar0 0x34 4 0x00000000 STATUS\n"
			  "6 6 R bar0 0x38 8 0x0000000000000078 FACT_RESULT\n"
			  "7 5 IRQ msi 0 1\n"
			  "8 7 MARK dma\n"
			  "9 8 MAP src 0x1000 4096\n"
			  "10 9 BUFW src 0x0 00112233\n"
			  "11 10 W bar0 0x80 8 0x0000000000001000\n"
			  "12 11 W bar0 0x98 8 0x0000000000000001\n"
			  "13 12 DMAR src 0x0 4\n"
			  "14 14 UNMAP src\n";

	CU_ASSERT_EQUAL(diff(base, b, NULL, &report), 1);
	expect_in(report, "+ 3: W bar0 0x4 4 0x00000001\n");
	expect_in(report, "- 15: R bar0 0x8 4 0x00000007 RESETS\n");
	/* the interrupt came after the result read in B: still a match */
	CU_ASSERT_PTR_NULL(strstr(report, "IRQ msi 0 1\n+"));
	expect_in(report, "13 matched, 2 differ, 1 polls differ\n");
	free(report);
}

static void test_errors_and_lost(void)
{
	char *b = edit("14 ", "14 13 R bar0 0x8 4 ERR EIO"), *report;
	char *c = edit("14 ", "14 13 LOST 3");

	CU_ASSERT_EQUAL(diff(base, b, NULL, &report), 1);
	expect_in(report, "+ 15: R bar0 0x8 4 ERR EIO\n");
	free(report);
	CU_ASSERT_EQUAL(diff(base, c, NULL, &report), 1);
	expect_in(report, "! 15: LOST 3\n!   the second trace lost lines here\n");
	expect_in(report, "- 15: R bar0 0x8 4 0x00000007 RESETS\n");
	free(report);
	g_free(b);
	g_free(c);
}

static CU_TestInfo tests[] = {
	{ "the same trace: 0, nothing but the summary", test_same },
	{ "a read value differs: a hunk under its MARK", test_value_differs },
	{ "a poll count differs: reported, not a mismatch", test_poll_count },
	{ "IOVAs compared by buffer and offset", test_iova },
	{ "buffers named differently are paired by their MAP lines", test_buffer_names },
	{ "--ignore and --mask", test_ignore_and_mask },
	{ "an item only one side has; an interrupt elsewhere", test_extra_and_missing },
	{ "failed accesses and lost lines differ", test_errors_and_lost },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_trace_trace_diff_suite) = { .pName = "trace diff", .pTests = tests };
