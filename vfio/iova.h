/*
 * IO virtual address allocation: hands out the lowest free range that fits,
 * aligned as asked, inside the IOMMU's valid ranges and under a ceiling;
 * takes fixed-address requests; never lets two ranges overlap.  Pure
 * bookkeeping (no VFIO), unit-tested in tests/unit/vfio/test_iova.c.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct vfio_iova_allocator;

/* A range of IOVAs, both ends inclusive. */
struct vfio_iova_span {
	uint64_t start;
	uint64_t last;
};

/* An address as users write one: hex with 0x, or decimal (never octal); false if malformed. */
bool vfio_iova_parse(const char *text, uint64_t *out);

/* max: the highest IOVA that may be handed out (inclusive); UINT64_MAX for no ceiling. */
struct vfio_iova_allocator *vfio_iova_allocator_new(uint64_t max);
void vfio_iova_allocator_free(struct vfio_iova_allocator *a);
/* The valid ranges (ascending, inclusive ends), as the IOMMU reports them. */
void vfio_iova_set_ranges(struct vfio_iova_allocator *a, const struct vfio_iova_span *ranges,
			  unsigned n);

/*
 * The lowest free, align-aligned range of size bytes (size and align
 * non-zero, align a power of two).  IOVA 0 is handed out only on request: to
 * many devices a zero address means "none".  ENOSPC when nothing fits.
 */
bool vfio_iova_alloc(struct vfio_iova_allocator *a, uint64_t size, uint64_t align,
		     uint64_t *iova, GError **err);
/* Takes [iova, iova + size) as asked: EINVAL outside the valid space, EBUSY if taken. */
bool vfio_iova_reserve(struct vfio_iova_allocator *a, uint64_t iova, uint64_t size, GError **err);
/* Checks a fixed request without taking it (same errors as reserve). */
bool vfio_iova_check(struct vfio_iova_allocator *a, uint64_t iova, uint64_t size, GError **err);
/* Gives back the range that starts at iova. */
void vfio_iova_release(struct vfio_iova_allocator *a, uint64_t iova);
