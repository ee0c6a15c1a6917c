/*
 * How a transport reaches the daemon's memory by IOVA: the container's
 * mappings, handed down to the transports that serve DMA requests (a
 * vfio-user server's DMA_READ/DMA_WRITE), so that no transport calls back
 * into the container.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Called on each piece of [iova, iova + len) in turn: mem is the daemon's
 * memory, done the bytes before it.  Returns < 0 to stop.
 */
typedef int (*vfio_dma_fn)(void *mem, size_t len, size_t done, void *data);

struct vfio_dma_reach {
	/* As vfio_container_dma_access(): bytes reached, fn's result (< 0), or -EFAULT. */
	ssize_t (*access)(void *owner, uint64_t iova, size_t len, bool whole, vfio_dma_fn fn,
			  void *data);
	void *owner;
};
