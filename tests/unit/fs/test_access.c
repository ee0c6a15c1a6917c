/* The one permission rule and the modes umask= gives (fs/access.c). */
#include "suites.h"
#include "fs/access.h"

#include <unistd.h>

static const struct vfiofs_config lab = { .uid = 1000, .gid = 500, .own_modes = true, .umask = 007 };

static bool in_500(void *ctx, gid_t gid)
{
	(void)ctx;
	return gid == 500;
}

static void test_the_rule_is_the_kernels(void)
{
	/* owner, group (primary or supplementary), others, root */
	CU_ASSERT_TRUE(fs_access_allowed(&lab, 1000, 1000, NULL, NULL, 0640, R_OK | W_OK));
	CU_ASSERT_TRUE(fs_access_allowed(&lab, 2000, 500, NULL, NULL, 0640, R_OK));
	CU_ASSERT_FALSE(fs_access_allowed(&lab, 2000, 500, NULL, NULL, 0640, W_OK));
	CU_ASSERT_TRUE(fs_access_allowed(&lab, 2000, 2000, in_500, NULL, 0640, R_OK));
	CU_ASSERT_FALSE(fs_access_allowed(&lab, 2000, 2000, NULL, NULL, 0640, R_OK));
	CU_ASSERT_TRUE(fs_access_allowed(&lab, 0, 0, NULL, NULL, 0000, R_OK | W_OK));
	/* the owner's bits are the owner's even where others' say more, as for any file */
	CU_ASSERT_FALSE(fs_access_allowed(&lab, 1000, 1000, NULL, NULL, 0066, R_OK));
	CU_ASSERT_TRUE(fs_access_allowed(&lab, 3000, 3000, NULL, NULL, 0006, R_OK | W_OK));
}

static void test_umask_gives_every_class_what_the_file_supports(void)
{
	const struct vfiofs_config plain = { .uid = 1000, .gid = 1000 };

	CU_ASSERT_EQUAL(fs_access_mode(&lab, S_IFREG | 0600), S_IFREG | 0660);  /* bar0, irq */
	CU_ASSERT_EQUAL(fs_access_mode(&lab, S_IFREG | 0444), S_IFREG | 0440);  /* info */
	CU_ASSERT_EQUAL(fs_access_mode(&lab, S_IFREG | 0200), S_IFREG | 0220);  /* reset */
	CU_ASSERT_EQUAL(fs_access_mode(&lab, S_IFDIR | 0755), S_IFDIR | 0770);
	CU_ASSERT_EQUAL(fs_access_mode(&plain, S_IFREG | 0600), S_IFREG | 0600);  /* no umask=: as it was */
	CU_ASSERT_EQUAL(fs_access_mode(&plain, S_IFDIR | 0755), S_IFDIR | 0755);
}

static CU_TestInfo tests[] = {
	{ "one rule: the kernel's, for the mount's owner and group", test_the_rule_is_the_kernels },
	{ "umask= gives every class what the file supports", test_umask_gives_every_class_what_the_file_supports },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_fs_access_suite) = { .pName = "permissions", .pTests = tests };
