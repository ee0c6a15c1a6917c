/*
 * Direct mapping checks through libvfiofs (run by t_map.sh in the guest):
 *   map_check ident BAR0          edu: ident and the liveness inversion, through the mapping
 *   map_check area PATH OFFSET    prints "START LENGTH PROT" of the area holding OFFSET, or the error
 *   map_check areas BAR           prints "OFFSET SIZE" of each mmap-able area (vfiofs_areas)
 *   map_check copy-in PATH OFFSET FILE    writes FILE into the mapping at OFFSET
 *   map_check copy-out PATH OFFSET LEN    writes LEN bytes of the mapping at OFFSET to stdout
 *   map_check bench PATH COUNT    4-byte read latency and 1 MiB copy throughput through the mapping
 */
#include "libvfiofs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static int map_or_die(const char *path, uint64_t offset, struct vfiofs_mapping *m)
{
	int rc = vfiofs_map(path, offset, m);

	if (rc < 0)
		fprintf(stderr, "vfiofs_map: %s (%s)\n", vfiofs_strerror(), strerror(-rc));
	return rc;
}

static int ident(const char *bar0)
{
	struct vfiofs_mapping m;
	volatile uint32_t *regs;
	uint32_t id, inv;

	if (map_or_die(bar0, 0, &m) < 0)
		return 1;
	regs = m.addr;
	id = regs[0];
	regs[1] = 0x12345678;
	inv = regs[1];
	printf("ident 0x%08x inverse 0x%08x\n", id, inv);
	vfiofs_unmap(&m);
	return id == 0x010000ed && inv == 0xedcba987 ? 0 : 1;
}

static int area(const char *path, uint64_t offset)
{
	struct vfiofs_mapping m;
	int rc = vfiofs_map(path, offset, &m);

	if (rc < 0) {
		printf("error %s\n", strerror(-rc));
		return 0;
	}
	printf("%llu %zu %s%s\n", (unsigned long long)m.start, m.length,
	       m.prot & PROT_READ ? "r" : "", m.prot & PROT_WRITE ? "w" : "");
	vfiofs_unmap(&m);
	return 0;
}

static int areas(const char *path)
{
	struct vfiofs_area a[16];
	int n = vfiofs_areas(path, a, 16);

	if (n < 0) {
		printf("error %s\n", strerror(-n));
		return 1;
	}
	for (int i = 0; i < n; i++)
		printf("%llu %llu\n", (unsigned long long)a[i].offset, (unsigned long long)a[i].size);
	return 0;
}

static int copy_in(const char *path, uint64_t offset, const char *file)
{
	struct vfiofs_mapping m;
	FILE *f = fopen(file, "rb");
	size_t n;

	if (!f || map_or_die(path, offset, &m) < 0)
		return 1;
	n = fread((char *)m.addr + (offset - m.start), 1, m.length - (offset - m.start), f);
	fclose(f);
	printf("wrote %zu bytes\n", n);
	return vfiofs_unmap(&m) < 0;
}

static int copy_out(const char *path, uint64_t offset, size_t len)
{
	struct vfiofs_mapping m;

	if (map_or_die(path, offset, &m) < 0)
		return 1;
	if (offset - m.start + len > m.length)
		len = m.length - (offset - m.start);
	fwrite((char *)m.addr + (offset - m.start), 1, len, stdout);
	return vfiofs_unmap(&m) < 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int bench(const char *path, long count)
{
	struct vfiofs_mapping m;
	static char buf[1 << 20];
	volatile uint32_t *p;
	uint32_t sum = 0;
	double t0, lat, tput;
	long rounds = 256;

	if (map_or_die(path, 0, &m) < 0 || m.length < sizeof(buf))
		return 1;
	p = m.addr;
	t0 = now();
	for (long i = 0; i < count; i++)
		sum += p[0];
	lat = (now() - t0) / count;
	t0 = now();
	for (long i = 0; i < rounds; i++) {
		memcpy(buf, (char *)m.addr + (i % (m.length / sizeof(buf))) * sizeof(buf), sizeof(buf));
		sum += buf[i % sizeof(buf)];  /* the copy is used, so the compiler keeps it */
	}
	tput = rounds / (now() - t0);
	printf("mapped lat %.0f ns/read (sum %u)\nmapped tput %.1f MiB/s\n", lat * 1e9, sum, tput);
	return vfiofs_unmap(&m) < 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "ident") == 0)
		return ident(argv[2]);
	if (argc == 4 && strcmp(argv[1], "area") == 0)
		return area(argv[2], strtoull(argv[3], NULL, 0));
	if (argc == 3 && strcmp(argv[1], "areas") == 0)
		return areas(argv[2]);
	if (argc == 5 && strcmp(argv[1], "copy-in") == 0)
		return copy_in(argv[2], strtoull(argv[3], NULL, 0), argv[4]);
	if (argc == 5 && strcmp(argv[1], "copy-out") == 0)
		return copy_out(argv[2], strtoull(argv[3], NULL, 0), strtoull(argv[4], NULL, 0));
	if (argc == 4 && strcmp(argv[1], "bench") == 0)
		return bench(argv[2], atol(argv[3]));
	fprintf(stderr, "usage: see the comment at the top of map_check.c\n");
	return 2;
}
