/*
 * Device operations over the kernel's VFIO device file: info ioctls,
 * pread/pwrite at the region's offset, mmap of the mmap-able areas.
 */
#define G_LOG_DOMAIN "device-ioctl"
#include "vfio/device.h"
#include "vfio/error.h"
#include "vfio/info_cap.h"

#include <stddef.h>

#include <linux/vfio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>

/* Region info with its capability chain; the kernel says how much room it needs. */
static struct vfio_region_info *get_region_info(int fd, unsigned index)
{
	struct vfio_region_info query = { .argsz = sizeof(query), .index = index };
	uint32_t size;

	return vfio_info_ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &query, sizeof(query), &size);
}

static void add_area(uint64_t offset, uint64_t size, void *region)
{
	struct vfio_region *r = region;
	struct vfio_mmap_area a = { .offset = offset, .size = size };

	if (size && offset < r->size && size <= r->size - offset)
		g_array_append_val(r->areas, a);
}

static void fill_region(struct vfio_region *r, unsigned index, const struct vfio_region_info *info)
{
	size_t sparse = 0;

	r->index = index;
	r->name = vfio_region_name(index);
	r->areas = g_array_new(FALSE, FALSE, sizeof(struct vfio_mmap_area));
	if (!info)
		return;
	r->flags = info->flags;
	r->size = info->size;
	r->fd_offset = info->offset;
	if (!(info->flags & VFIO_REGION_INFO_FLAG_MMAP))
		return;
	if (info->flags & VFIO_REGION_INFO_FLAG_CAPS)
		sparse = vfio_info_cap_find(info, info->argsz, sizeof(*info), info->cap_offset,
					    VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	if (sparse)
		vfio_info_sparse_areas(info, info->argsz, sparse, add_area, r);
	else
		add_area(0, r->size, r);
}

static bool ioctl_query(struct vfio_device *d, GError **err)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	if (ioctl(d->fd, VFIO_DEVICE_GET_INFO, &info) < 0) {
		vfio_set_error(err, errno, "%s: cannot read device info: %s", d->name, g_strerror(errno));
		return false;
	}
	if (!vfio_device_take_info(d, &info, "not a PCI device", err))
		return false;
	for (unsigned i = 0; i < d->num_regions; i++) {
		g_autofree struct vfio_region_info *ri = get_region_info(d->fd, i);

		/* A region the kernel will not describe (VGA on most devices) is simply absent. */
		fill_region(&d->regions[i], i, ri);
		d->regions[i].mmap_fd = d->fd;  /* areas are mapped from the device file itself */
	}
	for (unsigned i = 0; i < d->num_irqs; i++) {
		struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = i };

		if (ioctl(d->fd, VFIO_DEVICE_GET_IRQ_INFO, &ii) == 0) {
			d->irqs[i].flags = ii.flags;
			d->irqs[i].count = ii.count;
		}
	}
	return true;
}

static int ioctl_read(struct vfio_device *d, const struct vfio_region *r, void *buf,
		      unsigned width, uint64_t off)
{
	ssize_t n = pread(d->fd, buf, width, r->fd_offset + off);

	if (n == (ssize_t)width)
		return 0;
	return n < 0 ? -errno : -EIO;
}

static int ioctl_write(struct vfio_device *d, const struct vfio_region *r, const void *buf,
		       unsigned width, uint64_t off)
{
	ssize_t n = pwrite(d->fd, buf, width, r->fd_offset + off);

	if (n == (ssize_t)width)
		return 0;
	return n < 0 ? -errno : -EIO;
}

static int ioctl_set_irqs(struct vfio_device *d, unsigned index, unsigned start, unsigned count,
			  uint32_t flags, const int32_t *fds)
{
	size_t data = (flags & VFIO_IRQ_SET_DATA_EVENTFD) ? count * sizeof(int32_t) : 0;
	g_autofree struct vfio_irq_set *set = g_malloc0(sizeof(*set) + data);

	set->argsz = sizeof(*set) + data;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	if (data)
		memcpy(set->data, fds, data);
	return ioctl(d->fd, VFIO_DEVICE_SET_IRQS, set) < 0 ? -errno : 0;
}

static int ioctl_reset(struct vfio_device *d)
{
	if (!(d->flags & VFIO_DEVICE_FLAGS_RESET))
		return -ENOTTY;
	return ioctl(d->fd, VFIO_DEVICE_RESET) < 0 ? -errno : 0;
}

static void ioctl_close(struct vfio_device *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

const struct vfio_device_ops vfio_device_ioctl_ops = {
	.transport = "vfio-pci",
	.name_key = "address",
	.query = ioctl_query,
	.read = ioctl_read,
	.write = ioctl_write,
	.set_irqs = ioctl_set_irqs,
	.reset = ioctl_reset,
	.close = ioctl_close,
};
