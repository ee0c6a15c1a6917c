/*
 * Region access: the parts of a region the daemon has mapped are reached with
 * loads and stores of the exact width (the kernel's read/write path splits
 * 8-byte accesses on older kernels); the rest goes through the transport, one
 * naturally aligned access at a time.
 */
#define G_LOG_DOMAIN "region"
#include "vfio/access_width.h"
#include "vfio/device.h"
#include "vfio/region.h"
#include "vfio/mmio.h"
#include "trace/trace_hub.h"

#include <errno.h>
#include <linux/vfio.h>
#include <string.h>
#include <sys/mman.h>

static const char *const region_names[VFIO_PCI_NUM_REGIONS] = {
	[VFIO_PCI_BAR0_REGION_INDEX] = "bar0", [VFIO_PCI_BAR1_REGION_INDEX] = "bar1",
	[VFIO_PCI_BAR2_REGION_INDEX] = "bar2", [VFIO_PCI_BAR3_REGION_INDEX] = "bar3",
	[VFIO_PCI_BAR4_REGION_INDEX] = "bar4", [VFIO_PCI_BAR5_REGION_INDEX] = "bar5",
	[VFIO_PCI_ROM_REGION_INDEX] = "rom", [VFIO_PCI_CONFIG_REGION_INDEX] = "config",
	[VFIO_PCI_VGA_REGION_INDEX] = "vga",
};

const char *vfio_region_name(unsigned index)
{
	return index < G_N_ELEMENTS(region_names) ? region_names[index] : NULL;
}

/* The mapped area holding pos, or NULL; *run is how far the same path (mapped or not) goes. */
static const struct vfio_mmap_area *area_at(const struct vfio_region *r, uint64_t pos,
					    uint64_t *run_end)
{
	*run_end = r->size;
	for (guint i = 0; i < r->areas->len; i++) {
		const struct vfio_mmap_area *a = &g_array_index(r->areas, struct vfio_mmap_area, i);

		if (!a->addr)
			continue;
		if (pos >= a->offset && pos - a->offset < a->size) {
			*run_end = a->offset + a->size;
			return a;
		}
		if (a->offset > pos && a->offset < *run_end)
			*run_end = a->offset;
	}
	return NULL;
}

/* Each access of a run; *ok says how many bytes were done when one fails. */
static int transport_access(struct vfio_device *d, const struct vfio_region *r, uint8_t *buf,
			  size_t len, uint64_t off, bool write, size_t *ok)
{
	for (size_t done = 0, w; done < len; done += w) {
		int rc;

		w = vfio_access_width(off + done, len - done);
		rc = write ? d->ops->write(d, r, buf + done, w, off + done)
			   : d->ops->read(d, r, buf + done, w, off + done);
		if (rc < 0) {
			*ok = done;
			return rc;
		}
	}
	*ok = len;
	return 0;
}

/*
 * The trace of a run the device saw: one line per access of the split rule,
 * with its value, and the access that failed (the first of a mapped run that
 * faulted) with its errno.  Only when someone reads the device's trace.
 */
static void record_run(struct vfio_device *d, const struct vfio_region *r, const uint8_t *buf,
		       size_t len, uint64_t off, bool write, size_t ok, int rc)
{
	struct trace_event ev = { .kind = write ? TRACE_W : TRACE_R };
	char name[256];

	if (!trace_space_parse(r->name, &ev.space))
		return;
	for (size_t done = 0; done < len; done += ev.width) {
		ev.width = vfio_access_width(off + done, len - done);
		ev.offset = off + done;
		/* the register's name, where a description attached to the device names it */
		ev.name = d->trace_name && d->trace_name(d->trace_name_data, r->index, ev.offset,
							 ev.width, name, sizeof(name)) ? name : NULL;
		ev.has_value = done < ok || write;
		ev.value = 0;
		for (unsigned i = 0; ev.has_value && i < ev.width; i++)
			ev.value |= (uint64_t)buf[done + i] << (8 * i);
		ev.err = done < ok ? 0 : -rc;
		trace_hub_emit(d->trace, &ev);
		if (done >= ok)
			break;
	}
}

static ssize_t region_access(struct vfio_device *d, const struct vfio_region *r, uint8_t *buf,
			     size_t len, uint64_t off, bool write)
{
	size_t done = 0;

	/* A lost device's shared memory may outlive it: its files answer ENODEV all the same. */
	if (vfio_device_is_lost(d))
		return -ENODEV;
	while (done < len) {
		uint64_t pos = off + done, run_end;
		const struct vfio_mmap_area *a = area_at(r, pos, &run_end);
		size_t run = MIN(len - done, run_end - pos), ok = 0;
		int rc;

		if (a) {
			uint8_t *p = (uint8_t *)a->addr + (pos - a->offset);

			rc = write ? vfio_mmio_write(p, buf + done, run)
				   : vfio_mmio_read(p, buf + done, run);
			ok = rc < 0 ? 0 : run;
		} else {
			rc = transport_access(d, r, buf + done, run, pos, write, &ok);
		}
		/* after the access, with its result: the one place a trace learns of it */
		if (trace_hub_active(d->trace))
			record_run(d, r, buf + done, run, pos, write, ok, rc);
		if (rc < 0)
			return done ? (ssize_t)done : rc;
		done += run;
	}
	return done;
}

ssize_t vfio_region_read(struct vfio_device *d, const struct vfio_region *r,
			 void *buf, size_t len, uint64_t off)
{
	return region_access(d, r, buf, len, off, false);
}

ssize_t vfio_region_write(struct vfio_device *d, const struct vfio_region *r,
			  const void *buf, size_t len, uint64_t off)
{
	return region_access(d, r, (uint8_t *)buf, len, off, true);
}

int vfio_region_area_source(const struct vfio_device *d, const struct vfio_region *r,
			    uint64_t offset, int *fd, uint64_t *fd_offset,
			    struct vfio_mmap_area *area)
{
	for (guint i = 0; i < r->areas->len; i++) {
		const struct vfio_mmap_area *a = &g_array_index(r->areas, struct vfio_mmap_area, i);

		if (offset >= a->offset && offset - a->offset < a->size) {
			/* The client maps what the daemon mapped: the transport's descriptor for the region. */
			*fd = r->mmap_fd;
			*fd_offset = r->fd_offset + a->offset;
			*area = *a;
			return r->mmap_fd >= 0 ? 0 : -ENODEV;
		}
	}
	return -EINVAL;
}

void *vfio_region_map_area(const struct vfio_device *d, const struct vfio_region *r,
			   const struct vfio_mmap_area *a)
{
	int prot = ((r->flags & VFIO_REGION_INFO_FLAG_READ) ? PROT_READ : 0) |
		   ((r->flags & VFIO_REGION_INFO_FLAG_WRITE) ? PROT_WRITE : 0);
	void *addr;

	if (r->mmap_fd < 0)
		return NULL;
	addr = mmap(NULL, a->size, prot, MAP_SHARED, r->mmap_fd, r->fd_offset + a->offset);
	if (addr == MAP_FAILED) {
		g_debug("%s %s: area %#" G_GINT64_MODIFIER "x not mapped (%s); using read/write",
			d->name, r->name, a->offset, g_strerror(errno));
		return NULL;
	}
	return addr;
}

void vfio_region_map_areas(struct vfio_device *d, struct vfio_region *r)
{
	for (guint i = 0; i < r->areas->len; i++) {
		struct vfio_mmap_area *a = &g_array_index(r->areas, struct vfio_mmap_area, i);

		a->addr = d->ops->map_area ? d->ops->map_area(d, r, a) : vfio_region_map_area(d, r, a);
	}
}

void vfio_region_unmap_areas(struct vfio_region *r)
{
	for (guint i = 0; r->areas && i < r->areas->len; i++) {
		struct vfio_mmap_area *a = &g_array_index(r->areas, struct vfio_mmap_area, i);

		if (a->addr)
			munmap(a->addr, a->size);
		a->addr = NULL;
	}
}
