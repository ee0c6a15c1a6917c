/*
 * A VFIO device: its regions (vfio/region.h), interrupt indexes
 * (vfio/irq.h), identity and reset, reached through a table of operations
 * so that every transport (the kernel's device file, a vfio-user client)
 * serves the same device.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "vfio/irq.h"
#include "vfio/pci_addr.h"
#include "vfio/region.h"

struct vfio_backend;
struct vfio_container;
struct vfio_device;
struct vfio_device_info;
struct vfio_dma_space;
struct trace_hub;

/* A device's name: a canonical PCI address, or a vfio-user device's socket name. */
#define VFIO_DEVICE_NAME_MAX 256

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
	 * What the device's name is, for info's first line: "address" (a PCI
	 * address on this machine) or "name" (one of the user's choosing).
	 */
	const char *name_key;
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
	struct vfio_backend *backend;  /* what reaches it (vfio/backend.h) */
	/* The device's own DMA space (a vfio-user connection), NULL if it shares its backend's. */
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
	/*
	 * Where the device's accesses are recorded (trace/trace_hub.h), set by
	 * fs/ while the device is attached; NULL: nowhere.  vfio/ records what
	 * it performs (region accesses, reset); a transport's message DMA goes
	 * to trace_dma, which fs/ sets to name the buffer (NULL: not recorded).
	 */
	struct trace_hub *trace;
	void (*trace_dma)(struct vfio_device *d, uint64_t iova, uint64_t len, bool write, int err);
	void *trace_data;
	/* The name of the register at offset of that width in a region, when fs/ knows one. */
	bool (*trace_name)(void *data, unsigned region, uint64_t offset, unsigned width, char *name,
			   size_t size);
	void *trace_name_data;
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

/* "transport NAME" and the backend's own lines, for info. */
void vfio_device_describe(struct vfio_device *d, GString *out);
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
