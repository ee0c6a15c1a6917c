#define G_LOG_DOMAIN "device"
#include "vfio/device.h"
#include "vfio/error.h"
#include "trace/trace_hub.h"

#include <linux/pci_regs.h>
#include <linux/vfio.h>

static bool read_config(struct vfio_device *d, void *buf, size_t len, uint64_t off)
{
	struct vfio_region *config = vfio_device_region(d, VFIO_PCI_CONFIG_REGION_INDEX);

	return config && vfio_region_read(d, config, buf, len, off) == (ssize_t)len;
}

static bool read_ids(struct vfio_device *d, GError **err)
{
	struct vfio_pci_ids *ids = &d->ids;
	uint32_t class_rev;

	if (!read_config(d, &ids->vendor, 2, PCI_VENDOR_ID) ||
	    !read_config(d, &ids->device, 2, PCI_DEVICE_ID) ||
	    !read_config(d, &class_rev, 4, PCI_CLASS_REVISION) ||
	    !read_config(d, &ids->subsystem_vendor, 2, PCI_SUBSYSTEM_VENDOR_ID) ||
	    !read_config(d, &ids->subsystem_device, 2, PCI_SUBSYSTEM_ID)) {
		vfio_set_error(err, EIO, "%s: cannot read its configuration space", d->name);
		return false;
	}
	/* PCI is little-endian and so is every host vfiofs runs on. */
	ids->revision = class_rev & 0xff;
	ids->class_code = class_rev >> 8;
	return true;
}

bool vfio_device_take_info(struct vfio_device *d, const struct vfio_device_info *info,
			   const char *why_not, GError **err)
{
	if (!(info->flags & VFIO_DEVICE_FLAGS_PCI)) {
		vfio_set_error(err, ENODEV, "%s: %s", d->name, why_not);
		return false;
	}
	d->flags = info->flags;
	d->num_regions = MIN(info->num_regions, (unsigned)VFIO_PCI_NUM_REGIONS);
	d->regions = g_new0(struct vfio_region, d->num_regions);
	d->num_irqs = MIN(info->num_irqs, (unsigned)VFIO_PCI_NUM_IRQS);
	d->irqs = g_new0(struct vfio_irq_index, d->num_irqs);
	for (unsigned i = 0; i < d->num_irqs; i++) {
		d->irqs[i].index = i;
		d->irqs[i].name = vfio_irq_name(i);
	}
	return true;
}

bool vfio_device_setup(struct vfio_device *d, GError **err)
{
	if (!d->ops->query(d, err))
		return false;
	for (unsigned i = 0; i < d->num_regions; i++)
		if (d->regions[i].size)
			vfio_region_map_areas(d, &d->regions[i]);
	return read_ids(d, err);
}

void vfio_device_teardown(struct vfio_device *d)
{
	for (unsigned i = 0; i < d->num_regions; i++) {
		vfio_region_unmap_areas(&d->regions[i]);
		if (d->regions[i].areas)
			g_array_unref(d->regions[i].areas);
	}
	g_clear_pointer(&d->regions, g_free);
	g_clear_pointer(&d->irqs, g_free);
	d->num_regions = d->num_irqs = 0;
	if (d->ops)
		d->ops->close(d);
}

struct vfio_region *vfio_device_region(struct vfio_device *d, unsigned index)
{
	if (index >= d->num_regions || !d->regions[index].size)
		return NULL;
	return &d->regions[index];
}

const struct vfio_irq_index *vfio_device_irq(const struct vfio_device *d, unsigned index)
{
	return index < d->num_irqs ? &d->irqs[index] : NULL;
}

bool vfio_device_can_reset(const struct vfio_device *d)
{
	return d->flags & VFIO_DEVICE_FLAGS_RESET;
}

int vfio_device_enable_bus_master(struct vfio_device *d)
{
	struct vfio_region *config = vfio_device_region(d, VFIO_PCI_CONFIG_REGION_INDEX);
	uint16_t cmd;

	if (!config || vfio_region_read(d, config, &cmd, 2, PCI_COMMAND) != 2)
		return -EIO;
	if (cmd & PCI_COMMAND_MASTER)
		return 0;
	cmd |= PCI_COMMAND_MASTER;
	if (vfio_region_write(d, config, &cmd, 2, PCI_COMMAND) != 2)
		return -EIO;
	g_info("%s: bus mastering enabled", d->name);
	return 0;
}

static void tell_lost(struct vfio_device *d)
{
	void (*fn)(void *) = g_atomic_pointer_get(&d->lost_fn);

	if (fn && g_atomic_int_get(&d->lost) && g_atomic_int_compare_and_exchange(&d->lost_told, 0, 1))
		fn(d->lost_data);
}

void vfio_device_on_lost(struct vfio_device *d, void (*fn)(void *data), void *data)
{
	d->lost_data = data;
	g_atomic_pointer_set(&d->lost_fn, fn);
	tell_lost(d);
}

void vfio_device_mark_lost(struct vfio_device *d)
{
	g_atomic_int_set(&d->lost, 1);
	tell_lost(d);
}

bool vfio_device_is_lost(const struct vfio_device *d)
{
	return g_atomic_int_get(&d->lost);
}

void vfio_device_describe(struct vfio_device *d, GString *out)
{
	g_string_append_printf(out, "transport %s\n", d->ops->transport);
	if (d->ops->describe)
		d->ops->describe(d, out);
}

int vfio_device_reset(struct vfio_device *d)
{
	int rc = d->ops->reset(d);

	if (trace_hub_active(d->trace)) {
		struct trace_event ev = { .kind = TRACE_RESET, .err = rc < 0 ? -rc : 0 };

		trace_hub_emit(d->trace, &ev);
	}
	return rc;
}
