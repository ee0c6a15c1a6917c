/*
 * A device's regions (config space, BARs, ROM): what they are, the parts
 * the daemon maps, and access with the widths the spec promises, for every
 * transport (vfio/region.c, vfio/mmio.c).
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct vfio_device;

/* A part of a region the backend lets us map (VFIO "sparse mmap" areas). */
struct vfio_mmap_area {
	uint64_t offset;  /* within the region */
	uint64_t size;
	void *addr;       /* the daemon's own mapping, or NULL if mapping failed */
};

struct vfio_region {
	unsigned index;       /* VFIO region index */
	const char *name;     /* "config", "bar0".."bar5", "rom" */
	uint32_t flags;       /* VFIO_REGION_INFO_FLAG_* */
	uint64_t size;        /* 0: the device does not implement it */
	uint64_t fd_offset;   /* where the region starts in mmap_fd */
	int mmap_fd;          /* what its areas are mapped from (owned by the backend), or -1 */
	GArray *areas;        /* struct vfio_mmap_area, ascending, may be empty */
};

/* What vfiofs calls VFIO PCI region indexes ("bar0", "config", ...); NULL past them. */
const char *vfio_region_name(unsigned index);

/*
 * Maps r's mmap-able areas into the daemon (the transport's map_area, or
 * vfio_region_map_area()); an area that cannot be mapped is reached
 * through the transport instead.
 */
void vfio_region_map_areas(struct vfio_device *d, struct vfio_region *r);
void vfio_region_unmap_areas(struct vfio_region *r);
/* Maps an mmap-able area of r from r->mmap_fd into the daemon; NULL if it cannot. */
void *vfio_region_map_area(const struct vfio_device *d, const struct vfio_region *r,
			   const struct vfio_mmap_area *a);

/*
 * Where a client maps the mmap-able area of r holding offset itself: a
 * descriptor it may mmap (r->mmap_fd: owned by the device, not to be closed), the
 * offset to pass to mmap, and the area.  EINVAL if offset is in no
 * mmap-able area; ENODEV if the backend has no descriptor for it (a
 * vfio-user link that carries none).
 */
int vfio_region_area_source(const struct vfio_device *d, const struct vfio_region *r,
			    uint64_t offset, int *fd, uint64_t *fd_offset,
			    struct vfio_mmap_area *area);

/* Region access with the widths the spec promises; bytes done, or -errno if none. */
ssize_t vfio_region_read(struct vfio_device *d, const struct vfio_region *r,
			 void *buf, size_t len, uint64_t off);
ssize_t vfio_region_write(struct vfio_device *d, const struct vfio_region *r,
			  const void *buf, size_t len, uint64_t off);
