#define G_LOG_DOMAIN "iova"
#include "vfio/iova.h"
#include "vfio/error.h"

#include <string.h>

/* The first page stays free unless asked for: a zero DMA address means "none" to many devices. */
#define FIRST_AUTO_IOVA 0x1000

struct vfio_iova_allocator {
	uint64_t max;
	GArray *valid;  /* struct vfio_iova_span, ascending */
	GArray *used;   /* struct vfio_iova_span, ascending, never overlapping */
};

bool vfio_iova_parse(const char *text, uint64_t *out)
{
	bool hex = g_str_has_prefix(text, "0x") || g_str_has_prefix(text, "0X");
	const char *digits = hex ? text + 2 : text;
	char *end;

	if (!*digits || strspn(digits, hex ? "0123456789abcdefABCDEF" : "0123456789") != strlen(digits))
		return false;
	errno = 0;
	*out = g_ascii_strtoull(digits, &end, hex ? 16 : 10);
	return errno == 0 && *end == '\0';
}

struct vfio_iova_allocator *vfio_iova_allocator_new(uint64_t max)
{
	struct vfio_iova_allocator *a = g_new0(struct vfio_iova_allocator, 1);

	a->max = max;
	a->valid = g_array_new(FALSE, FALSE, sizeof(struct vfio_iova_span));
	a->used = g_array_new(FALSE, FALSE, sizeof(struct vfio_iova_span));
	return a;
}

void vfio_iova_allocator_free(struct vfio_iova_allocator *a)
{
	if (!a)
		return;
	g_array_unref(a->valid);
	g_array_unref(a->used);
	g_free(a);
}

void vfio_iova_set_ranges(struct vfio_iova_allocator *a, const struct vfio_iova_span *ranges,
			  unsigned n)
{
	g_array_set_size(a->valid, 0);
	g_array_append_vals(a->valid, ranges, n);
}

static const struct vfio_iova_span *span(GArray *arr, guint i)
{
	return &g_array_index(arr, struct vfio_iova_span, i);
}

/* Rounds v up to align; false on overflow. */
static bool align_up(uint64_t v, uint64_t align, uint64_t *out)
{
	uint64_t r = (v + align - 1) & ~(align - 1);

	if (r < v)
		return false;
	*out = r;
	return true;
}

/* Index of the first used span that ends at or after start. */
static guint first_used_from(const struct vfio_iova_allocator *a, uint64_t start)
{
	guint i = 0;

	while (i < a->used->len && span(a->used, i)->last < start)
		i++;
	return i;
}

static void insert_used(struct vfio_iova_allocator *a, uint64_t iova, uint64_t size)
{
	struct vfio_iova_span s = { iova, iova + size - 1 };

	g_array_insert_val(a->used, first_used_from(a, iova), s);
}

/* The lowest aligned start in [lo, hi] where size bytes fit between used spans. */
static bool fit_in(const struct vfio_iova_allocator *a, uint64_t lo, uint64_t hi, uint64_t size,
		   uint64_t align, uint64_t *out)
{
	uint64_t start;
	guint i = first_used_from(a, lo);

	if (!align_up(lo, align, &start))
		return false;
	for (;;) {
		uint64_t last = start + size - 1;

		if (last < start || last > hi)
			return false;
		if (i == a->used->len || last < span(a->used, i)->start) {
			*out = start;
			return true;
		}
		/* Overlaps span i: try just after it. */
		if (span(a->used, i)->last == UINT64_MAX ||
		    !align_up(span(a->used, i)->last + 1, align, &start))
			return false;
		i++;
	}
}

bool vfio_iova_alloc(struct vfio_iova_allocator *a, uint64_t size, uint64_t align,
		     uint64_t *iova, GError **err)
{
	for (guint r = 0; size && r < a->valid->len; r++) {
		uint64_t lo = MAX(span(a->valid, r)->start, FIRST_AUTO_IOVA);
		uint64_t hi = MIN(span(a->valid, r)->last, a->max);

		if (lo <= hi && fit_in(a, lo, hi, size, align, iova)) {
			insert_used(a, *iova, size);
			return true;
		}
	}
	vfio_set_error(err, ENOSPC,
		       "no free IOVA range of %" G_GUINT64_FORMAT " bytes (aligned to %" G_GUINT64_FORMAT
		       ") below %#" G_GINT64_MODIFIER "x; free a buffer or raise iova_max",
		       size, align, a->max);
	return false;
}

bool vfio_iova_check(struct vfio_iova_allocator *a, uint64_t iova, uint64_t size, GError **err)
{
	uint64_t last = iova + size - 1;
	bool inside = false;
	guint i;

	if (!size || last < iova || last > a->max) {
		vfio_set_error(err, EINVAL, "IOVA %#" G_GINT64_MODIFIER "x + %" G_GUINT64_FORMAT
			       " is above iova_max %#" G_GINT64_MODIFIER "x", iova, size, a->max);
		return false;
	}
	for (guint r = 0; r < a->valid->len; r++)
		inside |= iova >= span(a->valid, r)->start && last <= span(a->valid, r)->last;
	if (!inside) {
		vfio_set_error(err, EINVAL, "IOVA %#" G_GINT64_MODIFIER "x + %" G_GUINT64_FORMAT
			       " is not inside one valid IOVA range (see the container file)", iova, size);
		return false;
	}
	i = first_used_from(a, iova);
	if (i < a->used->len && span(a->used, i)->start <= last) {
		vfio_set_error(err, EBUSY, "IOVA %#" G_GINT64_MODIFIER "x + %" G_GUINT64_FORMAT
			       " overlaps the mapping at %#" G_GINT64_MODIFIER "x", iova, size,
			       span(a->used, i)->start);
		return false;
	}
	return true;
}

bool vfio_iova_reserve(struct vfio_iova_allocator *a, uint64_t iova, uint64_t size, GError **err)
{
	if (!vfio_iova_check(a, iova, size, err))
		return false;
	insert_used(a, iova, size);
	return true;
}

void vfio_iova_release(struct vfio_iova_allocator *a, uint64_t iova)
{
	for (guint i = 0; i < a->used->len; i++)
		if (span(a->used, i)->start == iova) {
			g_array_remove_index(a->used, i);
			return;
		}
}
