/*
 * Inside the container: what vfio/container.c and the kernel's container
 * backends share.  Not for fs/ (it uses vfio/container.h).
 */
#pragma once

#include "vfio/container.h"
#include "vfio/dma_space.h"

struct vfio_kernel;

/*
 * A kernel VFIO container backend: the legacy type1 container now, iommufd
 * later.  Opened when the first kernel device arrives.
 */
struct vfio_kernel_ops {
	const char *name;
	bool (*open)(struct vfio_kernel *k, GError **err);
	void (*close)(struct vfio_kernel *k);
	/*
	 * Gives d its device handle (d->fd, d->group, d->ops); sets up the IOMMU
	 * on first use and then joins k->space to the container.
	 */
	bool (*attach_device)(struct vfio_kernel *k, struct vfio_device *d, GError **err);
	void (*detach_device)(struct vfio_kernel *k, struct vfio_device *d);
};

struct vfio_kernel {
	const struct vfio_kernel_ops *ops;
	struct vfio_container *container;
	int fd;
	const char *iommu_model;  /* e.g. "type1v2"; NULL while no IOMMU is set */
	uint64_t page_sizes;      /* bitmap of IOVA page sizes */
	GArray *iova_ranges;      /* struct vfio_iova_span, ascending */
	struct vfio_dma_space space;
	void *priv;               /* the backend's own state */
};

extern const struct vfio_kernel_ops vfio_legacy_kernel_ops;

struct vfio_container {
	/* Serialises attach, detach and mapping changes; may be held across transport calls. */
	GMutex lock;
	/*
	 * Guards the mapping list for readers that must never wait on a
	 * transport (DMA requests from vfio-user servers, the dma files):
	 * taken for writing only briefly, with lock held.
	 */
	GRWLock map_lock;
	GPtrArray *devices;       /* struct vfio_device *, in attach order */
	GPtrArray *mappings;      /* struct vfio_dma_mapping *, ascending IOVA */
	GPtrArray *spaces;        /* struct vfio_dma_space *: every mapping reaches each */
	struct vfio_iova_allocator *iova;
	struct vfio_container_options opts;
	struct vfio_kernel *kernel;  /* NULL until the first kernel device */
};

/*
 * With c->lock held: gives s every mapping (undone on failure) and adds it
 * to the spaces every later mapping reaches.
 */
bool vfio_container_join_space(struct vfio_container *c, struct vfio_dma_space *s, GError **err);
/* With c->lock held: s no longer receives mappings (it dropped them itself). */
void vfio_container_leave_space(struct vfio_container *c, struct vfio_dma_space *s);
