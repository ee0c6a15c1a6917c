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

struct vfio_container {
	const struct vfio_container_ops *ops;
	int fd;
	const char *iommu_model;  /* e.g. "type1v2"; NULL until a device is attached */
	uint64_t page_sizes;      /* bitmap of IOVA page sizes */
	GArray *iova_ranges;      /* struct vfio_iova_span, ascending */
	GPtrArray *devices;       /* struct vfio_device *, in attach order */
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
struct vfio_device *vfio_container_find(struct vfio_container *c, const char *pci_addr);
