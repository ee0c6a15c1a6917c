#include "suites.h"
#include "fs/irq/irq_command.h"
#include "vfio/error.h"

#include <linux/vfio.h>
#include <string.h>

static void check_cmd(const char *text, enum fs_irq_verb verb, enum fs_irq_mode mode, unsigned arg)
{
	struct fs_irq_command c = { .verb = 99, .arg = 99, .mode = 99 };
	GError *err = NULL;

	if (!fs_irq_command_parse(text, strlen(text), &c, &err))
		fprintf(stderr, "\n'%s' refused: %s\n", text, err->message);
	CU_ASSERT_PTR_NULL(err);
	CU_ASSERT_EQUAL(c.verb, verb);
	CU_ASSERT_EQUAL(c.mode, mode);
	CU_ASSERT_EQUAL(c.arg, arg);
	g_clear_error(&err);
}

static void check_bad(const char *text, size_t len)
{
	struct fs_irq_command c;
	GError *err = NULL;

	CU_ASSERT_FALSE(fs_irq_command_parse(text, len, &c, &err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	CU_ASSERT_EQUAL(vfio_error_errno(err), EINVAL);
	g_error_free(err);
}

static void test_commands(void)
{
	check_cmd("intx", FS_IRQ_CMD_SET, FS_IRQ_INTX, 0);
	check_cmd("intx\n", FS_IRQ_CMD_SET, FS_IRQ_INTX, 0);
	check_cmd("msi 1\n", FS_IRQ_CMD_SET, FS_IRQ_MSI, 1);
	check_cmd("msix 2048", FS_IRQ_CMD_SET, FS_IRQ_MSIX, 2048);
	check_cmd("off", FS_IRQ_CMD_OFF, FS_IRQ_OFF, 0);
	check_cmd("unmask\n", FS_IRQ_CMD_UNMASK, FS_IRQ_OFF, 0);
	check_cmd("trigger 0", FS_IRQ_CMD_TRIGGER, FS_IRQ_OFF, 0);
	check_cmd("trigger\t3", FS_IRQ_CMD_TRIGGER, FS_IRQ_OFF, 3);
	check_cmd("  msi 4  \n", FS_IRQ_CMD_SET, FS_IRQ_MSI, 4);
}

static void test_bad_commands(void)
{
	char longline[FS_IRQ_COMMAND_MAX + 2];

	check_bad("", 0);
	check_bad("\n", 1);
	check_bad("garbage", 7);
	check_bad("msi", 3);
	check_bad("msi x", 5);
	check_bad("msi -1", 6);
	check_bad("msi 1 2", 7);
	check_bad("msi  1", 6);
	check_bad("msi 99999999999", 15);
	check_bad("msi 4294967296", 14);
	check_bad("intx 1", 6);
	check_bad("off now", 7);
	check_bad("MSI 1", 5);
	check_bad("msi 1\nmsi 2\n", 12);
	check_bad("msi 1\0", 6);
	memset(longline, 'x', sizeof(longline));
	check_bad(longline, sizeof(longline));
}

static void test_format_events(void)
{
	uint64_t pending[4] = { 3, 0, 1, 0 };
	g_autoptr(GString) s = g_string_new(NULL);

	CU_ASSERT_EQUAL(fs_irq_format_events(s, FS_IRQ_MSIX, pending, 4, 4096), strlen("msix 0 3\nmsix 2 1\n"));
	CU_ASSERT_STRING_EQUAL(s->str, "msix 0 3\nmsix 2 1\n");
	CU_ASSERT_EQUAL(pending[0], 0);
	CU_ASSERT_EQUAL(pending[2], 0);
	g_string_truncate(s, 0);
	CU_ASSERT_EQUAL(fs_irq_format_events(s, FS_IRQ_MSIX, pending, 4, 4096), 0);
}

static void test_format_only_whole_lines(void)
{
	uint64_t pending[2] = { 1, 12 };
	g_autoptr(GString) s = g_string_new(NULL);

	/* "msi 0 1\n" is 8 bytes; "msi 1 12\n" would not fit in 12. */
	CU_ASSERT_EQUAL(fs_irq_format_events(s, FS_IRQ_MSI, pending, 2, 12), 8);
	CU_ASSERT_STRING_EQUAL(s->str, "msi 0 1\n");
	CU_ASSERT_EQUAL(pending[0], 0);
	CU_ASSERT_EQUAL(pending[1], 12);
	CU_ASSERT_EQUAL(fs_irq_format_events(s, FS_IRQ_MSI, pending, 2, 4), 0);
	CU_ASSERT_EQUAL(pending[1], 12);
}

static void test_mode_names(void)
{
	CU_ASSERT_STRING_EQUAL(fs_irq_mode_name(FS_IRQ_OFF), "off");
	CU_ASSERT_STRING_EQUAL(fs_irq_mode_name(FS_IRQ_INTX), "intx");
	CU_ASSERT_STRING_EQUAL(fs_irq_mode_name(FS_IRQ_MSI), "msi");
	CU_ASSERT_STRING_EQUAL(fs_irq_mode_name(FS_IRQ_MSIX), "msix");
}

static void test_modes_by_vfio_index(void)
{
	GError *err = NULL;
	struct fs_irq_command c;

	CU_ASSERT_EQUAL(fs_irq_mode_of_index(VFIO_PCI_INTX_IRQ_INDEX), FS_IRQ_INTX);
	CU_ASSERT_EQUAL(fs_irq_mode_of_index(VFIO_PCI_MSI_IRQ_INDEX), FS_IRQ_MSI);
	CU_ASSERT_EQUAL(fs_irq_mode_of_index(VFIO_PCI_MSIX_IRQ_INDEX), FS_IRQ_MSIX);
	CU_ASSERT_EQUAL(fs_irq_mode_of_index(VFIO_PCI_ERR_IRQ_INDEX), FS_IRQ_OFF);  /* no mode enables it */
	CU_ASSERT_FALSE(fs_irq_mode_info(FS_IRQ_INTX)->counted);
	CU_ASSERT_TRUE(fs_irq_mode_info(FS_IRQ_MSIX)->counted);
	/* The usage a refusal gives is made from the tables. */
	CU_ASSERT_FALSE(fs_irq_command_parse("nmi", 3, &c, &err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "commands: intx, msi N, msix N, off, unmask, trigger V"));
	g_clear_error(&err);
}

static CU_TestInfo tests[] = {
	{ "commands parse", test_commands },
	{ "bad commands are EINVAL", test_bad_commands },
	{ "event lines", test_format_events },
	{ "only whole lines fit", test_format_only_whole_lines },
	{ "mode names", test_mode_names },
	{ "modes by VFIO index, and the usage from the tables", test_modes_by_vfio_index },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_fs_irq_command_suite) = {
	.pName = "irq commands and events", .pTests = tests,
};
