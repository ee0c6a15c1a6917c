/* fs_errno_of(): a vfio/ result as fs/ replies with it, never an errno the kernel refuses. */
#include "suites.h"
#include "fs/vfio_result.h"

static void test_errno_of(void)
{
	CU_ASSERT_EQUAL(fs_errno_of(0), 0);
	CU_ASSERT_EQUAL(fs_errno_of(4096), 0);           /* a count */
	CU_ASSERT_EQUAL(fs_errno_of(-EIO), EIO);
	CU_ASSERT_EQUAL(fs_errno_of(-ENODEV), ENODEV);
	CU_ASSERT_EQUAL(fs_errno_of(-511), 511);
	CU_ASSERT_EQUAL(fs_errno_of(-512), EIO);         /* the kernel would refuse it */
	CU_ASSERT_EQUAL(fs_errno_of(-600), EIO);
	CU_ASSERT_EQUAL(fs_errno_of(-100000), EIO);
	CU_ASSERT_EQUAL(fs_errno_of(G_MINSSIZE), EIO);
}

static CU_TestInfo tests[] = {
	{ "per-access result to errno", test_errno_of },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_fs_vfio_result_suite) = { .pName = "fs errno of a vfio result", .pTests = tests };
