#include "vfio/info_cap.h"

#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/ioctl.h>

size_t vfio_info_cap_find(const void *info, size_t size, size_t fixed_size, uint32_t offset,
			  uint16_t id)
{
	while (offset >= fixed_size && offset % 4 == 0 &&
	       (size_t)offset + sizeof(struct vfio_info_cap_header) <= size) {
		struct vfio_info_cap_header h;

		memcpy(&h, (const char *)info + offset, sizeof(h));
		if (h.id == id)
			return offset;
		if (h.next <= offset)
			break;  /* a chain must move forward; stop rather than loop */
		offset = h.next;
	}
	return 0;
}

void vfio_info_sparse_areas(const void *info, size_t size, size_t cap,
			    void (*fn)(uint64_t offset, uint64_t size, void *data), void *data)
{
	const size_t areas_at = offsetof(struct vfio_region_info_cap_sparse_mmap, areas);
	const char *p = info;
	struct vfio_region_info_cap_sparse_mmap head;
	size_t room;

	if (cap > size || size - cap < areas_at)
		return;
	/* Copied out: capabilities sit at 4-byte offsets, areas hold 8-byte fields. */
	memcpy(&head, p + cap, areas_at);
	room = (size - cap - areas_at) / sizeof(struct vfio_region_sparse_mmap_area);
	for (size_t i = 0; i < MIN((size_t)head.nr_areas, room); i++) {
		struct vfio_region_sparse_mmap_area a;

		memcpy(&a, p + cap + areas_at + i * sizeof(a), sizeof(a));
		fn(a.offset, a.size, data);
	}
}

void *vfio_info_ioctl(int fd, unsigned long request, const void *query, uint32_t size,
		      uint32_t *answer_size)
{
	uint32_t room = size;
	uint8_t *info = NULL;

	for (;;) {
		/* Each try starts from the query (argsz first), with all the room asked for. */
		info = g_realloc(info, room);
		memset(info, 0, room);
		memcpy(info, query, size);
		memcpy(info, &room, sizeof(room));
		if (ioctl(fd, request, info) < 0) {
			int e = errno;

			g_free(info);
			errno = e;
			return NULL;
		}
		if (*(uint32_t *)info <= room) {
			*answer_size = room;
			return info;
		}
		room = *(uint32_t *)info;
	}
}
