/*
 * Region access speed, one path per run:
 *   bench_region direct DDDD:BB:DD.F REGION lat|tput COUNT
 *       pread on the VFIO device file itself (the device opened with vfiofs's
 *       vfio/ layer, then raw pread at the region's offset: the kernel's path)
 *   bench_region file PATH lat|tput COUNT
 *       pread on a file of a vfiofs mount
 * lat: COUNT 4-byte reads at offset 0; tput: COUNT sequential 1 MiB reads.
 * Prints one line: "PATH-KIND TEST value unit".
 */
#include "vfio/container.h"
#include "vfio/device.h"

#include <fcntl.h>
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

/* Runs the test on (fd, base): reads at base + offset. */
static int run(const char *label, int fd, off_t base, off_t size, const char *test, long count)
{
	static char buf[MiB];
	double t0, t;

	if (strcmp(test, "lat") == 0) {
		uint32_t v;

		t0 = now();
		for (long i = 0; i < count; i++)
			if (pread(fd, &v, 4, base) != 4)
				return perror("pread"), 1;
		t = now() - t0;
		printf("%s lat %.0f ns/read (value 0x%08x)\n", label, t / count * 1e9, v);
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
	struct vfio_device *d = c ? vfio_container_attach(c, addr, &err) : NULL;
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

static int run_file(const char *path, const char *test, long count)
{
	int fd = open(path, O_RDONLY);
	int rc;

	if (fd < 0)
		return perror(path), 1;
	rc = run("vfiofs", fd, 0, lseek(fd, 0, SEEK_END), test, count);
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "direct") == 0)
		return run_direct(argv[2], argv[3], argv[4], atol(argv[5]));
	if (argc == 5 && strcmp(argv[1], "file") == 0)
		return run_file(argv[2], argv[3], atol(argv[4]));
	fprintf(stderr, "usage: %s direct DDDD:BB:DD.F REGION lat|tput COUNT\n"
			"       %s file PATH lat|tput COUNT\n", argv[0], argv[0]);
	return 2;
}
