/*
 * vfiofs: the interface for programs that use a vfiofs mount.
 *
 * Everything here describes the mount's files; most programs need nothing
 * but open/pread/pwrite on them.  Programs that prefer binary calls use the
 * ioctls below; direct mapping of BARs and buffers is in libvfiofs.h (see
 * vfiofs(1), IOCTLS and DIRECT MAPPING).
 */
#ifndef VFIOFS_H
#define VFIOFS_H

/* Version of this interface. */
#define VFIOFS_API_VERSION 1

/* Extended attributes. */
#define VFIOFS_XATTR_IOVA   "user.vfio.iova"    /* dma/NAME: its IO virtual address */
#define VFIOFS_XATTR_SOCKET "user.vfio.socket"  /* mount root: the hand-off socket */
#define VFIOFS_XATTR_ATTACH "user.vfio.attach"  /* mount root, write: attach a socket path or PCI address */

#include <linux/ioctl.h>
#include <linux/vfio.h>
#include <stdint.h>

/*
 * ioctls
 *
 * FUSE passes a file system only "restricted" ioctls: the number says how
 * many bytes to copy in (_IOW), out (_IOR) or both (_IOWR), and the
 * argument holds no pointers.  Every structure below is fixed-size with
 * naturally aligned fields, so 32-bit and 64-bit programs share the
 * layouts and the numbers.
 *
 * Magic 'V', numbers 0xa0-0xaf.  'V' is shared (Documentation/userspace-api/
 * ioctl/ioctl-number.rst): linux/vt.h uses the plain numbers 0x5600-0x560f,
 * V4L2 uses 0x00-0x6f and its drivers 0xc0-0xff.  The
 * range 0xa0-0xaf lies in none of them, and none of those drivers'
 * files is ever a vfiofs file.
 *
 * Errors common to all: ENOTTY for a number vfiofs does not know or a file
 * the ioctl does not apply to; EINVAL for an argument of the wrong size or
 * content (nothing changes); ENODEV once the device is detached (rmdir);
 * EFAULT (from the kernel) for an argument the caller cannot access;
 * EACCES when anyone but the mounting user or root asks for a change
 * (SET_IRQS, RESET), as the modes of irq and reset say.
 */
#define VFIOFS_IOCTL_TYPE 'V'
#define VFIOFS_IOCTL_BASE 0xa0

/*
 * On any file of a device directory (info, config, barN, rom, irq, dma,
 * reset).  As the kernel described the device to vfiofs: flags
 * (VFIO_DEVICE_FLAGS_*; CAPS cleared, cap_offset 0: no capability chains),
 * num_regions and num_irqs; argsz is set to the structure's size.
 * struct vfio_device_info grew over Linux versions (16, 20, then 24 bytes
 * with pad), so this number depends on the <linux/vfio.h> a program is
 * built with; vfiofs answers each of those sizes and no other (EINVAL).
 */
#define VFIOFS_DEVICE_GET_INFO \
	_IOR(VFIOFS_IOCTL_TYPE, VFIOFS_IOCTL_BASE + 0, struct vfio_device_info)

/* Room for mmap-able areas in one region (vfio-pci reports at most three). */
#define VFIOFS_MAX_AREAS 16

struct vfiofs_region_area {
	uint64_t offset;  /* within the region */
	uint64_t size;
};

/*
 * The caller sets info.argsz (at least sizeof(struct vfiofs_region_info))
 * and info.index (VFIO_PCI_*_REGION_INDEX).  vfiofs fills info.flags
 * (VFIO_REGION_INFO_FLAG_READ/WRITE/MMAP as the kernel reported them; CAPS
 * cleared: the sparse-mmap capability is areas[] here), info.size, the
 * mmap-able areas in ascending order, and sets info.argsz to the size it
 * filled.  info.offset is 0: where the region lies in the daemon's device
 * file is no business of the caller (direct mapping hands out its own).
 * EINVAL for an index the device does not implement.
 */
struct vfiofs_region_info {
	struct vfio_region_info info;
	uint32_t nr_areas;  /* valid entries of areas[] */
	uint32_t pad;
	struct vfiofs_region_area areas[VFIOFS_MAX_AREAS];
};

#define VFIOFS_DEVICE_GET_REGION_INFO \
	_IOWR(VFIOFS_IOCTL_TYPE, VFIOFS_IOCTL_BASE + 1, struct vfiofs_region_info)

/*
 * The caller sets argsz (at least sizeof(struct vfio_irq_info)) and index
 * (VFIO_PCI_*_IRQ_INDEX); vfiofs fills flags and count as the kernel
 * reported them.  EINVAL for an index out of range.
 */
#define VFIOFS_DEVICE_GET_IRQ_INFO \
	_IOWR(VFIOFS_IOCTL_TYPE, VFIOFS_IOCTL_BASE + 2, struct vfio_irq_info)

/*
 * The irq file's commands in binary; they behave exactly as the text
 * commands (same checks, same events on irq).  Fields that an action does
 * not use must be as given:
 *
 *   action              index                        start   count
 *   VFIOFS_IRQ_ENABLE   VFIO_PCI_INTX_IRQ_INDEX      0       1        "intx"
 *                       VFIO_PCI_MSI_IRQ_INDEX       0       N        "msi N"
 *                       VFIO_PCI_MSIX_IRQ_INDEX      0       N        "msix N"
 *   VFIOFS_IRQ_DISABLE  the current mode's index     0       0        "off"
 *                       (any of the three when off)
 *   VFIOFS_IRQ_TRIGGER  the current mode's index     V       1        "trigger V"
 *   VFIOFS_IRQ_UNMASK   VFIO_PCI_INTX_IRQ_INDEX      0       1        "unmask"
 *
 * EINVAL for anything else, and whenever the text command fails with EINVAL.
 */
struct vfiofs_irq_set {
	uint32_t action;  /* VFIOFS_IRQ_* */
	uint32_t index;   /* VFIO_PCI_*_IRQ_INDEX */
	uint32_t start;
	uint32_t count;
};

#define VFIOFS_IRQ_ENABLE  1
#define VFIOFS_IRQ_DISABLE 2
#define VFIOFS_IRQ_TRIGGER 3
#define VFIOFS_IRQ_UNMASK  4

#define VFIOFS_DEVICE_SET_IRQS \
	_IOW(VFIOFS_IOCTL_TYPE, VFIOFS_IOCTL_BASE + 3, struct vfiofs_irq_set)

/*
 * Writing "1" to reset: interrupts off, then VFIO_DEVICE_RESET.  ENOTTY
 * when the device has no reset method (VFIO_DEVICE_FLAGS_RESET clear in
 * VFIOFS_DEVICE_GET_INFO tells beforehand).
 */
#define VFIOFS_DEVICE_RESET _IO(VFIOFS_IOCTL_TYPE, VFIOFS_IOCTL_BASE + 4)

/*
 * On dma/NAME.  size is the buffer's size (st_size); with VFIOFS_DMA_MAPPED
 * the buffer is mapped for DMA at iova (user.vfio.iova) with memory of
 * page_size pages.  An unsized or unlinked buffer has no flags, iova 0 and
 * page_size 0.
 */
struct vfiofs_dma_info {
	uint64_t iova;
	uint64_t size;
	uint64_t page_size;
	uint32_t flags;  /* VFIOFS_DMA_* */
	uint32_t pad;
};

#define VFIOFS_DMA_MAPPED (1u << 0)

#define VFIOFS_DMA_GET_INFO \
	_IOR(VFIOFS_IOCTL_TYPE, VFIOFS_IOCTL_BASE + 8, struct vfiofs_dma_info)

#endif /* VFIOFS_H */
