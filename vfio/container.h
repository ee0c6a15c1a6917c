/*
 * The one IO virtual address space every attached device shares: one IOVA
 * allocator and one list of DMA mappings, reaching every transport's DMA
 * space (the kernel's type1 container when kernel devices are attached, and
 * each vfio-user connection).  The struct is private to vfio/: fs/ works
 * through these functions only.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "vfio/dma_reach.h"
#include "vfio/iova.h"

struct vfio_container;
struct vfio_device;

/* -o iommu=: how kernel devices are reached (vfio/kernel/iommufd.c says what auto picks). */
enum vfio_iommu_choice {
	VFIO_IOMMU_AUTO = 0,
	VFIO_IOMMU_TYPE1,    /* the group/container interface, /dev/vfio/vfio */
	VFIO_IOMMU_IOMMUFD,  /* /dev/iommu and /dev/vfio/devices/vfioN */
};

struct vfio_container_options {
	uint64_t iova_max;          /* highest IOVA handed out (inclusive); 0: no ceiling */
	enum vfio_iommu_choice iommu;
	unsigned user_timeout_ms;   /* vfio-user: the longest wait for a reply; 0: default */
	bool user_dma_by_message;   /* vfio-user: map buffers without descriptors */
};

/* Opens nothing yet: /dev/vfio is opened when the first kernel device arrives. */
struct vfio_container *vfio_container_new(const struct vfio_container_options *o);
/* Unmaps every mapping, detaches whatever is still attached, closes. */
void vfio_container_free(struct vfio_container *c);

/*
 * The name a device gets from what the user named it by (source: a PCI
 * address, the absolute path of a vfio-user server's socket); NULL and
 * EINVAL if source names nothing a backend serves or makes no name.
 */
char *vfio_container_device_name(struct vfio_container *c, const char *source, GError **err);
/*
 * Attaches the device source names, as name (from
 * vfio_container_device_name()), through the backend that serves it:
 * every existing mapping reaches it before this returns.  NULL and err on
 * failure, with nothing left attached.
 */
struct vfio_device *vfio_container_attach(struct vfio_container *c, const char *source,
					  const char *name, GError **err);
void vfio_container_detach(struct vfio_container *c, struct vfio_device *d);
/*
 * The daemon runs in its final process (after it forked into the
 * background): start what serves the devices' requests in threads of their
 * own (a vfio-user server's DMA requests), now and at every later attach.
 */
void vfio_container_serve(struct vfio_container *c);
/* True while a device of that name is attached. */
bool vfio_container_has_device(struct vfio_container *c, const char *name);
/* Whether buffers are pinned (a kernel VFIO device was attached): they then count as locked memory. */
bool vfio_container_pins(struct vfio_container *c);

/*
 * Maps size bytes at vaddr (descriptor fd at offset 0 of it, or -1) for DMA
 * by every device: at *fixed_iova if given, else at the lowest free IOVA
 * aligned to align.  page_size (of the memory) is kept for the listing.  A
 * transport that refuses undoes the others.  ENOSPC (no IOVA), EBUSY/EINVAL
 * (fixed IOVA taken or invalid), ENOMEM (locked-memory limit, named in the
 * message), ENODEV (no device attached), EIO (a vfio-user server refused).
 */
bool vfio_container_map(struct vfio_container *c, void *vaddr, int fd, uint64_t size,
			uint64_t align, uint64_t page_size, const uint64_t *fixed_iova,
			const char *label, uint64_t *iova, GError **err);
/* Unmaps the whole mapping that starts at iova from every transport. */
bool vfio_container_unmap(struct vfio_container *c, uint64_t iova, GError **err);
void vfio_container_relabel(struct vfio_container *c, uint64_t iova, const char *label);
/* Checks a fixed IOVA request now, without mapping (EINVAL or EBUSY). */
bool vfio_container_check_iova(struct vfio_container *c, uint64_t iova, uint64_t size, GError **err);

/*
 * Lets fn reach the memory mapped at [iova, iova + len): with whole, all of
 * it or nothing (-EFAULT), across back-to-back mappings; without, the part
 * up to the end of the mapping holding iova.  The mappings cannot change
 * while fn runs, and fn must not call back into the container.  Returns
 * what fn returned (< 0), else the bytes reached; -EFAULT if iova is in no
 * mapping.
 */
ssize_t vfio_container_dma_access(struct vfio_container *c, uint64_t iova, size_t len, bool whole,
				  vfio_dma_fn fn, void *data);
/*
 * The label (buffer name) of the mapping holding iova, copied into label
 * (size bytes), and the offset of iova in it; false when no mapping holds
 * it.  Never waits on a transport (for a trace of message DMA).
 */
bool vfio_container_label_at(struct vfio_container *c, uint64_t iova, char *label, size_t size,
			     uint64_t *offset);
/* SEEK_DATA / SEEK_HOLE over the mappings from off; -ENXIO past the end or no data. */
off_t vfio_container_dma_seek(struct vfio_container *c, off_t off, int whence);
/* How far file offsets reach in the IOVA space (0 when nothing is attached). */
uint64_t vfio_container_dma_size(struct vfio_container *c);

/* A copy of what the container text shows, taken under the container's lock. */
struct vfio_container_mapping_info {
	uint64_t iova, size, page_size;
	char *label;
};
struct vfio_container_device_info {
	char *name;
	char *transport;  /* "vfio-pci" or "vfio-user" */
	int group;        /* IOMMU group, -1 for none */
};
struct vfio_container_info {
	const char *backend;     /* kernel container backend ("legacy"), or "none" */
	const char *iommu_model; /* "type1v2", "type1", or "none" */
	uint64_t page_sizes;     /* bitmap */
	GArray *ranges;          /* struct vfio_iova_span */
	GArray *mappings;        /* struct vfio_container_mapping_info */
	GArray *devices;         /* struct vfio_container_device_info */
	GPtrArray *spaces;       /* char *: the DMA spaces every mapping reaches */
};
struct vfio_container_info *vfio_container_info_take(struct vfio_container *c);
void vfio_container_info_free(struct vfio_container_info *info);
typedef struct vfio_container_info vfio_container_info;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vfio_container_info, vfio_container_info_free)
