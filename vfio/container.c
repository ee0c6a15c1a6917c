#define G_LOG_DOMAIN "container"
#include "vfio/container.h"
#include "vfio/device.h"
#include "vfio/error.h"
#include "vfio/iova.h"

#include <string.h>

struct vfio_container *vfio_container_new(const struct vfio_container_ops *ops, GError **err)
{
	struct vfio_container *c = g_new0(struct vfio_container, 1);

	c->ops = ops;
	c->fd = -1;
	c->iova_ranges = g_array_new(FALSE, FALSE, sizeof(struct vfio_iova_span));
	c->devices = g_ptr_array_new();
	c->mappings = g_ptr_array_new();
	c->iova_max = UINT64_MAX;
	c->iova = vfio_iova_allocator_new(c->iova_max);
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
	while (c->mappings->len)
		vfio_container_unmap(c, ((struct vfio_dma_mapping *)c->mappings->pdata[0])->iova, NULL);
	while (c->devices->len)
		vfio_container_detach(c, g_ptr_array_index(c->devices, c->devices->len - 1));
	c->ops->close(c);
	g_array_unref(c->iova_ranges);
	g_ptr_array_unref(c->devices);
	g_ptr_array_unref(c->mappings);
	vfio_iova_allocator_free(c->iova);
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

void vfio_container_set_iova_max(struct vfio_container *c, uint64_t max)
{
	g_mutex_lock(&c->lock);
	c->iova_max = max;
	vfio_iova_allocator_free(c->iova);
	c->iova = vfio_iova_allocator_new(max);
	g_mutex_unlock(&c->lock);
}

static void mapping_free(struct vfio_dma_mapping *m)
{
	g_free(m->label);
	g_free(m);
}

static guint mapping_index_from(const struct vfio_container *c, uint64_t iova)
{
	guint i = 0;

	while (i < c->mappings->len &&
	       ((struct vfio_dma_mapping *)c->mappings->pdata[i])->iova +
	       ((struct vfio_dma_mapping *)c->mappings->pdata[i])->size - 1 < iova)
		i++;
	return i;
}

const struct vfio_dma_mapping *vfio_container_mapping_from(const struct vfio_container *c,
							  uint64_t iova)
{
	guint i = mapping_index_from(c, iova);

	return i < c->mappings->len ? c->mappings->pdata[i] : NULL;
}

static bool take_iova(struct vfio_container *c, uint64_t size, uint64_t align,
		      const uint64_t *fixed_iova, uint64_t *iova, GError **err)
{
	/* The valid ranges change when the IOMMU is set up anew: read them each time. */
	vfio_iova_set_ranges(c->iova, (const struct vfio_iova_span *)c->iova_ranges->data,
			     c->iova_ranges->len);
	if (!fixed_iova)
		return vfio_iova_alloc(c->iova, size, align, iova, err);
	*iova = *fixed_iova;
	return vfio_iova_reserve(c->iova, *iova, size, err);
}

bool vfio_container_check_iova(struct vfio_container *c, uint64_t iova, uint64_t size, GError **err)
{
	bool ok;

	g_mutex_lock(&c->lock);
	vfio_iova_set_ranges(c->iova, (const struct vfio_iova_span *)c->iova_ranges->data,
			     c->iova_ranges->len);
	ok = vfio_iova_check(c->iova, iova, size ? size : 1, err);
	g_mutex_unlock(&c->lock);
	return ok;
}

bool vfio_container_map(struct vfio_container *c, void *vaddr, uint64_t size, uint64_t align,
			uint64_t page_size, const uint64_t *fixed_iova, const char *label,
			uint64_t *iova, GError **err)
{
	struct vfio_dma_mapping *m;
	bool ok = false;

	g_mutex_lock(&c->lock);
	if (!c->iommu_model) {
		vfio_set_error(err, ENODEV, "no device is attached, so there is no IOMMU to map into");
		goto out;
	}
	if (!take_iova(c, size, align, fixed_iova, iova, err))
		goto out;
	if (!c->ops->dma_map(c, vaddr, *iova, size, err)) {
		vfio_iova_release(c->iova, *iova);
		goto out;
	}
	m = g_new0(struct vfio_dma_mapping, 1);
	*m = (struct vfio_dma_mapping){ *iova, size, page_size, vaddr, g_strdup(label) };
	g_ptr_array_insert(c->mappings, mapping_index_from(c, *iova), m);
	ok = true;
out:
	g_mutex_unlock(&c->lock);
	return ok;
}

bool vfio_container_unmap(struct vfio_container *c, uint64_t iova, GError **err)
{
	struct vfio_dma_mapping *m;
	guint i;
	bool ok = true;

	g_mutex_lock(&c->lock);
	i = mapping_index_from(c, iova);
	if (i == c->mappings->len || (m = c->mappings->pdata[i])->iova != iova) {
		vfio_set_error(err, ENOENT, "no mapping starts at IOVA %#" G_GINT64_MODIFIER "x", iova);
		g_mutex_unlock(&c->lock);
		return false;
	}
	/* Without an IOMMU (every device detached) the kernel already dropped it. */
	if (c->iommu_model)
		ok = c->ops->dma_unmap(c, m->iova, m->size, err);
	g_ptr_array_remove_index(c->mappings, i);
	vfio_iova_release(c->iova, m->iova);
	mapping_free(m);
	g_mutex_unlock(&c->lock);
	return ok;
}

void vfio_container_relabel(struct vfio_container *c, uint64_t iova, const char *label)
{
	g_mutex_lock(&c->lock);
	for (guint i = 0; i < c->mappings->len; i++) {
		struct vfio_dma_mapping *m = c->mappings->pdata[i];

		if (m->iova == iova) {
			g_free(m->label);
			m->label = g_strdup(label);
		}
	}
	g_mutex_unlock(&c->lock);
}

bool vfio_container_replay(struct vfio_container *c, GError **err)
{
	for (guint i = 0; i < c->mappings->len; i++) {
		struct vfio_dma_mapping *m = c->mappings->pdata[i];

		if (!c->ops->dma_map(c, m->vaddr, m->iova, m->size, err))
			return false;
	}
	return true;
}
