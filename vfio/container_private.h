/*
 * Inside the container: what vfio/container.c and the backends share.  Not
 * for fs/ (it uses vfio/container.h).
 */
#pragma once

#include "vfio/container.h"
#include "vfio/backend.h"
#include "vfio/dma_space.h"

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
	/* Each entry of vfio_backends[], opened with its first device (NULL until then). */
	struct vfio_backend **backends;
	struct vfio_backend *kernel;  /* the open kernel backend, if any */
	bool serving;                 /* vfio_container_serve() ran: devices are served as they come */
};

/*
 * With c->lock held: gives s every mapping (undone on failure) and adds it
 * to the spaces every later mapping reaches.
 */
bool vfio_container_join_space(struct vfio_container *c, struct vfio_dma_space *s, GError **err);
/* With c->lock held: s no longer receives mappings (it dropped them itself). */
void vfio_container_leave_space(struct vfio_container *c, struct vfio_dma_space *s);
