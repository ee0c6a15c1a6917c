/*
 * Region access speed, one path per run:
 *   bench_region direct DDDD:BB:DD.F REGION lat|tput COUNT
 *       pread on the VFIO device file itself (the device opened with vfiofs's
 *       vfio/ layer, then raw pread at the region's offset: the kernel's path)
 *   bench_region file PATH lat|tput COUNT [OFFSET]
 *       pread on a file of a vfiofs mount (or of any file system)
 * lat: COUNT 4-byte reads at OFFSET (default 0); tput: COUNT sequential 1 MiB
 * reads.  Prints one line: "PATH-KIND TEST value unit ..." (lat: the mean,
 * then the median of the reads timed one by one).
 *   bench_region edu-dma BAR0 IOVA SIZE message|direct to|from COUNT
 *       COUNT transfers of SIZE bytes by the vfio-user test model's DMA
 *       engine (tests/user/servers/vfu_edu.c), driven by pwrite of its registers
 *       through the mount's BAR0 file: host RAM at IOVA -> device offset 0
 *       ("to") or back ("from"), command bit3 = 0 (by messages) or 1 (by the
 *       mapping's descriptor).  Times the pwrite of the command register
 *       (the transfer runs within it); MiB/s at the median.
 */
#include "vfio/container.h"
#include "vfio/device.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MiB (1024 * 1024)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of n samples (sorts them). */
static double median(double *t, long n)
{
	qsort(t, n, sizeof(*t), cmp_double);
	return t[n / 2];
}

/* Runs the test on (fd, base): reads at base + offset. */
static int run(const char *label, int fd, off_t base, off_t size, const char *test, long count)
{
	static char buf[MiB];
	double t0, t;

	if (strcmp(test, "lat") == 0) {
		double *each = calloc(count, sizeof(*each));
		uint32_t v;

		if (!each)
			return perror("calloc"), 1;
		t0 = now();
		for (long i = 0; i < count; i++) {
			double t1 = now();

			if (pread(fd, &v, 4, base) != 4)
				return perror("pread"), 1;
			each[i] = now() - t1;
		}
		t = now() - t0;
		printf("%s lat %.0f ns/read (value 0x%08x) median %.0f ns\n", label, t / count * 1e9, v,
		       median(each, count) * 1e9);
		free(each);
		return 0;
	}
	if (size < MiB)
		return fprintf(stderr, "region smaller than 1 MiB\n"), 1;
	t0 = now();
	for (long i = 0; i < count; i++)
		if (pread(fd, buf, MiB, base + (i % (size / MiB)) * MiB) != MiB)
			return perror("pread"), 1;
	t = now() - t0;
	printf("%s tput %.1f MiB/s\n", label, count / t);
	return 0;
}

static int run_direct(const char *addr, const char *region, const char *test, long count)
{
	GError *err = NULL;
	struct vfio_container *c = vfio_container_new(&(struct vfio_container_options){ 0 });
	struct vfio_device *d = c ? vfio_container_attach(c, addr, addr, &err) : NULL;
	int rc = 1;

	if (!d) {
		fprintf(stderr, "%s\n", err->message);
		goto out;
	}
	for (unsigned i = 0; i < d->num_regions; i++)
		if (d->regions[i].size && strcmp(d->regions[i].name, region) == 0)
			rc = run("direct", d->fd, d->regions[i].fd_offset, d->regions[i].size, test, count);
out:
	vfio_container_free(c);
	return rc;
}

static int run_file(const char *path, const char *test, long count, off_t offset)
{
	int fd = open(path, O_RDONLY);
	int rc;

	if (fd < 0)
		return perror(path), 1;
	rc = run("vfiofs", fd, offset, lseek(fd, 0, SEEK_END), test, count);
	close(fd);
	return rc;
}

static int pwrite64_at(int fd, off_t off, uint64_t v)
{
	if (pwrite(fd, &v, 8, off) != 8)
		return perror("pwrite"), -1;
	return 0;
}

static int run_edu_dma(const char *bar0, uint64_t iova, uint64_t size, const char *mode,
		       const char *dir, long count)
{
	int direct = strcmp(mode, "direct") == 0, from = strcmp(dir, "from") == 0;
	uint64_t cmd = 1 | (uint64_t)from << 1 | (uint64_t)direct << 3, busy = 0;
	uint32_t result = 0;
	double *each = calloc(count, sizeof(*each)), sum = 0, med;
	int fd = open(bar0, O_RDWR);

	if (fd < 0 || !each)
		return perror(bar0), 1;
	if (pwrite64_at(fd, 0x80, from ? 0 : iova) || pwrite64_at(fd, 0x88, from ? iova : 0) ||
	    pwrite64_at(fd, 0x90, size))
		return 1;
	for (long i = 0; i < count; i++) {
		double t0 = now();

		if (pwrite64_at(fd, 0x98, cmd))
			return 1;
		each[i] = now() - t0;
		sum += each[i];
	}
	if (pread(fd, &busy, 8, 0x98) != 8 || pread(fd, &result, 4, 0xa0) != 4)
		return perror("pread"), 1;
	close(fd);
	if ((busy & 1) || result) {
		fprintf(stderr, "bench_region: DMA engine busy %d, result %u\n", (int)(busy & 1), result);
		return 1;
	}
	med = median(each, count);
	printf("vfiofs dma %s %s size %llu count %ld: median %.2f us mean %.2f us %.1f MiB/s\n",
	       direct ? "direct" : "message", from ? "from" : "to", (unsigned long long)size, count,
	       med * 1e6, sum / count * 1e6, size / med / MiB);
	free(each);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "direct") == 0)
		return run_direct(argv[2], argv[3], argv[4], atol(argv[5]));
	if ((argc == 5 || argc == 6) && strcmp(argv[1], "file") == 0)
		return run_file(argv[2], argv[3], atol(argv[4]), argc == 6 ? strtoll(argv[5], NULL, 0) : 0);
	if (argc == 8 && strcmp(argv[1], "edu-dma") == 0)
		return run_edu_dma(argv[2], strtoull(argv[3], NULL, 0), strtoull(argv[4], NULL, 0),
				   argv[5], argv[6], atol(argv[7]));
	fprintf(stderr, "usage: %s direct DDDD:BB:DD.F REGION lat|tput COUNT\n"
			"       %s file PATH lat|tput COUNT [OFFSET]\n"
			"       %s edu-dma BAR0 IOVA SIZE message|direct to|from COUNT\n",
		argv[0], argv[0], argv[0]);
	return 2;
}
