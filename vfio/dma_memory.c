#define G_LOG_DOMAIN "dma-memory"
#include "vfio/dma_memory.h"
#include "vfio/error.h"

#include <fcntl.h>
#include <linux/memfd.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE_2M (2u << 20)

static uint64_t round_up(uint64_t v, uint64_t to)
{
	return (v + to - 1) / to * to;
}

/* A memfd of size bytes with its space allocated now, so that a shortage shows here. */
static int sized_memfd(const char *name, unsigned flags, uint64_t size)
{
	g_autofree char *label = g_strdup_printf("vfiofs:%s", name);
	int fd = memfd_create(label, MFD_CLOEXEC | flags);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, size) < 0 || fallocate(fd, 0, 0, size) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Maps fd at an address aligned to align (a power of two). */
static void *map_aligned(int fd, uint64_t size, uint64_t align)
{
	uint8_t *area = mmap(NULL, size + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *start;

	if (area == MAP_FAILED)
		return NULL;
	start = (uint8_t *)(((uintptr_t)area + align - 1) & ~(uintptr_t)(align - 1));
	if (mmap(start, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED) {
		munmap(area, size + align);
		return NULL;
	}
	/* Give back the parts of the reservation around it. */
	if (start > area)
		munmap(area, start - area);
	if (area + size + align > start + size)
		munmap(start + size, area + size + align - (start + size));
	return start;
}

static bool try_hugetlb(struct vfio_dma_memory *m, const char *name, uint64_t size)
{
	uint64_t rounded = round_up(size, HUGE_2M);
	int fd = sized_memfd(name, MFD_HUGETLB, rounded);

	if (fd < 0)
		return false;
	m->addr = map_aligned(fd, rounded, HUGE_2M);
	if (!m->addr) {
		close(fd);
		return false;
	}
	*m = (struct vfio_dma_memory){ fd, m->addr, rounded, HUGE_2M, HUGE_2M, "hugetlb" };
	return true;
}

bool vfio_dma_memory_alloc(struct vfio_dma_memory *m, const char *name, uint64_t size,
			   bool hugepages, GError **err)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t rounded;
	int fd;

	if (hugepages) {
		if (try_hugetlb(m, name, size))
			return true;
		g_message("%s: no hugetlb pages free (%s); using transparent huge pages where the kernel "
			  "grants them (reserve some with: echo N > /proc/sys/vm/nr_hugepages)",
			  name, g_strerror(errno));
	}
	rounded = round_up(size, hugepages ? HUGE_2M : page);
	fd = sized_memfd(name, 0, rounded);
	if (fd < 0) {
		vfio_set_error(err, errno == ENOSPC ? ENOMEM : errno,
			       "cannot allocate %" G_GUINT64_FORMAT " bytes for %s: %s", rounded, name,
			       g_strerror(errno));
		return false;
	}
	m->addr = map_aligned(fd, rounded, hugepages ? HUGE_2M : page);
	if (!m->addr) {
		vfio_set_error(err, ENOMEM, "cannot map %" G_GUINT64_FORMAT " bytes for %s: %s", rounded,
			       name, g_strerror(errno));
		close(fd);
		return false;
	}
	if (hugepages)
		madvise(m->addr, rounded, MADV_HUGEPAGE);
	*m = (struct vfio_dma_memory){ fd, m->addr, rounded, page, hugepages ? HUGE_2M : page,
				       hugepages ? "thp" : "4k" };
	return true;
}

void vfio_dma_memory_free(struct vfio_dma_memory *m)
{
	if (m->addr)
		munmap(m->addr, m->size);
	if (m->fd >= 0)
		close(m->fd);
	m->addr = NULL;
	m->fd = -1;
}
