/*
 * The errno guard every transport's errors pass on their way to a reply:
 * an errno the kernel would refuse in a FUSE reply (0, negative, 512 and
 * above) becomes EIO with a log line; a sane one passes unchanged.
 */
#include "suites.h"
#include "vfio/error.h"

static unsigned warnings;

static void count_warning(const char *domain, GLogLevelFlags level, const char *msg, gpointer data)
{
	(void)domain, (void)level, (void)msg, (void)data;
	warnings++;
}

static void with_counter(void (*fn)(void))
{
	guint id = g_log_set_handler("error", G_LOG_LEVEL_WARNING, count_warning, NULL);

	warnings = 0;
	fn();
	g_log_remove_handler("error", id);
}

static void sane(void)
{
	static const long pass[] = { 1, EIO, ENODEV, EINVAL, ENOTTY, 133, 511 };
	static const long refuse[] = { 0, -1, -5, 512, 600, 4095, 4096, 100000, G_MAXINT, G_MINLONG };

	for (unsigned i = 0; i < G_N_ELEMENTS(pass); i++)
		CU_ASSERT_EQUAL(vfio_errno_sane(pass[i]), pass[i]);
	CU_ASSERT_EQUAL(warnings, 0);
	for (unsigned i = 0; i < G_N_ELEMENTS(refuse); i++)
		CU_ASSERT_EQUAL(vfio_errno_sane(refuse[i]), EIO);
	CU_ASSERT_EQUAL(warnings, G_N_ELEMENTS(refuse));
}

static void from_gerror(void)
{
	GError *e = NULL;

	vfio_set_error(&e, EBUSY, "busy");
	CU_ASSERT_EQUAL(vfio_error_errno(e), EBUSY);
	g_clear_error(&e);
	vfio_set_error(&e, 512, "a server's number");
	CU_ASSERT_EQUAL(vfio_error_errno(e), EIO);
	g_clear_error(&e);
	vfio_set_error(&e, 0, "no errno");
	CU_ASSERT_EQUAL(vfio_error_errno(e), EIO);
	g_clear_error(&e);
	CU_ASSERT_EQUAL(warnings, 2);
	g_set_error(&e, G_FILE_ERROR, G_FILE_ERROR_NOENT, "another domain");
	CU_ASSERT_EQUAL(vfio_error_errno(e), EIO);
	g_clear_error(&e);
	CU_ASSERT_EQUAL(vfio_error_errno(NULL), EIO);
}

static void test_sane(void) { with_counter(sane); }
static void test_from_gerror(void) { with_counter(from_gerror); }

static CU_TestInfo tests[] = {
	{ "errno range", test_sane },
	{ "GError to errno", test_from_gerror },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_vfio_error_suite) = { .pName = "errno guard", .pTests = tests };
