/*
 * The direct baseline for vfio-user benchmarks: a minimal vfio-user client,
 * no FUSE, no vfiofs code.
 *
 *   vfu_direct SOCKET read REGION OFFSET WIDTH COUNT
 *       COUNT REGION_READs of WIDTH bytes at OFFSET of region REGION, timed
 *       one by one.
 *   vfu_direct SOCKET dma message|direct to|from SIZE COUNT
 *       COUNT transfers of SIZE bytes by the DMA engine of the vfu_edu model
 *       (tests/user/servers/vfu_edu.c): host RAM -> BAR2 offset 0 ("to") or
 *       BAR2 offset 0 -> host RAM ("from"), started by a REGION_WRITE of its
 *       command register with bit3 = 0 (the model moves the data with
 *       DMA_READ/DMA_WRITE messages, served here) or 1 (the model touches the
 *       memory directly through the descriptor given with DMA_MAP).
 *
 * Prints one line: median and mean per operation, and ops/s (at the mean) or
 * MiB/s (at the median).
 * A benchmark, not the product: the VERSION JSON is a fixed string, and the
 * server's DMA requests arrive on the main socket (no twin socket asked for).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vfu_client.h"

enum {
	CMD_VERSION = 1, CMD_DMA_MAP = 2, CMD_REGION_READ = 9, CMD_REGION_WRITE = 10,
	CMD_DMA_READ = 11, CMD_DMA_WRITE = 12,
};
#define FLAG_TYPE_MASK 0xf
#define FLAG_REPLY 1
#define FLAG_ERROR 0x20
#define MAX_XFER (1024 * 1024)
#define DMA_IOVA 0x10000000ull   /* where our memory is mapped for the device */

struct hdr {
	uint16_t id, cmd;
	uint32_t size, flags, error;
};

struct region_access {
	uint64_t offset;
	uint32_t region, count;
};

static int sock;
static uint16_t next_id;
static uint8_t *dma_mem;           /* the memfd mapping served to the device */
static uint64_t dma_size;
static unsigned char msg[sizeof(struct hdr) + 16 + MAX_XFER];

static void die(const char *what)
{
	fprintf(stderr, "vfu_direct: %s\n", what);
	exit(1);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void send_all(const void *buf, size_t len, int fd)
{
	if (vfu_client_send(sock, buf, len, fd) != 0)
		die("send failed");
}

/* Reads exactly len bytes; descriptors that come along are closed (none are asked for). */
static void recv_all(void *buf, size_t len)
{
	while (len) {
		union { struct cmsghdr c; char b[CMSG_SPACE(8 * sizeof(int))]; } u;
		struct iovec iov = { buf, len };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = u.b, .msg_controllen = sizeof(u.b) };
		ssize_t n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("connection closed by the server");
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
				for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++)
					close(((int *)CMSG_DATA(c))[i]);
		buf = (char *)buf + n;
		len -= n;
	}
}

/* Answers one DMA_READ/DMA_WRITE from the server; h and payload are in msg. */
static void serve_dma(const struct hdr *h)
{
	struct hdr *r = (struct hdr *)msg;
	uint64_t *args = (uint64_t *)(msg + sizeof(*h));
	uint64_t addr = args[0], count = args[1];
	size_t len = sizeof(*h) + 16;
	int bad = addr < DMA_IOVA || count > dma_size || addr - DMA_IOVA > dma_size - count;

	if (h->cmd == CMD_DMA_WRITE && !bad && h->size != sizeof(*h) + 16 + count)
		bad = 1;
	if (!bad && h->cmd == CMD_DMA_READ) {
		if (count > MAX_XFER)
			bad = 1;
		else
			memcpy(msg + len, dma_mem + (addr - DMA_IOVA), count), len += count;
	} else if (!bad) {
		memcpy(dma_mem + (addr - DMA_IOVA), msg + len, count);
	}
	*r = (struct hdr){ .id = h->id, .cmd = h->cmd, .flags = FLAG_REPLY };
	if (bad) {
		r->flags |= FLAG_ERROR;
		r->error = EFAULT;
		len = sizeof(*r);
	}
	r->size = len;
	send_all(msg, len, -1);
}

/*
 * Sends a command and waits for its reply, serving the server's DMA requests
 * that arrive meanwhile.  Returns the reply payload's length (in msg after
 * the header); dies on an error reply.
 */
static size_t transact(uint16_t cmd, const void *payload, size_t len, int fd)
{
	struct hdr h = { .id = ++next_id, .cmd = cmd, .size = sizeof(h) + len };

	if (len > sizeof(msg) - sizeof(h))
		die("request too large");
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), payload, len);
	send_all(msg, h.size, fd);
	for (;;) {
		struct hdr in;

		recv_all(&in, sizeof(in));
		if (in.size < sizeof(in) || in.size > sizeof(msg))
			die("message size out of bounds");
		memcpy(msg, &in, sizeof(in));
		recv_all(msg + sizeof(in), in.size - sizeof(in));
		if ((in.flags & FLAG_TYPE_MASK) == 0 &&
		    (in.cmd == CMD_DMA_READ || in.cmd == CMD_DMA_WRITE) && in.size >= sizeof(in) + 16) {
			serve_dma(&in);
			continue;
		}
		if ((in.flags & FLAG_TYPE_MASK) != FLAG_REPLY || in.id != h.id || in.cmd != cmd)
			die("unexpected message from the server");
		if (in.flags & FLAG_ERROR) {
			fprintf(stderr, "vfu_direct: command %u failed: %s\n", cmd, strerror(in.error));
			exit(1);
		}
		return in.size - sizeof(in);
	}
}

static void connect_to(const char *path)
{
	sock = vfu_client_connect(path);
	if (sock < 0)
		die(errno == ENAMETOOLONG ? "socket path too long" : "cannot connect to the socket");
	transact(CMD_VERSION, vfu_client_version, vfu_client_version_size, -1);
}

static void region_write64(uint32_t region, uint64_t offset, uint64_t value)
{
	struct { struct region_access a; uint64_t v; } w = { { offset, region, 8 }, value };

	transact(CMD_REGION_WRITE, &w, sizeof(w), -1);
}

static uint64_t region_read(uint32_t region, uint64_t offset, uint32_t width)
{
	struct region_access a = { offset, region, width };
	uint64_t v = 0;

	if (transact(CMD_REGION_READ, &a, sizeof(a), -1) != sizeof(a) + width)
		die("REGION_READ reply of the wrong size");
	memcpy(&v, msg + sizeof(struct hdr) + sizeof(a), width < 8 ? width : 8);
	return v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts t and prints "median X us mean Y us"; returns the mean. */
static double report(const char *what, double *t, long n)
{
	double sum = 0;

	for (long i = 0; i < n; i++)
		sum += t[i];
	qsort(t, n, sizeof(*t), cmp_double);
	printf("%s: median %.2f us mean %.2f us", what, t[n / 2], sum / n);
	return sum / n;
}

static int bench_read(uint32_t region, uint64_t offset, uint32_t width, long count)
{
	double *t = calloc(count, sizeof(*t));
	char what[128];
	uint64_t v = 0;
	double mean;

	if (!t || width == 0 || width > MAX_XFER)
		die("bad arguments");
	for (long i = 0; i < count; i++) {
		double t0 = now_us();

		v = region_read(region, offset, width);
		t[i] = now_us() - t0;
	}
	snprintf(what, sizeof(what), "direct read region %u offset 0x%llx width %u count %ld",
		 region, (unsigned long long)offset, width, count);
	mean = report(what, t, count);
	printf(" %.0f ops/s (value 0x%llx)\n", 1e6 / mean, (unsigned long long)v);
	free(t);
	return 0;
}

static int bench_dma(int direct, int from_device, uint64_t size, long count)
{
	struct { uint32_t argsz, flags; uint64_t offset, addr, size; } map;
	double *t = calloc(count, sizeof(*t));
	uint64_t cmd = 1 | (uint64_t)from_device << 1 | (uint64_t)direct << 3;
	int fd = memfd_create("vfu_direct-dma", MFD_CLOEXEC);
	char what[128];

	if (!t || size == 0 || size > MAX_XFER)
		die("bad arguments");
	dma_size = size;
	if (fd < 0 || ftruncate(fd, dma_size) < 0)
		die("memfd");
	dma_mem = mmap(NULL, dma_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (dma_mem == MAP_FAILED)
		die("mmap");
	for (uint64_t i = 0; i < dma_size; i++)
		dma_mem[i] = (uint8_t)(i * 7);
	/* Mapped with the descriptor in both modes: bit3 alone chooses the path. */
	map = (typeof(map)){ 32, 3, 0, DMA_IOVA, dma_size };
	transact(CMD_DMA_MAP, &map, sizeof(map), fd);
	region_write64(0, 0x80, from_device ? 0 : DMA_IOVA);
	region_write64(0, 0x88, from_device ? DMA_IOVA : 0);
	region_write64(0, 0x90, size);
	for (long i = 0; i < count; i++) {
		double t0 = now_us();

		region_write64(0, 0x98, cmd);
		t[i] = now_us() - t0;
	}
	if (region_read(0, 0x98, 8) & 1)
		die("the DMA engine is still busy");
	if (region_read(0, 0xa0, 4) != 0) {
		fprintf(stderr, "vfu_direct: the DMA engine reports error %llu\n",
			(unsigned long long)region_read(0, 0xa0, 4));
		return 1;
	}
	/* Either way, the first and last 8 bytes now agree on both sides. */
	for (int k = 0; k < 2 && size >= 8; k++) {
		uint64_t off = k ? size - 8 : 0, ram;

		memcpy(&ram, dma_mem + off, 8);
		if (region_read(2, off, 8) != ram)
			die("the bytes moved do not match");
	}
	snprintf(what, sizeof(what), "direct dma %s %s size %llu count %ld",
		 direct ? "direct" : "message", from_device ? "from" : "to",
		 (unsigned long long)size, count);
	report(what, t, count);
	printf(" %.1f MiB/s\n", size / (t[count / 2] / 1e6) / (1024 * 1024));   /* at the median */
	free(t);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 7 && strcmp(argv[2], "read") == 0) {
		connect_to(argv[1]);
		return bench_read(strtoul(argv[3], NULL, 0), strtoull(argv[4], NULL, 0),
				  strtoul(argv[5], NULL, 0), atol(argv[6]));
	}
	if (argc == 7 && strcmp(argv[2], "dma") == 0 &&
	    (strcmp(argv[3], "message") == 0 || strcmp(argv[3], "direct") == 0) &&
	    (strcmp(argv[4], "to") == 0 || strcmp(argv[4], "from") == 0)) {
		connect_to(argv[1]);
		return bench_dma(strcmp(argv[3], "direct") == 0, strcmp(argv[4], "from") == 0,
				 strtoull(argv[5], NULL, 0), atol(argv[6]));
	}
	fprintf(stderr, "usage: %s SOCKET read REGION OFFSET WIDTH COUNT\n"
			"       %s SOCKET dma message|direct to|from SIZE COUNT\n", argv[0], argv[0]);
	return 2;
}
