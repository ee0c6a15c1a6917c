/* trace/trace_iova.c: values inside a recorded buffer become the same place in it now. */
#include "suites.h"
#include "trace/trace_iova.h"

#include <string.h>

static void test_rewrite(void)
{
	struct trace_iova_map *m = trace_iova_map_new();
	const char *name = NULL;
	uint64_t off = 0;

	trace_iova_map_add(m, "src", 0x1000, 0x1000);
	trace_iova_map_add(m, "dst", 0x2000, 0x800);
	trace_iova_map_set_now(m, "src", 0x5000);
	trace_iova_map_set_now(m, "dst", 0x100000000ULL);

	CU_ASSERT_EQUAL(trace_iova_rewrite(m, 0x1000, 8), 0x5000);
	CU_ASSERT_EQUAL(trace_iova_rewrite(m, 0x1fff, 8), 0x5fff);
	CU_ASSERT_EQUAL(trace_iova_rewrite(m, 0x1010, 4), 0x5010);
	CU_ASSERT_EQUAL(trace_iova_rewrite(m, 0x2000 + 0x7ff, 8), 0x1000007ffULL);
	/* outside every buffer, or narrower than 4 bytes: as recorded */
	CU_ASSERT_EQUAL(trace_iova_rewrite(m, 0x2800, 8), 0x2800);
	CU_ASSERT_EQUAL(trace_iova_rewrite(m, 0xfff, 8), 0xfff);
	CU_ASSERT_EQUAL(trace_iova_rewrite(m, 0x1010, 2), 0x1010);
	CU_ASSERT_EQUAL(trace_iova_rewrite(m, 5, 4), 5);
	/* a 4-byte value cannot hold a buffer that is now above 4 GiB */
	CU_ASSERT_EQUAL(trace_iova_rewrite(m, 0x2004, 4), 0x2004);

	CU_ASSERT_TRUE(trace_iova_locate(m, 0x2004, 8, &name, &off));
	CU_ASSERT_STRING_EQUAL(name, "dst");
	CU_ASSERT_EQUAL(off, 4);
	CU_ASSERT_FALSE(trace_iova_locate(m, 0x2004, 1, &name, &off));

	/* a buffer without an IOVA now is left alone; an unmapped one no longer matches */
	trace_iova_map_add(m, "late", 0x9000, 0x1000);
	CU_ASSERT_EQUAL(trace_iova_rewrite(m, 0x9000, 8), 0x9000);
	trace_iova_map_remove(m, "src");
	CU_ASSERT_EQUAL(trace_iova_rewrite(m, 0x1000, 8), 0x1000);
	trace_iova_map_free(m);
}


/* LE64(v) into p at i. */
static void put64(guint8 *p, size_t i, uint64_t v)
{
	uint64_t le = GUINT64_TO_LE(v);

	memcpy(p + i, &le, sizeof(le));
}

static uint64_t get64(GBytes *b, size_t i)
{
	uint64_t le;

	memcpy(&le, (const guint8 *)g_bytes_get_data(b, NULL) + i, sizeof(le));
	return GUINT64_FROM_LE(le);
}

static void test_rewrite_bytes(void)
{
	struct trace_iova_map *m = trace_iova_map_new();
	guint8 ring[32] = { 0 };
	GBytes *in, *out;

	trace_iova_map_add(m, "src", 0x7000000, 0x1000);
	trace_iova_map_add(m, "ring", 0x8000000, 0x1000);
	put64(ring, 0, 0x7000010);     /* an address in src */
	put64(ring, 8, 0x10);          /* a length: inside no buffer */
	put64(ring, 16, 0x7000fff);    /* the last byte of src */
	put64(ring, 24, 0x7001000);    /* just past src */
	in = g_bytes_new(ring, sizeof(ring));

	/* Every buffer where it was recorded: nothing is touched. */
	trace_iova_map_set_now(m, "src", 0x7000000);
	trace_iova_map_set_now(m, "ring", 0x8000000);
	CU_ASSERT_PTR_NULL(trace_iova_rewrite_bytes(m, in, 0));

	/* src elsewhere now: its addresses follow it, the rest stays. */
	trace_iova_map_set_now(m, "src", 0x3000);
	out = trace_iova_rewrite_bytes(m, in, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(g_bytes_get_size(out), sizeof(ring));
	CU_ASSERT_EQUAL(get64(out, 0), 0x3010);
	CU_ASSERT_EQUAL(get64(out, 8), 0x10);
	CU_ASSERT_EQUAL(get64(out, 16), 0x3fff);
	CU_ASSERT_EQUAL(get64(out, 24), 0x7001000);
	g_bytes_unref(out);

	/* Written at offset 4 of the buffer: the word at buffer offset 8 is
	 * bytes 4 to 11 of the data; at offset 0 the same bytes are no word. */
	{
		guint8 d[12] = { 0xaa, 0xbb, 0xcc, 0xdd };
		GBytes *odd;

		put64(d, 4, 0x7000020);
		odd = g_bytes_new(d, sizeof(d));
		out = trace_iova_rewrite_bytes(m, odd, 4);
		CU_ASSERT_PTR_NOT_NULL_FATAL(out);
		CU_ASSERT_EQUAL(get64(out, 4), 0x3020);
		CU_ASSERT_EQUAL(memcmp(g_bytes_get_data(out, NULL), d, 4), 0);
		g_bytes_unref(out);
		CU_ASSERT_PTR_NULL(trace_iova_rewrite_bytes(m, odd, 0));
		g_bytes_unref(odd);
	}

	/* Fewer than 8 bytes, or none: nothing to rewrite. */
	g_bytes_unref(in);
	in = g_bytes_new(ring, 7);
	CU_ASSERT_PTR_NULL(trace_iova_rewrite_bytes(m, in, 0));
	g_bytes_unref(in);
	CU_ASSERT_PTR_NULL(trace_iova_rewrite_bytes(m, NULL, 0));
	trace_iova_map_free(m);
}

static CU_TestInfo tests[] = {
	{ "IOVAs rewritten by buffer name", test_rewrite },
	{ "addresses in bytes written to a buffer follow a moved buffer", test_rewrite_bytes },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_trace_trace_iova_suite) = { .pName = "trace IOVA rewriting", .pTests = tests };
