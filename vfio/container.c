#define G_LOG_DOMAIN "container"
#include "vfio/container.h"
#include "vfio/device.h"
#include "vfio/error.h"

#include <string.h>

struct vfio_container *vfio_container_new(const struct vfio_container_ops *ops, GError **err)
{
	struct vfio_container *c = g_new0(struct vfio_container, 1);

	c->ops = ops;
	c->fd = -1;
	c->iova_ranges = g_array_new(FALSE, FALSE, sizeof(struct vfio_iova_span));
	c->devices = g_ptr_array_new();
	g_mutex_init(&c->lock);
	if (!ops->open(c, err)) {
		vfio_container_free(c);
		return NULL;
	}
	return c;
}

void vfio_container_free(struct vfio_container *c)
{
	if (!c)
		return;
	while (c->devices->len)
		vfio_container_detach(c, g_ptr_array_index(c->devices, c->devices->len - 1));
	c->ops->close(c);
	g_array_unref(c->iova_ranges);
	g_ptr_array_unref(c->devices);
	g_mutex_clear(&c->lock);
	g_free(c);
}

static struct vfio_device *find_locked(struct vfio_container *c, const char *pci_addr)
{
	for (guint i = 0; i < c->devices->len; i++) {
		struct vfio_device *d = g_ptr_array_index(c->devices, i);

		if (strcmp(d->name, pci_addr) == 0)
			return d;
	}
	return NULL;
}

struct vfio_device *vfio_container_find(struct vfio_container *c, const char *pci_addr)
{
	struct vfio_device *d;

	g_mutex_lock(&c->lock);
	d = find_locked(c, pci_addr);
	g_mutex_unlock(&c->lock);
	return d;
}

struct vfio_device *vfio_container_attach(struct vfio_container *c, const char *pci_addr,
					  GError **err)
{
	struct vfio_device *d;

	g_mutex_lock(&c->lock);
	if (find_locked(c, pci_addr)) {
		vfio_set_error(err, EEXIST, "%s is already attached", pci_addr);
		g_mutex_unlock(&c->lock);
		return NULL;
	}
	d = g_new0(struct vfio_device, 1);
	d->container = c;
	d->fd = -1;
	d->group = -1;
	g_strlcpy(d->name, pci_addr, sizeof(d->name));
	if (!c->ops->attach_device(c, d, err))
		goto err_free;
	if (!vfio_device_setup(d, err))
		goto err_detach;
	g_ptr_array_add(c->devices, d);
	g_mutex_unlock(&c->lock);
	g_info("attached %s (IOMMU group %d)", d->name, d->group);
	return d;

err_detach:
	vfio_device_teardown(d);
	c->ops->detach_device(c, d);
err_free:
	g_free(d);
	g_mutex_unlock(&c->lock);
	return NULL;
}

void vfio_container_detach(struct vfio_container *c, struct vfio_device *d)
{
	g_mutex_lock(&c->lock);
	g_ptr_array_remove(c->devices, d);
	vfio_device_teardown(d);
	c->ops->detach_device(c, d);
	g_mutex_unlock(&c->lock);
	g_info("detached %s", d->name);
	g_free(d);
}
