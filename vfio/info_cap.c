#include "vfio/info_cap.h"

const struct vfio_info_cap_header *vfio_info_find_cap(const void *info, size_t size,
						      uint32_t offset, uint16_t id)
{
	while (offset && offset % 4 == 0 && offset + sizeof(struct vfio_info_cap_header) <= size) {
		const struct vfio_info_cap_header *h = (const void *)((const char *)info + offset);

		if (h->id == id)
			return h;
		if (h->next <= offset)
			break;  /* a chain must move forward; stop rather than loop */
		offset = h->next;
	}
	return NULL;
}
