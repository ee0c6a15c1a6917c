#include "suites.h"
#include "vfio/error.h"
#include "vfio/iova.h"

#define K 0x1000ULL
#define M 0x100000ULL

static struct vfio_iova_allocator *with_ranges(uint64_t max)
{
	/* As on x86: a hole for the MSI window at 0xfee00000. */
	static const struct vfio_iova_span ranges[] = { { 0, 0xfedfffff }, { 0xfef00000, 0x7fffffffff } };
	struct vfio_iova_allocator *a = vfio_iova_allocator_new(max);

	vfio_iova_set_ranges(a, ranges, 2);
	return a;
}

static uint64_t alloc_ok(struct vfio_iova_allocator *a, uint64_t size, uint64_t align)
{
	uint64_t iova = ~0ULL;
	GError *err = NULL;

	CU_ASSERT_TRUE(vfio_iova_alloc(a, size, align, &iova, &err));
	CU_ASSERT_PTR_NULL(err);
	g_clear_error(&err);
	return iova;
}

static int alloc_errno(struct vfio_iova_allocator *a, uint64_t size, uint64_t align)
{
	uint64_t iova;
	GError *err = NULL;
	int e;

	if (vfio_iova_alloc(a, size, align, &iova, &err))
		return 0;
	e = vfio_error_errno(err);
	g_error_free(err);
	return e;
}

static int reserve_errno(struct vfio_iova_allocator *a, uint64_t iova, uint64_t size)
{
	GError *err = NULL;
	int e;

	if (vfio_iova_reserve(a, iova, size, &err))
		return 0;
	e = vfio_error_errno(err);
	g_error_free(err);
	return e;
}

static void test_lowest_first_and_aligned(void)
{
	struct vfio_iova_allocator *a = with_ranges(UINT64_MAX);

	CU_ASSERT_EQUAL(alloc_ok(a, K, K), 0x1000);        /* never 0 unless asked */
	CU_ASSERT_EQUAL(alloc_ok(a, 3 * K, K), 0x2000);
	CU_ASSERT_EQUAL(alloc_ok(a, 2 * M, 2 * M), 0x200000);
	CU_ASSERT_EQUAL(alloc_ok(a, K, K), 0x5000);        /* the gap before 2 MiB is used */
	vfio_iova_allocator_free(a);
}

static void test_freed_ranges_are_reused(void)
{
	struct vfio_iova_allocator *a = with_ranges(UINT64_MAX);
	uint64_t x = alloc_ok(a, 4 * K, K), y = alloc_ok(a, 4 * K, K);

	CU_ASSERT_EQUAL(y, x + 4 * K);
	vfio_iova_release(a, x);
	CU_ASSERT_EQUAL(alloc_ok(a, 2 * K, K), x);
	CU_ASSERT_EQUAL(alloc_ok(a, 2 * K, K), x + 2 * K);
	CU_ASSERT_EQUAL(alloc_ok(a, K, K), y + 4 * K);
	vfio_iova_allocator_free(a);
}

static void test_ceiling_and_exhaustion(void)
{
	/* edu's 28-bit DMA mask */
	struct vfio_iova_allocator *a = with_ranges(0xfffffff);
	uint64_t big = alloc_ok(a, 0x8000000, 0x8000000);

	CU_ASSERT_EQUAL(big, 0x8000000);
	CU_ASSERT_EQUAL(alloc_errno(a, 0x8000000, K), ENOSPC);
	CU_ASSERT(alloc_ok(a, 0x4000000, K) + 0x4000000 - 1 <= 0xfffffff);
	CU_ASSERT_EQUAL(alloc_errno(a, 0x4000000, K), ENOSPC);
	vfio_iova_allocator_free(a);
}

static void test_skips_reserved_holes(void)
{
	struct vfio_iova_allocator *a = with_ranges(UINT64_MAX);

	CU_ASSERT_EQUAL(reserve_errno(a, 0x1000, 0xfedff000 - 0x1000), 0);
	/* 2 MiB no longer fits below the MSI window: it goes above it. */
	CU_ASSERT_EQUAL(alloc_ok(a, 2 * M, 2 * M), 0xff000000);
	vfio_iova_allocator_free(a);
}

static void test_fixed_requests(void)
{
	struct vfio_iova_allocator *a = with_ranges(0xffffffff);
	GError *err = NULL;

	CU_ASSERT_EQUAL(reserve_errno(a, 0x100000, 2 * K), 0);
	CU_ASSERT_EQUAL(reserve_errno(a, 0x101000, K), EBUSY);     /* overlaps */
	CU_ASSERT_EQUAL(reserve_errno(a, 0x0ff000, 2 * K), EBUSY); /* overlaps the start */
	CU_ASSERT_EQUAL(reserve_errno(a, 0x0ff000, K), 0);         /* touches, does not overlap */
	CU_ASSERT_EQUAL(reserve_errno(a, 0xfee00000, K), EINVAL);  /* MSI window */
	CU_ASSERT_EQUAL(reserve_errno(a, 0xfffff000, 2 * K), EINVAL); /* above iova_max */
	CU_ASSERT_EQUAL(reserve_errno(a, 0, K), 0);                /* 0 on request */
	CU_ASSERT_FALSE(vfio_iova_check(a, 0x100800, K, &err));
	CU_ASSERT_EQUAL(vfio_error_errno(err), EBUSY);
	g_clear_error(&err);
	/* The allocator works around fixed ranges. */
	CU_ASSERT_EQUAL(alloc_ok(a, K, K), 0x1000);
	vfio_iova_allocator_free(a);
}

static void test_never_overlaps(void)
{
	struct vfio_iova_allocator *a = with_ranges(0x3ffffff);
	uint64_t starts[64], sizes[64];
	unsigned n = 0;

	for (unsigned i = 0; i < 64; i++) {
		uint64_t size = ((i * 7919) % 13 + 1) * K, align = (i % 3 == 0) ? 64 * K : K, iova;

		if (vfio_iova_alloc(a, size, align, &iova, NULL)) {
			CU_ASSERT_EQUAL(iova % align, 0);
			starts[n] = iova;
			sizes[n++] = size;
		}
		if (i % 5 == 4 && n) {  /* free one now and then */
			vfio_iova_release(a, starts[0]);
			starts[0] = starts[--n];
			sizes[0] = sizes[n];
		}
	}
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			CU_ASSERT(starts[i] + sizes[i] <= starts[j] || starts[j] + sizes[j] <= starts[i]);
	vfio_iova_allocator_free(a);
}

static void test_parse(void)
{
	uint64_t v;

	CU_ASSERT_TRUE(vfio_iova_parse("0x800000", &v) && v == 0x800000);
	CU_ASSERT_TRUE(vfio_iova_parse("0XfffFFFF", &v) && v == 0xfffffff);
	CU_ASSERT_TRUE(vfio_iova_parse("4096", &v) && v == 4096);
	CU_ASSERT_TRUE(vfio_iova_parse("010", &v) && v == 10);  /* decimal, not octal */
	CU_ASSERT_TRUE(vfio_iova_parse("0", &v) && v == 0);
	CU_ASSERT_FALSE(vfio_iova_parse("", &v));
	CU_ASSERT_FALSE(vfio_iova_parse("0x", &v));
	CU_ASSERT_FALSE(vfio_iova_parse("-4096", &v));
	CU_ASSERT_FALSE(vfio_iova_parse("12abc", &v));
	CU_ASSERT_FALSE(vfio_iova_parse("0x1g", &v));
	CU_ASSERT_FALSE(vfio_iova_parse(" 4096", &v));
	CU_ASSERT_FALSE(vfio_iova_parse("0x10000000000000000", &v));  /* over 64 bits */
	CU_ASSERT_FALSE(vfio_iova_parse("\x80\x00", &v));          /* what an unquoted setfattr sends */
}

static CU_TestInfo tests[] = {
	{ "lowest free range, aligned, never 0", test_lowest_first_and_aligned },
	{ "freed ranges are reused", test_freed_ranges_are_reused },
	{ "iova_max ceiling and exhaustion (ENOSPC)", test_ceiling_and_exhaustion },
	{ "holes between valid ranges are skipped", test_skips_reserved_holes },
	{ "fixed requests: EBUSY, EINVAL, 0 on request", test_fixed_requests },
	{ "no two ranges ever overlap", test_never_overlaps },
	{ "addresses: hex with 0x or decimal", test_parse },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_vfio_iova_suite) = { .pName = "IOVA allocator", .pTests = tests };
