/* A device's info file (fs/info_text.c), for a fake edu. */
#include "suites.h"
#include "assert_text.h"
#include "fs/text.h"
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

static CU_TestInfo tests[] = {
	{ "info: identity, group, reset", test_info_identity_and_group },
	{ "info: regions and interrupt indexes", test_info_regions_and_irqs },
	{ "info: interrupt state lines", test_info_includes_irq_state },
	{ "info: every line is 'key value'", test_info_lines_are_key_value },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_fs_info_text_suite) = { .pName = "info text", .pTests = tests };
