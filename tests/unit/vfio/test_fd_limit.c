/*
 * The descriptor budget of buffers: a descriptor in the last
 * VFIO_FD_RESERVE below the soft limit is refused with ENOSPC naming
 * RLIMIT_NOFILE, as are EMFILE and ENFILE; other errors are the caller's.
 */
#include "suites.h"
#include "vfio/error.h"
#include "vfio/fd_limit.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>

static void test_reserve(void)
{
	struct rlimit was, low;
	GError *err = NULL;

	CU_ASSERT_EQUAL_FATAL(getrlimit(RLIMIT_NOFILE, &was), 0);
	low = (struct rlimit){ 200, was.rlim_max };
	CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_NOFILE, &low), 0);
	CU_ASSERT_TRUE(vfio_fd_limit_check(200 - VFIO_FD_RESERVE - 1, "b", &err));
	CU_ASSERT_PTR_NULL(err);
	CU_ASSERT_FALSE(vfio_fd_limit_check(200 - VFIO_FD_RESERVE, "b", &err));
	CU_ASSERT_EQUAL(vfio_error_errno(err), ENOSPC);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err->message, "RLIMIT_NOFILE 200"));
	g_clear_error(&err);
	CU_ASSERT_EQUAL(setrlimit(RLIMIT_NOFILE, &was), 0);
}

static void test_errors(void)
{
	GError *err = NULL;

	CU_ASSERT_TRUE(vfio_fd_limit_error(EMFILE, "b", &err));
	CU_ASSERT_EQUAL(vfio_error_errno(err), ENOSPC);
	g_clear_error(&err);
	CU_ASSERT_TRUE(vfio_fd_limit_error(ENFILE, "b", &err));
	CU_ASSERT_EQUAL(vfio_error_errno(err), ENOSPC);
	g_clear_error(&err);
	CU_ASSERT_FALSE(vfio_fd_limit_error(ENOMEM, "b", &err));
	CU_ASSERT_PTR_NULL(err);
}

static CU_TestInfo tests[] = {
	{ "the last descriptors are kept back", test_reserve },
	{ "out of descriptors is ENOSPC", test_errors },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_vfio_fd_limit_suite) = {
	.pName = "fd_limit: the descriptor budget of buffers", .pTests = tests,
};
