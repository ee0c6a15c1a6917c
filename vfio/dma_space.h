/*
 * One transport's view of the shared IOVA space.  The container keeps one
 * allocator and one list of mappings; every space attached to it (the
 * kernel's type1 container, each vfio-user connection) gets every mapping
 * at the same IOVA, and loses it on unmap.  Only vfio/ sees this header.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct vfio_dma_space;

/* A DMA mapping: memory of the daemon's at an IOVA, as every space receives it. */
struct vfio_dma_mapping {
	uint64_t iova;
	uint64_t size;
	uint64_t page_size;  /* of the memory behind it */
	void *vaddr;         /* the daemon's mapping of the memory */
	int fd;              /* descriptor of the memory (a memfd), -1 if none */
	uint64_t fd_offset;  /* where vaddr starts in fd */
	char *label;         /* what the user calls it (the buffer's name) */
};

struct vfio_dma_space_ops {
	/* Makes m reachable by the space's devices at m->iova (read and write). */
	bool (*map)(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err);
	/* Takes m away again; called only for mappings that map accepted. */
	bool (*unmap)(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err);
	/*
	 * Optional, for a space behind a round trip (a vfio-user server): map
	 * (unmap) in two halves, so that the container sends a mapping to
	 * every space before it awaits any answer, and a space that joins
	 * late receives its mappings several at a time.  map_send sends the
	 * request: false (with err) means nothing is in flight.  map_wait
	 * awaits its answer, with the meaning of map's result.  Each send that
	 * returned true is followed by exactly one wait with the same m, and
	 * the waits of one space come in the order of its sends; while any is
	 * in flight, the space's other operations wait for them (the caller
	 * holds the container's lock throughout).  A space without them (the
	 * kernel's type1 IOMMU, which answers at once) gets map and unmap.
	 */
	bool (*map_send)(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err);
	bool (*map_wait)(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err);
	bool (*unmap_send)(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err);
	bool (*unmap_wait)(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err);
};

struct vfio_dma_space {
	const struct vfio_dma_space_ops *ops;
	const char *name;  /* for messages: "kernel type1v2", "vfio-user fpga0" */
	void *priv;        /* the transport's own state */
};
