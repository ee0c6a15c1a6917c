#include "fs/text.h"
#include "vfio/container.h"

#include <glib.h>

char *fs_container_text(const struct vfio_container_info *c)
{
	GString *s = g_string_new(NULL);

	g_string_append_printf(s, "backend %s\n", c->backend);
	g_string_append_printf(s, "iommu %s\n", c->iommu_model);
	g_string_append_printf(s, "page_sizes 0x%" G_GINT64_MODIFIER "x\n", c->page_sizes);
	for (guint i = 0; i < c->ranges->len; i++) {
		const struct vfio_iova_span *r = &g_array_index(c->ranges, struct vfio_iova_span, i);

		g_string_append_printf(s, "iova_range 0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER "x\n",
				       r->start, r->last);
	}
	for (guint i = 0; i < c->mappings->len; i++) {
		const struct vfio_container_mapping_info *m =
			&g_array_index(c->mappings, struct vfio_container_mapping_info, i);

		g_string_append_printf(s, "mapping 0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER "x %"
				       G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %s\n", m->iova,
				       m->iova + m->size - 1, m->size, m->page_size, m->label);
	}
	for (guint i = 0; i < c->devices->len; i++) {
		const struct vfio_container_device_info *d =
			&g_array_index(c->devices, struct vfio_container_device_info, i);

		g_string_append_printf(s, "device %s %d %s\n", d->name, d->group, d->transport);
	}
	for (guint i = 0; i < c->spaces->len; i++)
		g_string_append_printf(s, "dma_space %s\n", (const char *)c->spaces->pdata[i]);
	return g_string_free(s, FALSE);
}
