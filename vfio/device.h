/*
 * A VFIO device: its regions (config space, BARs, ROM), interrupt indexes and
 * reset, reached through a table of operations so that other transports
 * (iommufd's device cdev, a vfio-user client) slot in beside the kernel's
 * device file.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "vfio/pci_addr.h"

struct vfio_container;
struct vfio_device;
struct vfio_device_info;
struct vfio_dma_space;

/* A device's name: a canonical PCI address, or a vfio-user device's socket name. */
#define VFIO_DEVICE_NAME_MAX 256

/* A part of a region the backend lets us map (VFIO "sparse mmap" areas). */
struct vfio_mmap_area {
	uint64_t offset;  /* within the region */
	uint64_t size;
	void *addr;       /* the daemon's own mapping, or NULL if mapping failed */
};

struct vfio_region {
	unsigned index;       /* VFIO region index */
	const char *name;     /* "config", "bar0".."bar5", "rom" */
	uint32_t flags;       /* VFIO_REGION_INFO_FLAG_* */
	uint64_t size;        /* 0: the device does not implement it */
	uint64_t fd_offset;   /* where the region starts in mmap_fd */
	int mmap_fd;          /* what its areas are mapped from (owned by the backend), or -1 */
	GArray *areas;        /* struct vfio_mmap_area, ascending, may be empty */
};

struct vfio_irq_index {
	unsigned index;       /* VFIO_PCI_*_IRQ_INDEX */
	const char *name;     /* "intx", "msi", "msix", "err", "req" */
	uint32_t flags;       /* VFIO_IRQ_INFO_* */
	uint32_t count;
};

/* Identity read from the standard configuration header. */
struct vfio_pci_ids {
	uint16_t vendor, device;
	uint16_t subsystem_vendor, subsystem_device;
	uint32_t class_code;  /* base class, subclass, prog-if */
	uint8_t revision;
};

struct vfio_device_ops {
	const char *transport;  /* "vfio-pci", "vfio-user": what info calls it */
	/*
	 * Learns the device: vfio_device_take_info() with the transport's
	 * struct vfio_device_info, then fills each region and irq index.
	 */
	bool (*query)(struct vfio_device *d, GError **err);
	/* One access of exactly width bytes at off in r; 0 or -errno. */
	int (*read)(struct vfio_device *d, const struct vfio_region *r, void *buf,
		    unsigned width, uint64_t off);
	int (*write)(struct vfio_device *d, const struct vfio_region *r, const void *buf,
		     unsigned width, uint64_t off);
	/* Maps an mmap-able area into the daemon; NULL if it cannot (NULL op: vfio_region_map_area). */
	void *(*map_area)(struct vfio_device *d, const struct vfio_region *r,
			  const struct vfio_mmap_area *a);
	/*
	 * VFIO_DEVICE_SET_IRQS: flags are VFIO_IRQ_SET_DATA_* | VFIO_IRQ_SET_ACTION_*;
	 * fds (count of them) only with DATA_EVENTFD.  0 or -errno.
	 */
	int (*set_irqs)(struct vfio_device *d, unsigned index, unsigned start, unsigned count,
			uint32_t flags, const int32_t *fds);
	/* 0, -ENOTTY without reset support, or another -errno. */
	int (*reset)(struct vfio_device *d);
	/* Appends the transport's own "key value" lines for info (may be NULL). */
	void (*describe)(struct vfio_device *d, GString *out);
	/* Releases what the backend holds (descriptors, connection, d->priv). */
	void (*close)(struct vfio_device *d);
};

struct vfio_device {
	struct vfio_container *container;
	const struct vfio_device_ops *ops;
	char name[VFIO_DEVICE_NAME_MAX];
	int fd;               /* backend's device handle, -1 if none */
	int group;            /* IOMMU group number, -1 if the backend has none */
	/* The device's own DMA space (a vfio-user connection), NULL if it shares the kernel's. */
	struct vfio_dma_space *dma_space;
	void *priv;           /* the backend's own state */
	gint lost;            /* the transport lost the device for good (atomic) */
	gint lost_told;       /* the lost handler ran (atomic) */
	void (*lost_fn)(void *data);
	void *lost_data;
	uint32_t flags;       /* VFIO_DEVICE_FLAGS_* */
	unsigned num_regions;
	struct vfio_region *regions;
	unsigned num_irqs;
	struct vfio_irq_index *irqs;
	struct vfio_pci_ids ids;
};

/* Backend over the kernel's VFIO device file (legacy groups, later iommufd). */
extern const struct vfio_device_ops vfio_device_ioctl_ops;

/*
 * fn(data) runs once, on whatever thread notices, when the transport loses
 * the device for good (a vfio-user server that died or broke the protocol),
 * at once if it already has.  It must not block: defer real work.
 */
void vfio_device_on_lost(struct vfio_device *d, void (*fn)(void *data), void *data);
/* For transports: the device is gone; every later access fails with ENODEV. */
void vfio_device_mark_lost(struct vfio_device *d);
bool vfio_device_is_lost(const struct vfio_device *d);

/* What vfiofs calls VFIO PCI region and irq indexes ("bar0", "config", "msix"...); NULL past them. */
const char *vfio_region_name(unsigned index);
const char *vfio_irq_name(unsigned index);

/* "transport NAME" and the backend's own lines, for info. */
void vfio_device_describe(struct vfio_device *d, GString *out);
/* Maps an mmap-able area of r from r->mmap_fd into the daemon; NULL if it cannot. */
void *vfio_region_map_area(const struct vfio_device *d, const struct vfio_region *r,
			   const struct vfio_mmap_area *a);

/* Learns regions and irqs, maps what can be mapped, reads the PCI identity. */
bool vfio_device_setup(struct vfio_device *d, GError **err);
/*
 * For a transport's query: takes info (a PCI device, else ENODEV with
 * why_not) and makes room for its regions and irq indexes (each index
 * numbered and named) for the transport to fill.
 */
bool vfio_device_take_info(struct vfio_device *d, const struct vfio_device_info *info,
			   const char *why_not, GError **err);
/* Unmaps and releases what setup and the backend hold; d stays allocated. */
void vfio_device_teardown(struct vfio_device *d);

/* The region with this VFIO index, or NULL if the device does not implement it. */
struct vfio_region *vfio_device_region(struct vfio_device *d, unsigned index);
const struct vfio_irq_index *vfio_device_irq(const struct vfio_device *d, unsigned index);
bool vfio_device_can_reset(const struct vfio_device *d);
/* Sets the command register's Bus Master Enable (needed for DMA and MSI); 0 or -errno. */
int vfio_device_enable_bus_master(struct vfio_device *d);
int vfio_device_reset(struct vfio_device *d);

/*
 * Interrupts (vfio/irq.c).  index is VFIO_PCI_{INTX,MSI,MSIX}_IRQ_INDEX; each
 * returns 0 or -errno and changes nothing on failure.
 */
/* Signals vector i of index on fds[i], for i < count (enables the index). */
int vfio_irq_enable(struct vfio_device *d, unsigned index, unsigned count, const int32_t *fds);
int vfio_irq_disable(struct vfio_device *d, unsigned index);
int vfio_irq_unmask(struct vfio_device *d, unsigned index, unsigned vector);
/* Fires a vector in software, as if the device had raised it. */
int vfio_irq_trigger(struct vfio_device *d, unsigned index, unsigned vector);
/* Signals one vector of the enabled index on fd from now on (the previous eventfd no longer). */
int vfio_irq_set_trigger(struct vfio_device *d, unsigned index, unsigned vector, int32_t fd);
/*
 * A write to fd unmasks the (INTx) vector, with no call of ours in between;
 * fd -1 takes that eventfd away again.
 */
int vfio_irq_set_unmask_fd(struct vfio_device *d, unsigned index, unsigned vector, int32_t fd);

/*
 * Where a client maps the mmap-able area of r holding offset itself: a
 * descriptor it may mmap (r->mmap_fd: owned by the device, not to be closed), the
 * offset to pass to mmap, and the area.  EINVAL if offset is in no
 * mmap-able area; ENODEV if the backend has no descriptor for it (a
 * vfio-user link that carries none).
 */
int vfio_region_area_source(const struct vfio_device *d, const struct vfio_region *r,
			    uint64_t offset, int *fd, uint64_t *fd_offset,
			    struct vfio_mmap_area *area);

/* Region access with the widths the spec promises; bytes done, or -errno if none. */
ssize_t vfio_region_read(struct vfio_device *d, const struct vfio_region *r,
			 void *buf, size_t len, uint64_t off);
ssize_t vfio_region_write(struct vfio_device *d, const struct vfio_region *r,
			  const void *buf, size_t len, uint64_t off);
