#define G_LOG_DOMAIN "dma-memory"
#include "vfio/dma_memory.h"
#include "vfio/fd_limit.h"
#include "vfio/error.h"
#include "vfio/memlock.h"

#include <fcntl.h>
#include <linux/memfd.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE_2M (2u << 20)

static uint64_t round_up(uint64_t v, uint64_t to)
{
	return (v + to - 1) / to * to;
}

/*
 * Why the seals: the memfd leaves the daemon (the hand-off socket, vfio-user
 * DMA_MAP), and a holder that could shrink it would make the daemon's next
 * access to the cut-off pages a SIGBUS. SHRINK and GROW fix the size for
 * good; SEAL stops anyone adding F_SEAL_FUTURE_WRITE, which would refuse
 * writable mappings to every later client.
 */
#define BUFFER_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

/* A sealed memfd of size bytes with its space allocated now, so that a shortage shows here. */
static int sized_memfd(const char *name, unsigned flags, uint64_t size)
{
	g_autofree char *label = g_strdup_printf("vfiofs:%s", name);
	int fd = memfd_create(label, MFD_CLOEXEC | MFD_ALLOW_SEALING | flags);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, size) < 0 || fallocate(fd, 0, 0, size) < 0 ||
	    fcntl(fd, F_ADD_SEALS, BUFFER_SEALS) < 0) {
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

/* A /proc/meminfo figure: bytes for those in kB (KiB), else a count; false when it is missing. */
static bool meminfo(const char *field, uint64_t *value)
{
	g_autofree char *text = NULL;
	g_autofree char *key = g_strdup_printf("\n%s:", field);
	const char *at;
	char *end;

	if (!g_file_get_contents("/proc/meminfo", &text, NULL, NULL) || !(at = strstr(text, key)))
		return false;
	*value = g_ascii_strtoull(at + strlen(key), &end, 10);
	if (g_str_has_prefix(end, " kB"))
		*value *= 1024;
	return true;
}

/* Free 2 MiB hugetlb pages not yet promised to a mapping. */
static uint64_t hugetlb_pages_free(void)
{
	uint64_t page = 0, free_pages = 0, reserved = 0;

	if (!meminfo("Hugepagesize", &page) || page != HUGE_2M ||
	    !meminfo("HugePages_Free", &free_pages) || !meminfo("HugePages_Rsvd", &reserved))
		return 0;
	return free_pages > reserved ? free_pages - reserved : 0;
}

/* needed and free_pages are set when the pool was too small. */
static bool try_hugetlb(struct vfio_dma_memory *m, const char *name, uint64_t size,
			uint64_t *needed, uint64_t *free_pages)
{
	uint64_t rounded = round_up(size, HUGE_2M), have = hugetlb_pages_free();
	int fd;

	/* Looked at first: a pool that cannot hold it is a plain miss, not a failed allocation. */
	if (rounded / HUGE_2M > have) {
		*needed = rounded / HUGE_2M;
		*free_pages = have;
		errno = ENOSPC;
		return false;
	}
	fd = sized_memfd(name, MFD_HUGETLB, rounded);
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

/*
 * Checked before any of it is allocated: fallocate of more than the machine
 * can give does not fail, it brings in the OOM killer (which may pick the
 * daemon). MemAvailable is the kernel's own estimate of what can be had
 * without swapping; buffers are pinned for DMA, so swap does not count.
 */
static bool fits_in_memory(const char *name, uint64_t size, GError **err)
{
	uint64_t avail;

	if (!meminfo("MemAvailable", &avail) || size <= avail)
		return true;
	vfio_set_error(err, ENOMEM,
		       "%" G_GUINT64_FORMAT " bytes for %s do not fit: MemAvailable is %" G_GUINT64_FORMAT
		       " bytes (/proc/meminfo)", size, name, avail);
	return false;
}

/* The buffer's descriptor leaves the reserve alone; if not, nothing of the buffer is left. */
static bool within_fd_budget(struct vfio_dma_memory *m, const char *name, GError **err)
{
	if (vfio_fd_limit_check(m->fd, name, err))
		return true;
	vfio_dma_memory_free(m);
	return false;
}

bool vfio_dma_memory_alloc(struct vfio_dma_memory *m, const char *name, uint64_t size,
			   bool hugepages, bool pinned, GError **err)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t rounded;
	int fd;

	/* The largest the memory can be rounded to: a refusal here costs nothing. */
	if (pinned && !vfio_memlock_check(round_up(size, hugepages ? HUGE_2M : page), err))
		return false;
	if (hugepages) {
		uint64_t needed = 0, free_pages = 0;

		if (try_hugetlb(m, name, size, &needed, &free_pages))
			return within_fd_budget(m, name, err);
		g_message("%s: no hugetlb pages free (%s; %" G_GUINT64_FORMAT " needed, %" G_GUINT64_FORMAT
			  " free); using transparent huge pages where the kernel grants them (reserve "
			  "some with: echo N > /proc/sys/vm/nr_hugepages)",
			  name, g_strerror(errno), needed, free_pages);
	}
	rounded = round_up(size, hugepages ? HUGE_2M : page);
	if (!fits_in_memory(name, rounded, err))
		return false;
	fd = sized_memfd(name, 0, rounded);
	if (fd < 0 && vfio_fd_limit_error(errno, name, err))
		return false;
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
	return within_fd_budget(m, name, err);
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
