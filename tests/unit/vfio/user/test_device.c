/*
 * The vfio-user device ops against a fake server on a UNIX socket: query
 * (region info asked twice, sparse areas and the region's descriptor, irq
 * info), one REGION_READ per access, SET_IRQS split at the server's
 * max_msg_fds, reset, the info lines.
 */
#include "suites.h"
#include "fake_peer.h"
#include "vfio/device.h"
#include "vfio/user/user.h"
#include "vfio/user/msg.h"

#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct fake {
	int listen_fd;
	char path[108];
	GThread *thread;
	/* SET_IRQS as received: start, count, descriptors */
	unsigned sets[8][3];
	unsigned nsets;
};

/* Reads one request with its descriptors (closed: only counted). */
static bool fake_recv(int fd, struct vfio_user_header *h, uint8_t *payload, size_t size, unsigned *nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 16)];
		struct cmsghdr align;
	} control;
	struct iovec iov = { h, sizeof(*h) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf) };
	size_t len;

	*nfds = 0;
	if (recvmsg(fd, &mh, MSG_WAITALL) != sizeof(*h) || h->size < sizeof(*h))
		return false;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		unsigned n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		for (unsigned i = 0; i < n; i++) {
			int x;

			memcpy(&x, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			close(x);
		}
		*nfds += n;
	}
	len = h->size - sizeof(*h);
	return len <= size && (!len || recv(fd, payload, len, MSG_WAITALL) == (ssize_t)len);
}

/* BAR0: 16 KiB, mmap-able areas [0, 4K) and [8K, 12K) of a memfd at offset 64K; config 256 bytes. */
static void region_info(int fd, const struct vfio_user_header *h, const uint8_t *p)
{
	struct vfio_region_info q, ri = { 0 };
	struct vfio_region_info_cap_sparse_mmap head = {
		.header = { .id = VFIO_REGION_INFO_CAP_SPARSE_MMAP, .version = 1 }, .nr_areas = 2,
	};
	struct vfio_region_sparse_mmap_area areas[2] = { { 0, 0x1000 }, { 0x2000, 0x1000 } };
	uint8_t out[32 + sizeof(head) + sizeof(areas)];
	const uint32_t full = sizeof(out);
	int memfd;

	memcpy(&q, p, sizeof(q));
	ri.index = q.index;
	ri.argsz = sizeof(ri);
	if (q.index == VFIO_PCI_CONFIG_REGION_INDEX) {
		ri.size = 256;
		ri.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	} else if (q.index == VFIO_PCI_BAR0_REGION_INDEX) {
		ri.size = 0x4000;
		ri.offset = 0x10000;
		ri.argsz = full;
		ri.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP;
	}
	if (q.index != VFIO_PCI_BAR0_REGION_INDEX || q.argsz < full) {
		fake_peer_reply(fd, h, &ri, sizeof(ri), -1);
		return;
	}
	/* Room for the caps: they come, with the region's descriptor. */
	ri.flags |= VFIO_REGION_INFO_FLAG_CAPS;
	ri.cap_offset = 32;
	memcpy(out, &ri, 32);
	memcpy(out + 32, &head, sizeof(head));
	memcpy(out + 32 + sizeof(head), areas, sizeof(areas));
	memfd = memfd_create("bar0", MFD_CLOEXEC);
	if (ftruncate(memfd, 0x20000) == 0)
		fake_peer_reply(fd, h, out, sizeof(out), memfd);
	close(memfd);
}

static void serve_one(struct fake *f, int fd, const struct vfio_user_header *h, const uint8_t *p,
		      unsigned nfds)
{
	static const char caps[] = "\0\0\2\0{\"capabilities\":{\"max_msg_fds\":2}}";
	uint32_t dev[4] = { 16, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET, 9, 5 };
	struct vfio_irq_info irq;
	struct vfio_irq_set set;
	uint8_t access[24];

	switch (h->command) {
	case VFIO_USER_CMD_VERSION:
		fake_peer_reply(fd, h, caps, sizeof(caps), -1);
		break;
	case VFIO_USER_CMD_DEVICE_GET_INFO:
		fake_peer_reply(fd, h, dev, sizeof(dev), -1);
		break;
	case VFIO_USER_CMD_DEVICE_GET_REGION_INFO:
		region_info(fd, h, p);
		break;
	case VFIO_USER_CMD_DEVICE_GET_IRQ_INFO:
		memcpy(&irq, p, sizeof(irq));
		irq.flags = VFIO_IRQ_INFO_EVENTFD;
		irq.count = irq.index == VFIO_PCI_MSIX_IRQ_INDEX ? 8 : 1;
		fake_peer_reply(fd, h, &irq, sizeof(irq), -1);
		break;
	case VFIO_USER_CMD_DEVICE_SET_IRQS:
		memcpy(&set, p, sizeof(set));
		if (f->nsets < G_N_ELEMENTS(f->sets)) {
			f->sets[f->nsets][0] = set.start;
			f->sets[f->nsets][1] = set.count;
			f->sets[f->nsets++][2] = nfds;
		}
		fake_peer_reply(fd, h, NULL, 0, -1);
		break;
	case VFIO_USER_CMD_REGION_READ:
		memcpy(access, p, 16);
		memset(access + 16, 0xab, 8);
		fake_peer_reply(fd, h, access, 16 + MIN(access[12], 8), -1);
		break;
	default:
		fake_peer_reply(fd, h, NULL, 0, -1);
	}
}

static gpointer fake_thread(gpointer data)
{
	struct fake *f = data;
	int fd = accept4(f->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	struct vfio_user_header h;
	uint8_t payload[256];
	unsigned nfds;

	while (fd >= 0 && fake_recv(fd, &h, payload, sizeof(payload), &nfds))
		serve_one(f, fd, &h, payload, nfds);
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void fake_start(struct fake *f)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	memset(f, 0, sizeof(*f));
	g_snprintf(f->path, sizeof(f->path), "/tmp/vfiofs-unit-%d.sock", (int)getpid());
	unlink(f->path);
	strcpy(sa.sun_path, f->path);
	f->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CU_ASSERT_EQUAL_FATAL(bind(f->listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	CU_ASSERT_EQUAL_FATAL(listen(f->listen_fd, 1), 0);
	f->thread = g_thread_new("fake-vfu", fake_thread, f);
}

static void fake_stop(struct fake *f)
{
	g_thread_join(f->thread);
	close(f->listen_fd);
	unlink(f->path);
}

static void test_device(void)
{
	struct vfio_user_options o = { .timeout_ms = 2000 };
	struct vfio_device d = { .fd = -1 };
	g_autoptr(GString) info = g_string_new("");
	struct vfio_region *bar0, *config;
	int32_t efds[5];
	GError *err = NULL;
	uint32_t v = 0;
	struct fake f;

	fake_start(&f);
	strcpy(d.name, "fake");
	CU_ASSERT_TRUE_FATAL(vfio_user_connect(&d, f.path, &o, &err));
	vfio_user_serve(&d);
	CU_ASSERT_STRING_EQUAL(d.ops->transport, "vfio-user");
	CU_ASSERT_PTR_NOT_NULL(d.dma_space);
	CU_ASSERT_TRUE_FATAL(d.ops->query(&d, &err));
	CU_ASSERT_EQUAL(d.num_regions, 9);
	bar0 = &d.regions[VFIO_PCI_BAR0_REGION_INDEX];
	config = &d.regions[VFIO_PCI_CONFIG_REGION_INDEX];
	CU_ASSERT_EQUAL(bar0->size, 0x4000);
	CU_ASSERT_EQUAL(bar0->fd_offset, 0x10000);
	CU_ASSERT_TRUE(bar0->mmap_fd >= 0);
	CU_ASSERT_EQUAL_FATAL(bar0->areas->len, 2);
	CU_ASSERT_EQUAL(g_array_index(bar0->areas, struct vfio_mmap_area, 1).offset, 0x2000);
	CU_ASSERT_EQUAL(config->size, 256);
	CU_ASSERT_EQUAL(config->mmap_fd, -1);
	CU_ASSERT_EQUAL(d.regions[VFIO_PCI_BAR1_REGION_INDEX].size, 0);
	CU_ASSERT_EQUAL(d.irqs[VFIO_PCI_MSIX_IRQ_INDEX].count, 8);

	CU_ASSERT_EQUAL(d.ops->read(&d, config, &v, 4, 0), 0);
	CU_ASSERT_EQUAL(v, 0xabababab);

	/* Five vectors, at most two descriptors per message: 2 + 2 + 1, starts advancing. */
	for (int i = 0; i < 5; i++)
		efds[i] = eventfd(0, EFD_CLOEXEC);
	CU_ASSERT_EQUAL(d.ops->set_irqs(&d, VFIO_PCI_MSIX_IRQ_INDEX, 0, 5,
					VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, efds), 0);
	CU_ASSERT_EQUAL(d.ops->set_irqs(&d, VFIO_PCI_MSIX_IRQ_INDEX, 0, 0,
					VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, NULL), 0);
	for (int i = 0; i < 5; i++)
		close(efds[i]);
	CU_ASSERT_EQUAL(d.ops->reset(&d), 0);
	d.ops->describe(&d, info);
	CU_ASSERT_PTR_NOT_NULL(strstr(info->str, "vfio_user.max_msg_fds 2\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(info->str, "vfio_user.twin_socket no\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(info->str, "vfio_user.dma fd\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(info->str, "vfio_user.version 0.2\n"));

	/* What teardown does, then the backend's close. */
	for (unsigned i = 0; i < d.num_regions; i++)
		g_array_unref(d.regions[i].areas);
	g_free(d.regions);
	g_free(d.irqs);
	d.num_regions = 0;
	d.ops->close(&d);
	fake_stop(&f);

	CU_ASSERT_EQUAL_FATAL(f.nsets, 4);
	CU_ASSERT_TRUE(f.sets[0][0] == 0 && f.sets[0][1] == 2 && f.sets[0][2] == 2);
	CU_ASSERT_TRUE(f.sets[1][0] == 2 && f.sets[1][1] == 2 && f.sets[1][2] == 2);
	CU_ASSERT_TRUE(f.sets[2][0] == 4 && f.sets[2][1] == 1 && f.sets[2][2] == 1);
	CU_ASSERT_TRUE(f.sets[3][0] == 0 && f.sets[3][1] == 0 && f.sets[3][2] == 0);
}

static void test_connect_refused(void)
{
	struct vfio_user_options o = { .timeout_ms = 500 };
	struct vfio_device d = { .fd = -1 };
	GError *err = NULL;

	strcpy(d.name, "nobody");
	CU_ASSERT_FALSE(vfio_user_connect(&d, "/nonexistent/vfu.sock", &o, &err));
	CU_ASSERT_PTR_NOT_NULL(err);
	CU_ASSERT_EQUAL(err ? err->code : 0, ENOENT);
	CU_ASSERT_PTR_NULL(d.priv);
	g_clear_error(&err);
}

static CU_TestInfo tests[] = {
	{ "query, access, SET_IRQS split, reset, info", test_device },
	{ "connect to a missing socket", test_connect_refused },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_vfio_vfio_user_device_suite) = {
	.pName = "vfio_user_device", .pTests = tests,
};
