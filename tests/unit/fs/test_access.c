#include "suites.h"
#include "fs/access.h"
#include "fs/handoff_wire.h"

#include <string.h>
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

void register_permission_suite(void)
{
	CU_pSuite s = CU_add_suite("permissions and the hand-off request", NULL, NULL);

	CU_add_test(s, "one rule: the kernel's, for the mount's owner and group", test_the_rule_is_the_kernels);
	CU_add_test(s, "umask= gives every class what the file supports", test_umask_gives_every_class_what_the_file_supports);
	CU_add_test(s, "request lines: \\ooo escapes, decimal or 0x numbers", test_request_lines);
}
