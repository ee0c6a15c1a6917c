#include "suites.h"
#include "fs/text.h"
#include "vfio/container.h"
#include "vfio/device.h"

#include <linux/vfio.h>
#include <string.h>

static const struct vfio_device_ops fake_ops = { .transport = "vfio-pci" };

/* A device as an edu looks after attach, without a kernel. */
static struct vfio_device *fake_edu(void)
{
	struct vfio_device *d = g_new0(struct vfio_device, 1);
	struct vfio_mmap_area whole = { .offset = 0, .size = 0x100000 };

	g_strlcpy(d->name, "0000:00:03.0", sizeof(d->name));
	d->ops = &fake_ops;
	d->group = 7;
	d->flags = VFIO_DEVICE_FLAGS_PCI;
	d->ids = (struct vfio_pci_ids){ 0x1234, 0x11e8, 0x1af4, 0x1100, 0x00ff00, 0x10 };
	d->num_regions = VFIO_PCI_NUM_REGIONS;
	d->regions = g_new0(struct vfio_region, d->num_regions);
	for (unsigned i = 0; i < d->num_regions; i++) {
		d->regions[i].index = i;
		d->regions[i].areas = g_array_new(FALSE, FALSE, sizeof(struct vfio_mmap_area));
	}
	d->regions[VFIO_PCI_BAR0_REGION_INDEX].name = "bar0";
	d->regions[VFIO_PCI_BAR0_REGION_INDEX].size = 0x100000;
	d->regions[VFIO_PCI_BAR0_REGION_INDEX].flags =
		VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP;
	g_array_append_val(d->regions[VFIO_PCI_BAR0_REGION_INDEX].areas, whole);
	d->regions[VFIO_PCI_CONFIG_REGION_INDEX].name = "config";
	d->regions[VFIO_PCI_CONFIG_REGION_INDEX].size = 256;
	d->regions[VFIO_PCI_CONFIG_REGION_INDEX].flags =
		VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	d->regions[VFIO_PCI_ROM_REGION_INDEX].name = "rom";
	d->regions[VFIO_PCI_ROM_REGION_INDEX].size = 0x800;
	d->regions[VFIO_PCI_ROM_REGION_INDEX].flags = VFIO_REGION_INFO_FLAG_READ;
	d->num_irqs = 2;
	d->irqs = g_new0(struct vfio_irq_index, 2);
	d->irqs[0] = (struct vfio_irq_index){ 0, "intx", VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED, 1 };
	d->irqs[1] = (struct vfio_irq_index){ 1, "msi", VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, 1 };
	return d;
}

static void free_fake(struct vfio_device *d)
{
	for (unsigned i = 0; i < d->num_regions; i++)
		g_array_unref(d->regions[i].areas);
	g_free(d->regions);
	g_free(d->irqs);
	g_free(d);
}

static void assert_has_line(const char *text, const char *line)
{
	g_autofree char *needle = g_strdup_printf("\n%s\n", line);
	g_autofree char *hay = g_strdup_printf("\n%s", text);

	if (!strstr(hay, needle))
		fprintf(stderr, "\nmissing line '%s' in:\n%s", line, text);
	CU_ASSERT_PTR_NOT_NULL(strstr(hay, needle));
}

static void test_info_identity_and_group(void)
{
	struct vfio_device *d = fake_edu();
	g_autofree char *text = fs_info_text(d, NULL);

	CU_ASSERT(g_str_has_prefix(text, "address 0000:00:03.0\n"));
	assert_has_line(text, "vendor 0x1234");
	assert_has_line(text, "device 0x11e8");
	assert_has_line(text, "subsystem_vendor 0x1af4");
	assert_has_line(text, "subsystem_device 0x1100");
	assert_has_line(text, "class 0x00ff00");
	assert_has_line(text, "revision 0x10");
	assert_has_line(text, "iommu_group 7");
	assert_has_line(text, "reset no");
	free_fake(d);
}

static void test_info_regions_and_irqs(void)
{
	struct vfio_device *d = fake_edu();
	g_autofree char *text = NULL;

	d->flags |= VFIO_DEVICE_FLAGS_RESET;
	text = fs_info_text(d, NULL);
	assert_has_line(text, "reset yes");
	assert_has_line(text, "region.config.size 256");
	assert_has_line(text, "region.config.flags read,write");
	assert_has_line(text, "region.bar0.size 1048576");
	assert_has_line(text, "region.bar0.flags read,write,mmap");
	assert_has_line(text, "region.bar0.mmap 0 1048576");
	assert_has_line(text, "region.rom.size 2048");
	assert_has_line(text, "region.rom.flags read");
	assert_has_line(text, "irq.intx.count 1");
	assert_has_line(text, "irq.intx.flags eventfd,maskable,automasked");
	assert_has_line(text, "irq.msi.flags eventfd,noresize");
	assert_has_line(text, "irq.mode off");
	assert_has_line(text, "irq.vectors 0");
	/* Unimplemented BARs are not listed; config comes before the BARs. */
	CU_ASSERT_PTR_NULL(strstr(text, "bar1"));
	CU_ASSERT(strstr(text, "region.config") < strstr(text, "region.bar0"));
	CU_ASSERT(g_str_has_suffix(text, "\n"));
	free_fake(d);
}

static void test_info_includes_irq_state(void)
{
	struct vfio_device *d = fake_edu();
	g_autofree char *text = fs_info_text(d, "irq.mode msi\nirq.vectors 1\nirq.vector.0.count 3\n");

	assert_has_line(text, "irq.mode msi");
	assert_has_line(text, "irq.vector.0.count 3");
	CU_ASSERT_PTR_NULL(strstr(text, "irq.mode off"));
	free_fake(d);
}

static void test_info_lines_are_key_value(void)
{
	struct vfio_device *d = fake_edu();
	g_autofree char *text = fs_info_text(d, NULL);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	for (char **l = lines; *l && **l; l++) {
		CU_ASSERT_PTR_NOT_NULL(strchr(*l, ' '));
		CU_ASSERT(**l != ' ');
	}
	free_fake(d);
}

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

void register_text_suite(void)
{
	CU_pSuite s = CU_add_suite("info and container text", NULL, NULL);

	CU_add_test(s, "info: identity, group, reset", test_info_identity_and_group);
	CU_add_test(s, "info: regions and interrupt indexes", test_info_regions_and_irqs);
	CU_add_test(s, "info: interrupt state lines", test_info_includes_irq_state);
	CU_add_test(s, "info: every line is 'key value'", test_info_lines_are_key_value);
	CU_add_test(s, "container: model, ranges, devices", test_container_text);
	CU_add_test(s, "container: before any device", test_container_without_devices);
}
