#define G_LOG_DOMAIN "sysfs"
#include "vfio/kernel/sysfs.h"
#include "vfio/error.h"
#include "vfio/pci_addr.h"

#include <stdlib.h>
#include <string.h>

const char *vfio_sysfs_root = "/sys";

static char *device_path(const char *pci_addr, const char *leaf)
{
	return g_build_filename(vfio_sysfs_root, "bus/pci/devices", pci_addr, leaf, NULL);
}

/* Last component of the symlink at path, or NULL. */
static char *link_basename(const char *path)
{
	g_autofree char *target = g_file_read_link(path, NULL);

	return target ? g_path_get_basename(target) : NULL;
}

char *vfio_sysfs_driver(const char *pci_addr)
{
	g_autofree char *path = device_path(pci_addr, "driver");

	return link_basename(path);
}

int vfio_sysfs_iommu_group(const char *pci_addr, GError **err)
{
	g_autofree char *path = device_path(pci_addr, "iommu_group");
	g_autofree char *group = link_basename(path);
	char *end;
	long num;

	if (!group) {
		vfio_set_error(err, ENODEV,
			       "%s has no IOMMU group: the IOMMU is off; boot with intel_iommu=on "
			       "(or amd_iommu=on) and enable VT-d/AMD-Vi in the firmware",
			       pci_addr);
		return -1;
	}
	num = strtol(group, &end, 10);
	if (*end || num < 0) {
		vfio_set_error(err, EIO, "%s: unexpected IOMMU group name '%s'", pci_addr, group);
		return -1;
	}
	return (int)num;
}

gboolean vfio_sysfs_check_bound(const char *pci_addr, GError **err)
{
	g_autofree char *dir = device_path(pci_addr, NULL);
	g_autofree char *driver = NULL;

	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		vfio_set_error(err, ENODEV, "%s: no such PCI device (see lspci -D)", pci_addr);
		return FALSE;
	}
	driver = vfio_sysfs_driver(pci_addr);
	if (driver && strcmp(driver, "vfio-pci") == 0)
		return TRUE;
	/* vfio-pci refuses a device without an IOMMU group: say what is really missing. */
	if (vfio_sysfs_iommu_group(pci_addr, err) < 0)
		return FALSE;
	if (driver)
		vfio_set_error(err, ENODEV,
			       "%s is bound to %s, not vfio-pci; to hand it over: "
			       "modprobe vfio-pci; echo vfio-pci > /sys/bus/pci/devices/%s/driver_override; "
			       "echo %s > /sys/bus/pci/devices/%s/driver/unbind; "
			       "echo %s > /sys/bus/pci/drivers_probe",
			       pci_addr, driver, pci_addr, pci_addr, pci_addr, pci_addr);
	else
		vfio_set_error(err, ENODEV,
			       "%s is not bound to vfio-pci (no driver); to bind it: "
			       "modprobe vfio-pci; echo vfio-pci > /sys/bus/pci/devices/%s/driver_override; "
			       "echo %s > /sys/bus/pci/drivers_probe",
			       pci_addr, pci_addr, pci_addr);
	return FALSE;
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the entries of dir that are canonical PCI addresses. */
static GPtrArray *list_pci_addrs(const char *dir)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d)))
		if (vfio_pci_addr_is_canonical(name))
			g_ptr_array_add(out, g_strdup(name));
	g_ptr_array_sort(out, compare_strings);
	return out;
}

GPtrArray *vfio_sysfs_vfio_pci_devices(void)
{
	g_autofree char *dir = g_build_filename(vfio_sysfs_root, "bus/pci/drivers/vfio-pci", NULL);

	return list_pci_addrs(dir);
}

GPtrArray *vfio_sysfs_group_devices(int group)
{
	g_autofree char *num = g_strdup_printf("%d", group);
	g_autofree char *dir = g_build_filename(vfio_sysfs_root, "kernel/iommu_groups", num,
						"devices", NULL);

	return list_pci_addrs(dir);
}

char *vfio_sysfs_group_blockers(int group)
{
	g_autoptr(GPtrArray) members = vfio_sysfs_group_devices(group);
	g_autoptr(GString) s = g_string_new(NULL);

	for (guint i = 0; i < members->len; i++) {
		const char *addr = members->pdata[i];
		g_autofree char *driver = vfio_sysfs_driver(addr);

		/* The kernel lets bridges (pcieport) and pci-stub stay in a viable group. */
		if (driver && strcmp(driver, "vfio-pci") != 0 && strcmp(driver, "pcieport") != 0 &&
		    strcmp(driver, "pci-stub") != 0)
			g_string_append_printf(s, "%s%s is bound to %s", s->len ? ", " : "", addr, driver);
	}
	return s->len ? g_strdup(s->str) : NULL;
}
