#include "fs/text.h"
#include "vfio/container.h"
#include "vfio/device.h"

#include <glib.h>

char *fs_container_text(const struct vfio_container *c)
{
	GString *s = g_string_new(NULL);

	g_string_append_printf(s, "backend %s\n", c->ops->name);
	g_string_append_printf(s, "iommu %s\n", c->iommu_model ? c->iommu_model : "none");
	g_string_append_printf(s, "page_sizes 0x%" G_GINT64_MODIFIER "x\n", c->page_sizes);
	for (guint i = 0; i < c->iova_ranges->len; i++) {
		const struct vfio_iova_span *r = &g_array_index(c->iova_ranges, struct vfio_iova_span, i);

		g_string_append_printf(s, "iova_range 0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER "x\n",
				       r->start, r->last);
	}
	for (guint i = 0; i < c->mappings->len; i++) {
		const struct vfio_dma_mapping *m = c->mappings->pdata[i];

		g_string_append_printf(s, "mapping 0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER "x %"
				       G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %s\n", m->iova,
				       m->iova + m->size - 1, m->size, m->page_size, m->label);
	}
	for (guint i = 0; i < c->devices->len; i++) {
		const struct vfio_device *d = g_ptr_array_index(c->devices, i);

		g_string_append_printf(s, "device %s %d\n", d->name, d->group);
	}
	return g_string_free(s, FALSE);
}
