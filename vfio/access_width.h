/*
 * How a byte range of a device region becomes device accesses.  The rule
 * (SPEC "Region files"): an aligned 1/2/4/8-byte request is one access of
 * that width; anything else is split into the widest naturally aligned
 * accesses, in ascending address order.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Width in bytes (8, 4, 2 or 1) of the access that starts at addr with len (> 0) bytes left. */
static inline unsigned vfio_access_width(uint64_t addr, size_t len)
{
	unsigned width = 8;

	while (width > 1 && (width > len || (addr & (width - 1))))
		width /= 2;
	return width;
}
