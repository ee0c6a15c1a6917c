/* Interrupt control through the transport's set_irqs (VFIO_DEVICE_SET_IRQS or its vfio-user message). */
#define G_LOG_DOMAIN "irq"
#include "vfio/device.h"
#include "vfio/irq.h"

#include <errno.h>
#include <glib.h>
#include <linux/vfio.h>

static const char *const irq_names[VFIO_PCI_NUM_IRQS] = {
	[VFIO_PCI_INTX_IRQ_INDEX] = "intx", [VFIO_PCI_MSI_IRQ_INDEX] = "msi",
	[VFIO_PCI_MSIX_IRQ_INDEX] = "msix", [VFIO_PCI_ERR_IRQ_INDEX] = "err",
	[VFIO_PCI_REQ_IRQ_INDEX] = "req",
};

const char *vfio_irq_name(unsigned index)
{
	return index < G_N_ELEMENTS(irq_names) ? irq_names[index] : NULL;
}

/* The index exists, the device offers it, and [vector, vector + count) fits. */
static bool irq_fits(struct vfio_device *d, unsigned index, unsigned vector, unsigned count)
{
	const struct vfio_irq_index *irq = vfio_device_irq(d, index);

	return irq && irq->count && vector < irq->count && count <= irq->count - vector;
}

int vfio_irq_enable(struct vfio_device *d, unsigned index, unsigned count, const int32_t *fds)
{
	if (count == 0 || !irq_fits(d, index, 0, count))
		return -EINVAL;
	return d->ops->set_irqs(d, index, 0, count,
				VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, fds);
}

int vfio_irq_disable(struct vfio_device *d, unsigned index)
{
	if (!irq_fits(d, index, 0, 0))
		return -EINVAL;
	/* count 0 with DATA_NONE: the kernel's way to turn an index off */
	return d->ops->set_irqs(d, index, 0, 0, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
				NULL);
}

int vfio_irq_unmask(struct vfio_device *d, unsigned index, unsigned vector)
{
	if (!irq_fits(d, index, vector, 1))
		return -EINVAL;
	return d->ops->set_irqs(d, index, vector, 1, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
				NULL);
}

int vfio_irq_trigger(struct vfio_device *d, unsigned index, unsigned vector)
{
	if (!irq_fits(d, index, vector, 1))
		return -EINVAL;
	return d->ops->set_irqs(d, index, vector, 1, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
				NULL);
}

int vfio_irq_set_trigger(struct vfio_device *d, unsigned index, unsigned vector, int32_t fd)
{
	if (fd < 0 || !irq_fits(d, index, vector, 1))
		return -EINVAL;
	/* One vector of an enabled index: the others keep their eventfds. */
	return d->ops->set_irqs(d, index, vector, 1, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
				&fd);
}

int vfio_irq_set_unmask_fd(struct vfio_device *d, unsigned index, unsigned vector, int32_t fd)
{
	if (!irq_fits(d, index, vector, 1))
		return -EINVAL;
	/* fd -1 is the kernel's way to take the unmask eventfd away again. */
	return d->ops->set_irqs(d, index, vector, 1, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK,
				&fd);
}
