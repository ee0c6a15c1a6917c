/*
 * VFIO info structures carry a chain of capabilities after their fixed
 * part.  The kernel packs them at 4-byte offsets, so a capability is found
 * here and then copied out, never dereferenced in place beyond its header.
 */
#pragma once

#include <linux/vfio.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Runs an info ioctl whose answer can outgrow its fixed part: first with
 * the request (size bytes, argsz first), then again with the room the
 * kernel asked for in argsz.  Returns the answer (g_free it) and its size,
 * or NULL with errno set.
 */
void *vfio_info_ioctl(int fd, unsigned long request, const void *query, uint32_t size,
		      uint32_t *answer_size);

/* The first capability with this id in info (size bytes, chain from offset), or NULL. */
const struct vfio_info_cap_header *vfio_info_find_cap(const void *info, size_t size,
						      uint32_t offset, uint16_t id);
