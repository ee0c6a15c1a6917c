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

static CU_TestInfo tests[] = {
	{ "IOVAs rewritten by buffer name", test_rewrite },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_trace_trace_iova_suite) = { .pName = "trace IOVA rewriting", .pTests = tests };
