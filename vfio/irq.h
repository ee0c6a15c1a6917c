/*
 * A device's interrupt indexes (INTx, MSI, MSI-X, ...) and their control
 * through the transport's set_irqs (vfio/irq.c).
 */
#pragma once

#include <stdint.h>

struct vfio_device;

struct vfio_irq_index {
	unsigned index;       /* VFIO_PCI_*_IRQ_INDEX */
	const char *name;     /* "intx", "msi", "msix", "err", "req" */
	uint32_t flags;       /* VFIO_IRQ_INFO_* */
	uint32_t count;
};

/* What vfiofs calls VFIO PCI irq indexes ("intx", "msi", "msix", ...); NULL past them. */
const char *vfio_irq_name(unsigned index);

/*
 * Below, index is VFIO_PCI_{INTX,MSI,MSIX}_IRQ_INDEX; each returns 0 or
 * -errno and changes nothing on failure.
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
