/*
 * The floor of a buffer's fan-out to many vfio-user servers: a minimal
 * client, no FUSE, no vfiofs code, doing per buffer what any client must
 * (a 4 KiB memfd, DMA_MAP carrying it to every server, later DMA_UNMAP).
 *
 *   vfu_fanout COUNT SOCKET...
 *       COUNT buffers, each mapped into every server (all requests sent,
 *       then every reply collected) and later unmapped the same way.
 *
 * Prints one line: "map median X us unmap median Y us" per buffer, over
 * COUNT.  What vfiofs's figure at N devices is next to this one says how
 * much of it is the daemon's and how much the servers' (tests/bench/scale.sh).
 * A benchmark, not the product: VERSION's JSON is fixed, no twin socket is
 * asked for, any message other than the awaited reply ends the run.
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

enum { CMD_VERSION = 1, CMD_DMA_MAP = 2, CMD_DMA_UNMAP = 3 };
#define FLAG_REPLY 1
#define FLAG_ERROR 0x20
#define BASE_IOVA 0x100000000ull

struct hdr {
	uint16_t id, cmd;
	uint32_t size, flags, error;
};

struct dma_map {
	uint32_t argsz, flags;
	uint64_t offset, addr, size;
};

struct dma_unmap {
	uint32_t argsz, flags;
	uint64_t addr, size;
};

static void die(const char *what, const char *why)
{
	fprintf(stderr, "vfu_fanout: %s: %s\n", what, why);
	exit(1);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void send_msg(int sock, const void *buf, size_t len, int fd)
{
	if (vfu_client_send(sock, buf, len, fd) != 0)
		die("send", strerror(errno));
}

static void recv_exact(int sock, void *buf, size_t len)
{
	while (len) {
		ssize_t n = recv(sock, buf, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("recv", n ? strerror(errno) : "the server closed the connection");
		buf = (char *)buf + n;
		len -= n;
	}
}

/* The reply to (id, cmd); its payload (at most size bytes) into body. */
static void recv_reply(int sock, uint16_t id, uint16_t cmd, void *body, size_t size)
{
	struct hdr h;
	char rest[4096];

	recv_exact(sock, &h, sizeof(h));
	if (h.size < sizeof(h) || h.size - sizeof(h) > sizeof(rest))
		die("reply", "size out of bounds");
	recv_exact(sock, rest, h.size - sizeof(h));
	if (!(h.flags & FLAG_REPLY) || h.id != id || h.cmd != cmd)
		die("reply", "not the one awaited");
	if (h.flags & FLAG_ERROR)
		die("reply", strerror(h.error));
	memcpy(body, rest, h.size - sizeof(h) < size ? h.size - sizeof(h) : size);
}

static int connect_to(const char *path)
{
	unsigned char msg[256], reply[64];
	struct hdr h = { .id = 0, .cmd = CMD_VERSION, .size = sizeof(h) + vfu_client_version_size };
	int sock = vfu_client_connect(path);

	if (h.size > sizeof(msg))
		die(path, "VERSION too large");
	if (sock < 0)
		die(path, strerror(errno));
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), vfu_client_version, vfu_client_version_size);
	send_msg(sock, msg, h.size, -1);
	recv_reply(sock, 0, CMD_VERSION, reply, sizeof(reply));
	return sock;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* One command to every server, then every reply: the cost of the slowest, not the sum. */
static void fan_out(const int *socks, int n, uint16_t id, uint16_t cmd, const void *payload,
		    size_t len, int fd)
{
	unsigned char msg[sizeof(struct hdr) + 64], body[64];
	struct hdr h = { .id = id, .cmd = cmd, .size = sizeof(h) + len };

	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), payload, len);
	for (int i = 0; i < n; i++)
		send_msg(socks[i], msg, h.size, fd);
	for (int i = 0; i < n; i++)
		recv_reply(socks[i], id, cmd, body, sizeof(body));
}

int main(int argc, char **argv)
{
	int count = argc > 2 ? atoi(argv[1]) : 0, n = argc - 2;
	int *socks, *fds;
	double *map_us, *unmap_us;

	if (count <= 0) {
		fprintf(stderr, "usage: vfu_fanout COUNT SOCKET...\n");
		return 2;
	}
	socks = calloc(n, sizeof(*socks));
	fds = calloc(count, sizeof(*fds));
	map_us = calloc(count, sizeof(*map_us));
	unmap_us = calloc(count, sizeof(*unmap_us));
	for (int i = 0; i < n; i++)
		socks[i] = connect_to(argv[i + 2]);
	for (int b = 0; b < count; b++) {
		double t0 = now_us();
		struct dma_map m = { .argsz = sizeof(m), .flags = 3, .addr = BASE_IOVA + b * 4096ull,
				     .size = 4096 };

		fds[b] = memfd_create("vfu_fanout", MFD_CLOEXEC);
		if (fds[b] < 0 || ftruncate(fds[b], 4096) != 0)
			die("memfd", strerror(errno));
		fan_out(socks, n, (uint16_t)(b + 1), CMD_DMA_MAP, &m, sizeof(m), fds[b]);
		map_us[b] = now_us() - t0;
	}
	for (int b = 0; b < count; b++) {
		double t0 = now_us();
		struct dma_unmap u = { .argsz = sizeof(u), .addr = BASE_IOVA + b * 4096ull, .size = 4096 };

		fan_out(socks, n, (uint16_t)(b + 1), CMD_DMA_UNMAP, &u, sizeof(u), -1);
		close(fds[b]);
		unmap_us[b] = now_us() - t0;
	}
	printf("map median %.1f us unmap median %.1f us (%d buffers, %d servers)\n",
	       median(map_us, count), median(unmap_us, count), count, n);
	return 0;
}
