#include "suites.h"
#include "vfio/access_width.h"

#include <string.h>

/* The widths a request at addr of len bytes becomes, as a string like "4,2,1". */
static void plan(uint64_t addr, size_t len, char *out, size_t outlen)
{
	out[0] = '\0';
	while (len) {
		unsigned w = vfio_access_width(addr, len);
		char piece[8];

		snprintf(piece, sizeof(piece), "%s%u", out[0] ? "," : "", w);
		strncat(out, piece, outlen - strlen(out) - 1);
		addr += w;
		len -= w;
	}
}

static void check_plan(uint64_t addr, size_t len, const char *expected)
{
	char got[256];

	plan(addr, len, got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, expected);
}

static void test_aligned_requests_are_one_access(void)
{
	check_plan(0x0, 1, "1");
	check_plan(0x2, 2, "2");
	check_plan(0x4, 4, "4");
	check_plan(0x8, 8, "8");
	check_plan(0x80, 8, "8");
}

static void test_unaligned_requests_split_in_ascending_order(void)
{
	check_plan(0x1, 4, "1,2,1");
	check_plan(0x3, 8, "1,4,2,1");
	check_plan(0x2, 4, "2,2");
	check_plan(0x6, 4, "2,2");
	check_plan(0x4, 8, "4,4");
	check_plan(0x7, 1, "1");
}

static void test_large_requests_use_widest_accesses(void)
{
	check_plan(0x0, 16, "8,8");
	check_plan(0x0, 13, "8,4,1");
	check_plan(0x4, 16, "4,8,4");
	check_plan(0x1000 - 3, 7, "1,2,4");
}

static void test_width_never_exceeds_remaining_length(void)
{
	for (uint64_t addr = 0; addr < 32; addr++)
		for (size_t len = 1; len <= 24; len++) {
			unsigned w = vfio_access_width(addr, len);

			CU_ASSERT(w <= len);
			CU_ASSERT((addr & (w - 1)) == 0);
			CU_ASSERT(w == 1 || w == 2 || w == 4 || w == 8);
		}
}

static CU_TestInfo tests[] = {
	{ "aligned 1/2/4/8-byte requests are one access", test_aligned_requests_are_one_access },
	{ "unaligned requests split ascending", test_unaligned_requests_split_in_ascending_order },
	{ "large requests use the widest accesses", test_large_requests_use_widest_accesses },
	{ "width is aligned and within the request", test_width_never_exceeds_remaining_length },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_vfio_access_suite) = { .pName = "access splitting", .pTests = tests };
