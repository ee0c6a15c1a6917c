/*
 * libvfiofs: direct mapping of BARs and DMA buffers of a vfiofs mount, and
 * interrupt vectors delivered straight to the program.
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

/*
 * An interrupt vector handed to this program (see "THE irq FILE" and
 * "DIRECT MAPPING" in vfiofs(1)).  The kernel, or the vfio-user server,
 * signals fd itself: read(2) of 8 bytes waits for the vector and returns
 * how many times it fired.
 */
struct vfiofs_irq {
	int fd;         /* the vector's eventfd (blocking; poll it or read it) */
	int unmask_fd;  /* INTx the device masks: write an 8-byte 1 to unmask after servicing; else -1 */
	int hold;       /* the program's hold on the vector: keep it open while you use the vector.
			   It becomes readable (end of file) when delivery ends: interrupts off, a
			   mode change, reset, rmdir, unmount. */
};

/*
 * Takes vector of the interrupt mode that is on, from path (a device's irq
 * file).  Returns 0, or -errno with a message for vfiofs_strerror():
 * EINVAL (interrupts off, or no such vector in the mode), EBUSY (another
 * program holds the vector), EACCES (no write permission on irq), ENODEV
 * (not an irq file, or the device is gone), ENOENT (no such file).
 */
int vfiofs_irq(const char *path, unsigned vector, struct vfiofs_irq *irq);
/* Gives the vector back (closes the three descriptors); the irq file sees it again. */
int vfiofs_irq_release(struct vfiofs_irq *irq);

/* What went wrong in this thread's last failed call. */
const char *vfiofs_strerror(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIOFS_H */
