#include "vfio/info_cap.h"

#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/ioctl.h>

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
