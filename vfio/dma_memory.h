/*
 * Memory for DMA buffers: a memfd (so that direct mapping can hand the same
 * memory to a client), mapped into the daemon, page-aligned; with huge pages
 * when asked for: hugetlb if the kernel has them free, else transparent
 * huge pages on 2 MiB-aligned memory.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct vfio_dma_memory {
	int fd;              /* the memfd */
	void *addr;          /* the daemon's mapping */
	uint64_t size;       /* rounded up to page_size */
	uint64_t page_size;  /* 4 KiB, or 2 MiB for hugetlb */
	uint64_t align;      /* of the mapping and of the IOVA: 2 MiB whenever huge pages were asked for */
	const char *kind;    /* "4k", "hugetlb" or "thp" */
};

/*
 * ENOMEM when memory is short (checked first: more than MemAvailable, or
 * with pinned set, more than RLIMIT_MEMLOCK leaves); err says so.
 */
bool vfio_dma_memory_alloc(struct vfio_dma_memory *m, const char *name, uint64_t size,
			   bool hugepages, bool pinned, GError **err);
void vfio_dma_memory_free(struct vfio_dma_memory *m);
