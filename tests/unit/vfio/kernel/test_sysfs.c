/* Discovery and the binding messages, against a fake sysfs tree in a temporary directory. */
#include "suites.h"
#include "vfio/error.h"
#include "vfio/kernel/sysfs.h"

#include <glib/gstdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *root;
static bool fixture_broken;

static void make_dir(const char *rel)
{
	g_autofree char *p = g_build_filename(root, rel, NULL);

	g_mkdir_with_parents(p, 0755);
}

static void make_link(const char *target_rel, const char *link_rel)
{
	g_autofree char *t = g_build_filename(root, target_rel, NULL);
	g_autofree char *l = g_build_filename(root, link_rel, NULL);

	if (symlink(t, l) != 0)
		fixture_broken = true;
}

/* dev (at addr) joins dir, a group or a driver: links dev/link_name to dir, members/addr to dev. */
static void join(const char *dev, const char *addr, const char *dir, const char *members,
		 const char *link_name)
{
	g_autofree char *link = g_strdup_printf("%s/%s", dev, link_name);
	g_autofree char *member = g_strdup_printf("%s/%s", members, addr);

	make_dir(members);
	make_link(dir, link);
	make_link(dev, member);
}

/* addr in group, bound to driver (NULL: none). */
static void add_device(const char *addr, int group, const char *driver)
{
	g_autofree char *dev = g_strdup_printf("devices/pci0000:00/%s", addr);
	g_autofree char *link = g_strdup_printf("bus/pci/devices/%s", addr);

	make_dir(dev);
	make_link(dev, link);
	if (group >= 0) {
		g_autofree char *gdir = g_strdup_printf("kernel/iommu_groups/%d", group);
		g_autofree char *members = g_strdup_printf("%s/devices", gdir);

		join(dev, addr, gdir, members, "iommu_group");
	}
	if (driver) {
		g_autofree char *ddir = g_strdup_printf("bus/pci/drivers/%s", driver);

		join(dev, addr, ddir, ddir, "driver");
	}
}

static int setup(void)
{
	root = g_dir_make_tmp("vfiofs-sysfs-XXXXXX", NULL);
	if (!root)
		return 1;
	make_dir("bus/pci/devices");
	make_dir("bus/pci/drivers");
	add_device("0000:00:04.0", 8, "vfio-pci");
	add_device("0000:00:03.0", 7, "vfio-pci");
	add_device("0000:00:05.0", 9, NULL);
	add_device("0000:00:06.0", 10, "nvme");
	add_device("0000:00:07.0", -1, "vfio-pci");
	add_device("0000:00:08.0", 10, "vfio-pci");
	add_device("0000:00:0a.0", -1, NULL);
	vfio_sysfs_root = root;
	return fixture_broken ? 1 : 0;
}

static int teardown(void)
{
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", root);

	vfio_sysfs_root = "/sys";
	g_free(root);
	return system(cmd) == 0 ? 0 : 1;
}

static void test_discovers_vfio_pci_devices_sorted(void)
{
	g_autoptr(GPtrArray) found = vfio_sysfs_vfio_pci_devices();

	CU_ASSERT_EQUAL_FATAL(found->len, 4);
	CU_ASSERT_STRING_EQUAL(found->pdata[0], "0000:00:03.0");
	CU_ASSERT_STRING_EQUAL(found->pdata[1], "0000:00:04.0");
	CU_ASSERT_STRING_EQUAL(found->pdata[2], "0000:00:07.0");
	CU_ASSERT_STRING_EQUAL(found->pdata[3], "0000:00:08.0");
}

static void test_group_and_driver(void)
{
	g_autofree char *drv = vfio_sysfs_driver("0000:00:06.0");
	g_autoptr(GPtrArray) members = vfio_sysfs_group_devices(10);

	CU_ASSERT_EQUAL(vfio_sysfs_iommu_group("0000:00:03.0", NULL), 7);
	CU_ASSERT_STRING_EQUAL(drv, "nvme");
	CU_ASSERT_PTR_NULL(vfio_sysfs_driver("0000:00:05.0"));
	CU_ASSERT_EQUAL(members->len, 2);
}

static void check_refusal(const char *addr, int errnum, const char *fragment)
{
	GError *err = NULL;

	CU_ASSERT_FALSE(vfio_sysfs_check_bound(addr, &err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	CU_ASSERT_EQUAL(vfio_error_errno(err), errnum);
	if (!strstr(err->message, fragment))
		fprintf(stderr, "\n'%s' lacks '%s'\n", err->message, fragment);
	CU_ASSERT_PTR_NOT_NULL(strstr(err->message, fragment));
	CU_ASSERT_PTR_NOT_NULL(strstr(err->message, addr));
	g_error_free(err);
}

static void test_messages_name_device_and_fix(void)
{
	GError *err = NULL;

	CU_ASSERT_TRUE(vfio_sysfs_check_bound("0000:00:03.0", NULL));
	check_refusal("0000:00:06.0", ENODEV, "bound to nvme");
	check_refusal("0000:00:06.0", ENODEV, "driver_override");
	check_refusal("0000:00:05.0", ENODEV, "drivers_probe");
	check_refusal("0000:00:09.0", ENODEV, "no such PCI device");
	/* Without an IOMMU group vfio-pci cannot bind it: the IOMMU is what to fix. */
	check_refusal("0000:00:0a.0", ENODEV, "intel_iommu=on");
	CU_ASSERT_EQUAL(vfio_sysfs_iommu_group("0000:00:07.0", &err), -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "intel_iommu=on"));
	g_error_free(err);
}

static CU_TestInfo tests[] = {
	{ "discovers vfio-pci devices, sorted", test_discovers_vfio_pci_devices_sorted },
	{ "IOMMU group and driver", test_group_and_driver },
	{ "refusals name the device and the fix", test_messages_name_device_and_fix },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_vfio_sysfs_suite) = {
	.pName = "sysfs discovery", .pInitFunc = setup, .pCleanupFunc = teardown, .pTests = tests,
};
