/*
 * Which backend serves a PCI address under -o iommu=, and what auto picks,
 * against a fake /dev in a temporary directory.
 */
#include "suites.h"
#include "vfio/backend.h"
#include "vfio/kernel/iommufd.h"
#include "vfio/kernel/type1.h"
#include "vfio/user/user.h"

#include <glib/gstdio.h>
#include <stdbool.h>

static char *root;

static int index_of(const struct vfio_backend_ops *ops)
{
	for (unsigned i = 0; i < vfio_backend_count; i++)
		if (vfio_backends[i] == ops)
			return (int)i;
	return -1;
}

/* A fake /dev holding what the names say (NULL ends them). */
static void fake_dev(const char *first, ...)
{
	va_list ap;

	if (root) {
		g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", root);

		(void)!system(cmd);
		g_free(root);
	}
	root = g_dir_make_tmp("vfiofs-dev-XXXXXX", NULL);
	va_start(ap, first);
	for (const char *rel = first; rel; rel = va_arg(ap, const char *)) {
		g_autofree char *path = g_build_filename(root, rel, NULL);
		g_autofree char *dir = g_path_get_dirname(path);

		g_mkdir_with_parents(dir, 0755);
		g_file_set_contents(path, "", 0, NULL);
	}
	va_end(ap);
	vfio_iommufd_dev_root = root;
}

static void test_auto_picks(void)
{
	fake_dev("vfio/vfio", "iommu", NULL);
	CU_ASSERT_FALSE(vfio_iommufd_auto_picks());  /* both: type1, which never fails where it worked */
	fake_dev("iommu", "vfio/devices/vfio0", NULL);
	CU_ASSERT_TRUE(vfio_iommufd_auto_picks());   /* the container interface is gone */
	fake_dev("vfio/vfio", NULL);
	CU_ASSERT_FALSE(vfio_iommufd_auto_picks());
	fake_dev("vfio/devices/vfio0", NULL);
	CU_ASSERT_FALSE(vfio_iommufd_auto_picks());  /* no iommufd: type1's advice (load vfio-pci) */
	fake_dev("iommu", NULL);
	CU_ASSERT_FALSE(vfio_iommufd_auto_picks());  /* no VFIO at all: the same advice */
}

static void test_explicit_choice(void)
{
	struct vfio_container_options fd = { .iommu = VFIO_IOMMU_IOMMUFD };
	struct vfio_container_options t1 = { .iommu = VFIO_IOMMU_TYPE1 };

	CU_ASSERT_EQUAL(vfio_backend_for(&fd, "0000:00:03.0"), index_of(&vfio_iommufd_backend));
	CU_ASSERT_EQUAL(vfio_backend_for(&t1, "0000:00:03.0"), index_of(&vfio_type1_backend));
	/* A typo still goes to a kernel backend, whose PCI address parser explains it. */
	CU_ASSERT_EQUAL(vfio_backend_for(&fd, "00:3g.0"), index_of(&vfio_iommufd_backend));
	CU_ASSERT_EQUAL(vfio_backend_for(&t1, "00:3g.0"), index_of(&vfio_type1_backend));
	/* vfio-user sockets are never a kernel backend's. */
	CU_ASSERT_EQUAL(vfio_backend_for(&fd, "/run/x.sock"), index_of(&vfio_user_backend));
	CU_ASSERT_EQUAL(vfio_backend_for(&t1, "/run/x.sock"), index_of(&vfio_user_backend));
}

/* auto is decided once: a mount's kernel devices all go the same way, whatever /dev does later. */
static void test_auto_is_decided_once(void)
{
	struct vfio_container_options o = { .iommu = VFIO_IOMMU_AUTO };
	int first, again;

	fake_dev("iommu", "vfio/devices/vfio0", NULL);
	first = vfio_backend_for(&o, "0000:00:03.0");
	CU_ASSERT_TRUE(first == index_of(&vfio_iommufd_backend) || first == index_of(&vfio_type1_backend));
	if (first == index_of(&vfio_iommufd_backend))
		fake_dev("vfio/vfio", NULL);
	else
		fake_dev("iommu", "vfio/devices/vfio0", NULL);
	again = vfio_backend_for(&o, "0000:00:04.0");
	CU_ASSERT_EQUAL(again, first);
	CU_ASSERT_EQUAL(vfio_backend_for(&o, "/run/x.sock"), index_of(&vfio_user_backend));
}

static int clean_up(void)
{
	if (root) {
		g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", root);

		(void)!system(cmd);
		g_clear_pointer(&root, g_free);
	}
	vfio_iommufd_dev_root = "/dev";
	return 0;
}

static CU_TestInfo tests[] = {
	{ "auto picks iommufd only where /dev/vfio/vfio is gone and iommufd is there", test_auto_picks },
	{ "iommu=iommufd and iommu=type1 choose the backend of PCI addresses", test_explicit_choice },
	{ "auto is decided once per process", test_auto_is_decided_once },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_vfio_iommufd_suite) = {
	.pName = "iommufd backend choice", .pCleanupFunc = clean_up, .pTests = tests,
};
