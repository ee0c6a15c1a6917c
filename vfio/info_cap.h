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

/*
 * Where the first capability with this id starts in info (size bytes: a
 * fixed part of fixed_size bytes, then the chain from offset), or 0.  Each
 * step must move forward and stay past the fixed part, so a hostile chain
 * ends.  The one walker for the kernel's answers and a vfio-user server's.
 */
size_t vfio_info_cap_find(const void *info, size_t size, size_t fixed_size, uint32_t offset,
			  uint16_t id);
/*
 * Calls fn for each area of the sparse mmap capability at cap in info
 * (size bytes), as many as the answer holds.
 */
void vfio_info_sparse_areas(const void *info, size_t size, size_t cap,
			    void (*fn)(uint64_t offset, uint64_t size, void *data), void *data);
