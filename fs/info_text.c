#include "fs/text.h"
#include "vfio/device.h"

#include <glib.h>
#include <linux/vfio.h>

static void append_flags(GString *s, uint32_t flags, const char *const names[], unsigned n)
{
	gsize start = s->len;

	for (unsigned bit = 0; bit < n; bit++)
		if (flags & (1u << bit) && names[bit])
			g_string_append_printf(s, "%s%s", s->len > start ? "," : "", names[bit]);
	if (s->len == start)
		g_string_append(s, "none");
}

static const char *const region_flag_names[] = { "read", "write", "mmap", NULL };
static const char *const irq_flag_names[] = { "eventfd", "maskable", "automasked", "noresize" };

static void append_region(GString *s, const struct vfio_region *r)
{
	g_string_append_printf(s, "region.%s.size %" G_GUINT64_FORMAT "\n", r->name, r->size);
	g_string_append_printf(s, "region.%s.flags ", r->name);
	append_flags(s, r->flags, region_flag_names, G_N_ELEMENTS(region_flag_names));
	g_string_append_c(s, '\n');
	for (guint i = 0; i < r->areas->len; i++) {
		const struct vfio_mmap_area *a = &g_array_index(r->areas, struct vfio_mmap_area, i);

		g_string_append_printf(s, "region.%s.mmap %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n",
				       r->name, a->offset, a->size);
	}
}

static void append_irq(GString *s, const struct vfio_irq_index *irq)
{
	g_string_append_printf(s, "irq.%s.count %u\n", irq->name, irq->count);
	g_string_append_printf(s, "irq.%s.flags ", irq->name);
	append_flags(s, irq->flags, irq_flag_names, G_N_ELEMENTS(irq_flag_names));
	g_string_append_c(s, '\n');
}

/* Regions in the order a user reads a PCI device: config space, the BARs, the ROM. */
static const unsigned region_order[] = {
	VFIO_PCI_CONFIG_REGION_INDEX, VFIO_PCI_BAR0_REGION_INDEX, VFIO_PCI_BAR1_REGION_INDEX,
	VFIO_PCI_BAR2_REGION_INDEX, VFIO_PCI_BAR3_REGION_INDEX, VFIO_PCI_BAR4_REGION_INDEX,
	VFIO_PCI_BAR5_REGION_INDEX, VFIO_PCI_ROM_REGION_INDEX,
};

char *fs_info_text(struct vfio_device *d, const char *irq_lines)
{
	GString *s = g_string_new(NULL);
	const struct vfio_pci_ids *ids = &d->ids;

	/* A device that has no PCI address on this machine goes by its name alone. */
	g_string_append_printf(s, "%s %s\n", d->ops->name_key ? d->ops->name_key : "address", d->name);
	vfio_device_describe(d, s);
	g_string_append_printf(s, "vendor 0x%04x\n", ids->vendor);
	g_string_append_printf(s, "device 0x%04x\n", ids->device);
	g_string_append_printf(s, "subsystem_vendor 0x%04x\n", ids->subsystem_vendor);
	g_string_append_printf(s, "subsystem_device 0x%04x\n", ids->subsystem_device);
	g_string_append_printf(s, "class 0x%06x\n", ids->class_code);
	g_string_append_printf(s, "revision 0x%02x\n", ids->revision);
	g_string_append_printf(s, "iommu_group %d\n", d->group);
	g_string_append_printf(s, "reset %s\n", (d->flags & VFIO_DEVICE_FLAGS_RESET) ? "yes" : "no");
	for (unsigned i = 0; i < G_N_ELEMENTS(region_order); i++)
		if (region_order[i] < d->num_regions && d->regions[region_order[i]].size)
			append_region(s, &d->regions[region_order[i]]);
	for (unsigned i = 0; i < d->num_irqs; i++)
		if (d->irqs[i].name)
			append_irq(s, &d->irqs[i]);
	g_string_append(s, irq_lines ? irq_lines : "irq.mode off\nirq.vectors 0\n");
	return g_string_free(s, FALSE);
}
