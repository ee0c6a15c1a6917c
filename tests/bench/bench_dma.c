/*
 * DMA buffer speed, one measurement per run:
 *   bench_dma memcpy MIB          copy MIB MiB into and out of memory in this process
 *   bench_dma file PATH MIB       1 MiB pwrite then pread of a sized dma/NAME buffer
 *   bench_dma create PATH MIB     open(O_CREAT) + ftruncate of a new buffer: allocate, pin, map
 * Prints one line per figure.
 */
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

static int run_memcpy(long mib)
{
	char *a = malloc(mib * MiB), *b = malloc(mib * MiB), *chunk = malloc(MiB);
	double t0, tw, tr;

	memset(a, 1, mib * MiB);
	memset(b, 2, mib * MiB);
	memset(chunk, 3, MiB);
	t0 = now();
	for (long i = 0; i < mib; i++)
		memcpy(a + i * MiB, chunk, MiB);
	tw = now() - t0;
	t0 = now();
	for (long i = 0; i < mib; i++)
		memcpy(chunk, a + i * MiB, MiB);
	tr = now() - t0;
	printf("memcpy write %.0f MiB/s\nmemcpy read %.0f MiB/s (check %d)\n", mib / tw, mib / tr,
	       chunk[0] + b[0]);
	return 0;
}

static int run_file(const char *path, long mib)
{
	static char chunk[MiB];
	int fd = open(path, O_RDWR);
	double t0, tw, tr;

	if (fd < 0)
		return perror(path), 1;
	memset(chunk, 0x5a, MiB);
	t0 = now();
	for (long i = 0; i < mib; i++)
		if (pwrite(fd, chunk, MiB, i * MiB) != MiB)
			return perror("pwrite"), 1;
	tw = now() - t0;
	t0 = now();
	for (long i = 0; i < mib; i++)
		if (pread(fd, chunk, MiB, i * MiB) != MiB)
			return perror("pread"), 1;
	tr = now() - t0;
	printf("vfiofs write %.0f MiB/s\nvfiofs read %.0f MiB/s\n", mib / tw, mib / tr);
	return close(fd);
}

static int run_create(const char *path, long mib)
{
	double t0 = now();
	int fd = open(path, O_RDWR | O_CREAT, 0600);

	if (fd < 0 || ftruncate(fd, mib * MiB) < 0)
		return perror(path), 1;
	printf("create %ld MiB %.1f ms\n", mib, (now() - t0) * 1e3);
	return close(fd);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "memcpy") == 0)
		return run_memcpy(atol(argv[2]));
	if (argc == 4 && strcmp(argv[1], "file") == 0)
		return run_file(argv[2], atol(argv[3]));
	if (argc == 4 && strcmp(argv[1], "create") == 0)
		return run_create(argv[2], atol(argv[3]));
	fprintf(stderr, "usage: %s memcpy MIB | file PATH MIB | create PATH MIB\n", argv[0]);
	return 2;
}
