/*
 * libvfiofs: direct mapping of BARs and DMA buffers of a vfiofs mount.
 *
 * FUSE cannot map device memory into a program, so the daemon hands out the
 * descriptor instead (see "DIRECT MAPPING" in vfiofs(1) for the wire format,
 * which any language can speak).  Link with: pkg-config --libs vfiofs.
 */
#ifndef LIBVFIOFS_H
#define LIBVFIOFS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vfiofs_mapping {
	void *addr;       /* the mapped area */
	size_t length;    /* its length */
	uint64_t start;   /* where addr lies in the file: region or buffer offset */
	int prot;         /* PROT_READ and/or PROT_WRITE */
};

struct vfiofs_area {
	uint64_t offset;  /* in the region */
	uint64_t size;
};

/*
 * Maps the area of path (a barN file or a dma/ buffer of a vfiofs mount)
 * that holds offset.  Returns 0, or -errno with a message for
 * vfiofs_strerror(): ENOENT (no such file, or not in a vfiofs mount),
 * EINVAL (offset in no mmap-able area, or a buffer without a size),
 * ENODEV (not a mappable file), EACCES (not the mount's user).
 */
int vfiofs_map(const char *path, uint64_t offset, struct vfiofs_mapping *m);
int vfiofs_unmap(struct vfiofs_mapping *m);

/* The mmap-able areas of a barN file (from its device's info): how many, up to max, or -errno. */
int vfiofs_areas(const char *path, struct vfiofs_area *areas, int max);

/* What went wrong in this thread's last failed call. */
const char *vfiofs_strerror(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIOFS_H */
