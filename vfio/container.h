/*
 * The one IOMMU context all attached devices share, reached through a table
 * of operations: the legacy type1 container now; iommufd later.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct vfio_container;
struct vfio_device;

struct vfio_iova_span {
	uint64_t start;
	uint64_t last;  /* inclusive */
};

struct vfio_container_ops {
	const char *name;
	bool (*open)(struct vfio_container *c, GError **err);
	void (*close)(struct vfio_container *c);
	/* Gives d its device handle (d->fd, d->group, d->ops); sets up the IOMMU on first use. */
	bool (*attach_device)(struct vfio_container *c, struct vfio_device *d, GError **err);
	void (*detach_device)(struct vfio_container *c, struct vfio_device *d);
	bool (*dma_map)(struct vfio_container *c, void *vaddr, uint64_t iova, uint64_t size,
			GError **err);
	bool (*dma_unmap)(struct vfio_container *c, uint64_t iova, uint64_t size, GError **err);
};

/* A DMA mapping of the container: memory of the daemon's at an IOVA. */
struct vfio_dma_mapping {
	uint64_t iova;
	uint64_t size;
	uint64_t page_size;  /* of the memory behind it */
	void *vaddr;
	char *label;         /* what the user calls it (the buffer's name) */
};

struct vfio_container {
	const struct vfio_container_ops *ops;
	int fd;
	const char *iommu_model;  /* e.g. "type1v2"; NULL until a device is attached */
	uint64_t page_sizes;      /* bitmap of IOVA page sizes */
	GArray *iova_ranges;      /* struct vfio_iova_span, ascending */
	GPtrArray *devices;       /* struct vfio_device *, in attach order */
	GPtrArray *mappings;      /* struct vfio_dma_mapping *, ascending IOVA */
	struct vfio_iova_allocator *iova;
	uint64_t iova_max;        /* the allocator's ceiling (inclusive) */
	GMutex lock;              /* serialises attach, detach and mapping changes */
	void *priv;               /* the backend's own state */
};

extern const struct vfio_container_ops vfio_legacy_container_ops;

struct vfio_container *vfio_container_new(const struct vfio_container_ops *ops, GError **err);
/* Detaches whatever is still attached and closes the container. */
void vfio_container_free(struct vfio_container *c);

/* Opens the device at a canonical PCI address in this container; NULL and err on failure. */
struct vfio_device *vfio_container_attach(struct vfio_container *c, const char *pci_addr,
					  GError **err);
void vfio_container_detach(struct vfio_container *c, struct vfio_device *d);

/* The highest IOVA the allocator may hand out (default: no ceiling). */
void vfio_container_set_iova_max(struct vfio_container *c, uint64_t max);

/*
 * Maps size bytes at vaddr for DMA by every device of the container: at
 * *fixed_iova if given, else at the lowest free IOVA aligned to align.
 * page_size (of the memory) is kept for the listing.
 * ENOSPC (no IOVA), EBUSY/EINVAL (fixed IOVA taken or invalid), ENOMEM
 * (locked-memory limit, named in the message), ENODEV (no device attached).
 */
bool vfio_container_map(struct vfio_container *c, void *vaddr, uint64_t size, uint64_t align,
			uint64_t page_size, const uint64_t *fixed_iova, const char *label,
			uint64_t *iova, GError **err);
/* Unmaps the whole mapping that starts at iova, as it was mapped. */
bool vfio_container_unmap(struct vfio_container *c, uint64_t iova, GError **err);
void vfio_container_relabel(struct vfio_container *c, uint64_t iova, const char *label);
/* Checks a fixed IOVA request now, without mapping (EINVAL or EBUSY). */
bool vfio_container_check_iova(struct vfio_container *c, uint64_t iova, uint64_t size, GError **err);

/* With c->lock held: the first mapping that ends at or after iova, or NULL. */
const struct vfio_dma_mapping *vfio_container_mapping_from(const struct vfio_container *c,
							  uint64_t iova);
/* Called by backends with c->lock held, after the IOMMU was set up anew: maps everything again. */
bool vfio_container_replay(struct vfio_container *c, GError **err);
