/* The hand-off socket's request lines (fs/handoff/handoff_wire.c). */
#include "suites.h"
#include "fs/handoff/handoff_wire.h"

static void expect_path(const char *line, const char *path, uint64_t number)
{
	struct fs_handoff_request r;
	const char *why = NULL;

	CU_ASSERT_TRUE_FATAL(fs_handoff_parse(line, &r, &why));
	CU_ASSERT_STRING_EQUAL(r.path, path);
	CU_ASSERT_EQUAL(r.number, number);
	g_free(r.path);
}

static void expect_refused(const char *line)
{
	struct fs_handoff_request r;
	const char *why = NULL;

	CU_ASSERT_FALSE(fs_handoff_parse(line, &r, &why));
	CU_ASSERT_PTR_NULL(r.path);
	CU_ASSERT_PTR_NOT_NULL(why);
}

static void test_request_lines(void)
{
	expect_path("map /m/dma/a\\040b", "/m/dma/a b", 0);
	expect_path("map /mnt/x\\012y\\134z 0x10", "/mnt/x\ny\\z", 16);
	expect_path("map dma/b 010", "dma/b", 10);
	expect_path("irq /m/d/irq 3", "/m/d/irq", 3);
	expect_refused("map /m/a -1");
	expect_refused("map /m/a +1");
	expect_refused("map /m/a 0x");
	expect_refused("map /m/a 18446744073709551616");
	expect_refused("map /m/a\\b");
	expect_refused("map /m/a\\000");
	expect_refused("map /m/a\\400");
	expect_refused("map /m/a 1 2");
	expect_refused("map  /m/a");
	expect_refused("irq /m/d/irq");
	expect_refused("irq /m/d/irq -0");
	expect_refused("unmap /m/a");
	expect_refused("");
}

static CU_TestInfo tests[] = {
	{ "request lines: \\ooo escapes, decimal or 0x numbers", test_request_lines },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_fs_handoff_wire_suite) = {
	.pName = "the hand-off request", .pTests = tests,
};
