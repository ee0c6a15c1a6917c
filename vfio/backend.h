/*
 * The ways a device is reached, in one table (vfio/backend.c): the kernel's
 * type1 container (vfio/kernel/type1.c) and vfio-user servers
 * (vfio/user/device.c); iommufd is one more entry.  vfio/container.c
 * attaches every device through this table and never names a transport;
 * fs/ does not see it.  Only vfio/ includes this header.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "vfio/container.h"
#include "vfio/dma_reach.h"
#include "vfio/dma_space.h"

struct vfio_backend;
struct vfio_container;
struct vfio_device;

struct vfio_backend_ops {
	/* For messages and the container text's "backend" line ("legacy", "vfio-user"). */
	const char *name;
	/*
	 * A kernel IOMMU backend: it pins the buffers' memory (locked memory),
	 * its IOMMU bounds the IOVA ranges, and the container names it.  A
	 * mount uses one kernel backend at most.
	 */
	bool kernel;
	/*
	 * Whether this backend serves the device source names (a PCI address,
	 * a socket path) under the mount's options.
	 */
	bool (*claims)(const struct vfio_container_options *o, const char *source);
	/* The device directory's name for source; NULL and EINVAL when none can be made. */
	char *(*device_name)(const char *source, GError **err);
	/* The backend's shared state, opened with its first device (NULL: none). */
	bool (*open)(struct vfio_backend *b, GError **err);
	void (*close)(struct vfio_backend *b);
	/*
	 * Reaches the device named by source: gives d its ops, handle and
	 * state, and d->dma_space if d has a DMA space of its own (a vfio-user
	 * connection).  A kernel backend sets up its IOMMU with the first
	 * device (iommu_model, page_sizes, iova_ranges): from then on its
	 * space receives every mapping.  Called with the container's lock.
	 */
	bool (*attach_device)(struct vfio_backend *b, struct vfio_device *d, const char *source,
			      GError **err);
	/*
	 * Starts what serves d in the background (a vfio-user connection's
	 * thread for its server's requests): once the daemon runs in its final
	 * process (vfio_container_serve()), or at attach after that.  NULL: nothing.
	 */
	void (*serve)(struct vfio_backend *b, struct vfio_device *d);
	/*
	 * After vfio_device_teardown(): lets go of what attach_device took;
	 * with the last device a kernel backend may drop its IOMMU
	 * (iommu_model NULL again: its space then leaves the container).
	 */
	void (*detach_device)(struct vfio_backend *b, struct vfio_device *d);
};

/* One backend's state in a container, opened with its first device. */
struct vfio_backend {
	const struct vfio_backend_ops *ops;
	struct vfio_container *container;
	struct vfio_dma_reach reach;  /* the container's mappings, for DMA requests */
	unsigned timeout_ms;          /* vfio-user: the longest wait for a reply */
	bool dma_by_message;          /* vfio-user: map buffers without descriptors */
	/* Kernel backends: the IOMMU, learned when the first device joins. */
	int fd;
	const char *iommu_model;      /* e.g. "type1v2"; NULL while no IOMMU is set */
	uint64_t page_sizes;          /* bitmap of IOVA page sizes */
	GArray *iova_ranges;          /* struct vfio_iova_span, ascending */
	/* A kernel backend's one DMA space: in the container while iommu_model is set. */
	struct vfio_dma_space space;
	void *priv;                   /* the backend's own state */
};

/* The table: index i of a container's backends is entry i. */
extern const struct vfio_backend_ops *const vfio_backends[];
extern const unsigned vfio_backend_count;

/* The entry that serves source: the first that claims it; -1 if none does. */
int vfio_backend_for(const struct vfio_container_options *o, const char *source);
