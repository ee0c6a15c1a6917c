/* The container file (fs/container_text.c). */
#include "suites.h"
#include "assert_text.h"
#include "fs/text.h"
#include "vfio/container.h"

#include <string.h>

static struct vfio_container_info *container_info(const char *backend, const char *model,
						  uint64_t page_sizes)
{
	struct vfio_container_info *c = g_new0(struct vfio_container_info, 1);

	c->backend = backend;
	c->iommu_model = model;
	c->page_sizes = page_sizes;
	c->ranges = g_array_new(FALSE, FALSE, sizeof(struct vfio_iova_span));
	c->mappings = g_array_new(FALSE, FALSE, sizeof(struct vfio_container_mapping_info));
	c->devices = g_array_new(FALSE, FALSE, sizeof(struct vfio_container_device_info));
	c->spaces = g_ptr_array_new_with_free_func(g_free);
	return c;
}

static void add_device(struct vfio_container_info *c, const char *name, int group, const char *transport)
{
	struct vfio_container_device_info d = { g_strdup(name), g_strdup(transport), group };

	g_array_append_val(c->devices, d);
}

static void test_container_text(void)
{
	g_autoptr(vfio_container_info) c = container_info("legacy", "type1v2", 0x40201000);
	struct vfio_iova_span ranges[] = { { 0, 0xfedfffff }, { 0xfef00000, 0xffffffffffULL } };
	struct vfio_container_mapping_info m = { 0x200000, 0x400000, 0x200000, g_strdup("src buf") };
	g_autofree char *text = NULL;

	g_array_set_clear_func(c->devices, NULL);
	g_array_append_vals(c->ranges, ranges, 2);
	add_device(c, "0000:00:03.0", 7, "vfio-pci");
	add_device(c, "0000:00:04.0", 8, "vfio-pci");
	add_device(c, "fpga0", -1, "vfio-user");
	g_array_append_val(c->mappings, m);
	g_ptr_array_add(c->spaces, g_strdup("kernel type1v2"));
	g_ptr_array_add(c->spaces, g_strdup("vfio-user fpga0"));
	text = fs_container_text(c);
	assert_has_line(text, "backend legacy");
	assert_has_line(text, "iommu type1v2");
	assert_has_line(text, "page_sizes 0x40201000");
	assert_has_line(text, "iova_range 0x0 0xfedfffff");
	assert_has_line(text, "iova_range 0xfef00000 0xffffffffff");
	assert_has_line(text, "device 0000:00:03.0 7 vfio-pci");
	assert_has_line(text, "device 0000:00:04.0 8 vfio-pci");
	assert_has_line(text, "device fpga0 -1 vfio-user");
	assert_has_line(text, "mapping 0x200000 0x5fffff 4194304 2097152 src buf");
	assert_has_line(text, "dma_space kernel type1v2");
	assert_has_line(text, "dma_space vfio-user fpga0");
	g_free(m.label);
	for (guint i = 0; i < c->devices->len; i++) {
		g_free(g_array_index(c->devices, struct vfio_container_device_info, i).name);
		g_free(g_array_index(c->devices, struct vfio_container_device_info, i).transport);
	}
}

static void test_container_without_devices(void)
{
	g_autoptr(vfio_container_info) c = container_info("none", "none", 4096);
	g_autofree char *text = NULL;

	text = fs_container_text(c);
	assert_has_line(text, "iommu none");
	CU_ASSERT_PTR_NULL(strstr(text, "device "));
	CU_ASSERT_PTR_NULL(strstr(text, "mapping "));
	CU_ASSERT_PTR_NULL(strstr(text, "dma_space "));
}

static CU_TestInfo tests[] = {
	{ "container: model, ranges, devices", test_container_text },
	{ "container: before any device", test_container_without_devices },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_fs_container_text_suite) = { .pName = "container text", .pTests = tests };
