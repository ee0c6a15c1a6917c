/*
 * vfio-user connection against a scripted fake server on a socketpair:
 * VERSION with and without a twin socket, DMA requests served on the twin
 * socket, in the middle of a call and while idle, error replies, and the
 * hostile cases (timeout and late reply, oversized size, garbage,
 * truncated message, wrong id, a server that closes).
 */
#include "suites.h"
#include "fake_peer.h"
#include "vfio/user/conn.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ------------------------------------------------------------ fake server */

/* Reads one whole message; payload into buf (at most size bytes kept). */
static bool srv_recv(int fd, struct vfio_user_header *h, void *buf, size_t size)
{
	uint8_t tmp[4096];
	size_t len;

	if (recv(fd, h, sizeof(*h), MSG_WAITALL) != sizeof(*h) || h->size < sizeof(*h))
		return false;
	len = h->size - sizeof(*h);
	if (len > sizeof(tmp) || (len && recv(fd, tmp, len, MSG_WAITALL) != (ssize_t)len))
		return false;
	if (buf)
		memcpy(buf, tmp, MIN(len, size));
	return true;
}

static bool srv_version(int fd, const char *json, int pass_fd)
{
	struct vfio_user_header h;
	uint8_t reply[256] = { 0, 0, 2, 0 };

	if (!srv_recv(fd, &h, NULL, 0) || h.command != VFIO_USER_CMD_VERSION)
		return false;
	strcpy((char *)reply + 4, json);
	return fake_peer_reply(fd, &h, reply, 4 + strlen(json) + 1, pass_fd);
}

#define PLAIN_CAPS "{\"capabilities\":{\"max_msg_fds\":8,\"max_data_xfer_size\":1048576}}"

/* A DMA request of the server and the reply it gets back. */
static bool srv_dma(int fd, uint16_t cmd, uint64_t addr, const char *data, size_t count,
		    struct vfio_user_header *rh, uint8_t *reply)
{
	uint8_t req[16 + 64];
	struct vfio_user_dma_access a = { addr, count };

	memcpy(req, &a, sizeof(a));
	if (cmd == VFIO_USER_CMD_DMA_WRITE)
		memcpy(req + 16, data, count);
	if (!fake_peer_send(fd, 77, cmd, VFIO_USER_F_TYPE_COMMAND, 0, req,
		      16 + (cmd == VFIO_USER_CMD_DMA_WRITE ? count : 0), -1))
		return false;
	return srv_recv(fd, rh, reply, 16 + 64) && rh->id == 77 && vfio_user_is_reply(rh);
}

/* ----------------------------------------------------------- client side */

/* The IOVA space the client serves: 4 KiB at 0x1000. */
static uint8_t space[4096];

static int fake_dma(void *data, uint64_t addr, void *buf, size_t count, bool write)
{
	if (addr < 0x1000 || addr + count > 0x2000)
		return -EFAULT;
	if (write)
		memcpy(space + addr - 0x1000, buf, count);
	else
		memcpy(buf, space + addr - 0x1000, count);
	return 0;
}

struct fixture {
	int sv[2];
	struct vfio_user_conn *c;
	GThread *server;
};

/* The script gets its socket, and arg in the bits above 16; dma: the client serves DMA. */
static void start_with(struct fixture *f, GThreadFunc script, unsigned timeout_ms, int arg, bool dma)
{
	struct vfio_user_conn_options o = { .name = "fake", .timeout_ms = timeout_ms,
					    .dma = dma ? fake_dma : NULL };

	memset(space, 0, sizeof(space));
	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, f->sv), 0);
	f->c = vfio_user_conn_new_fd(f->sv[0], &o);
	f->server = g_thread_new("fake-server", script, GINT_TO_POINTER(f->sv[1] | arg << 16));
}

static void start(struct fixture *f, GThreadFunc script, unsigned timeout_ms)
{
	start_with(f, script, timeout_ms, 0, true);
}

/* Joins the script; true if it got through all its steps. */
static bool finish(struct fixture *f)
{
	bool ok = !f->server || GPOINTER_TO_INT(g_thread_join(f->server));

	vfio_user_conn_free(f->c);
	close(f->sv[1]);
	return ok;
}

static int simple_call(struct vfio_user_conn *c, uint16_t cmd)
{
	struct vfio_user_region_access a = { .offset = 0, .region = 0, .count = 4 };
	struct iovec iov = { &a, sizeof(a) };
	struct vfio_user_call call = { .command = cmd, .iov = &iov, .niov = 1 };
	int rc = vfio_user_conn_call(c, &call);

	vfio_user_call_clear(&call);
	return rc;
}

static bool negotiate(struct fixture *f, bool twin)
{
	GError *err = NULL;
	bool ok = vfio_user_conn_negotiate(f->c, twin, &err);

	g_clear_error(&err);
	if (ok)
		vfio_user_conn_serve(f->c);  /* as the daemon does once it runs */
	return ok;
}

/* -------------------------------------------------------------- scripts */

static gpointer script_twin(gpointer p)
{
	int fd = GPOINTER_TO_INT(p), tw[2];
	struct vfio_user_header rh;
	uint8_t reply[80];
	bool ok;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, tw) < 0)
		return NULL;
	ok = srv_version(fd, "{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}", tw[0]);
	close(tw[0]);
	ok = ok && srv_dma(tw[1], VFIO_USER_CMD_DMA_WRITE, 0x1010, "abcd", 4, &rh, reply) &&
	     rh.size == 32 && !(rh.flags & VFIO_USER_F_ERROR);
	ok = ok && srv_dma(tw[1], VFIO_USER_CMD_DMA_READ, 0x1010, NULL, 4, &rh, reply) &&
	     rh.size == 36 && memcmp(reply + 16, "abcd", 4) == 0;
	/* Outside every mapping: an error reply with EFAULT. */
	ok = ok && srv_dma(tw[1], VFIO_USER_CMD_DMA_READ, 0x9000, NULL, 4, &rh, reply) &&
	     (rh.flags & VFIO_USER_F_ERROR) && rh.error == EFAULT;
	close(tw[1]);
	return GINT_TO_POINTER(ok);
}

static void test_twin(void)
{
	struct fixture f;

	start(&f, script_twin, 2000);
	CU_ASSERT_TRUE(negotiate(&f, true));
	CU_ASSERT_TRUE(vfio_user_conn_has_twin(f.c));
	CU_ASSERT_TRUE(finish(&f));
}

static gpointer script_inline(gpointer p)
{
	int fd = GPOINTER_TO_INT(p);
	struct vfio_user_header h, rh;
	uint8_t reply[80], data[20] = { 0 };
	bool ok = srv_version(fd, PLAIN_CAPS, -1) && srv_recv(fd, &h, data, 16);

	/* Before answering, the server needs DMA: it arrives on the main socket. */
	ok = ok && srv_dma(fd, VFIO_USER_CMD_DMA_WRITE, 0x1000, "wxyz", 4, &rh, reply) &&
	     !(rh.flags & VFIO_USER_F_ERROR);
	memcpy(data + 16, "1234", 4);
	ok = ok && fake_peer_reply(fd, &h, data, 20, -1);
	return GINT_TO_POINTER(ok);
}

static void test_inline_dma(void)
{
	struct fixture f;

	start(&f, script_inline, 2000);
	CU_ASSERT_TRUE(negotiate(&f, true));
	CU_ASSERT_FALSE(vfio_user_conn_has_twin(f.c));
	CU_ASSERT_EQUAL(simple_call(f.c, VFIO_USER_CMD_REGION_READ), 0);
	CU_ASSERT_EQUAL(memcmp(space, "wxyz", 4), 0);
	CU_ASSERT_TRUE(finish(&f));
}

static gpointer script_idle(gpointer p)
{
	int fd = GPOINTER_TO_INT(p);
	struct vfio_user_header rh;
	uint8_t reply[80];
	bool ok = srv_version(fd, PLAIN_CAPS, -1);

	/* No request outstanding: the connection's thread must answer. */
	ok = ok && srv_dma(fd, VFIO_USER_CMD_DMA_WRITE, 0x1100, "idle", 4, &rh, reply) &&
	     !(rh.flags & VFIO_USER_F_ERROR);
	return GINT_TO_POINTER(ok);
}

static void test_idle_dma(void)
{
	struct fixture f;

	start(&f, script_idle, 2000);
	CU_ASSERT_TRUE(negotiate(&f, false));
	CU_ASSERT_TRUE(GPOINTER_TO_INT(g_thread_join(f.server)));
	f.server = NULL;
	CU_ASSERT_EQUAL(memcmp(space + 0x100, "idle", 4), 0);
	finish(&f);
}

static gpointer script_late(gpointer p)
{
	int fd = GPOINTER_TO_INT(p);
	struct vfio_user_header h;
	uint8_t data[20] = { 0 };
	bool ok = srv_version(fd, PLAIN_CAPS, -1) && srv_recv(fd, &h, data, 16);

	g_usleep(400000);
	ok = ok && fake_peer_reply(fd, &h, NULL, 0, -1);          /* too late: dropped */
	ok = ok && srv_recv(fd, &h, data, 16) && fake_peer_reply(fd, &h, NULL, 0, -1);
	return GINT_TO_POINTER(ok);
}

static void test_timeout_late_reply(void)
{
	struct fixture f;
	gint64 t0;

	start(&f, script_late, 200);
	CU_ASSERT_TRUE(negotiate(&f, false));
	t0 = g_get_monotonic_time();
	CU_ASSERT_EQUAL(simple_call(f.c, VFIO_USER_CMD_REGION_WRITE), -EIO);
	CU_ASSERT_TRUE(g_get_monotonic_time() - t0 < 1000000);
	CU_ASSERT_FALSE(vfio_user_conn_broken(f.c));
	g_usleep(300000);
	CU_ASSERT_EQUAL(simple_call(f.c, VFIO_USER_CMD_REGION_WRITE), 0);
	CU_ASSERT_TRUE(finish(&f));
}

static gpointer script_error_reply(gpointer p)
{
	int fd = GPOINTER_TO_INT(p);
	struct vfio_user_header h;
	bool ok = srv_version(fd, PLAIN_CAPS, -1) && srv_recv(fd, &h, NULL, 0);

	ok = ok && fake_peer_send(fd, h.id, h.command, VFIO_USER_F_TYPE_REPLY | VFIO_USER_F_ERROR, EINVAL,
			    "junk", 4, -1);  /* libvfio-user may attach a payload */
	ok = ok && srv_recv(fd, &h, NULL, 0) && fake_peer_reply(fd, &h, NULL, 0, -1);
	return GINT_TO_POINTER(ok);
}

static void test_error_reply(void)
{
	struct fixture f;

	start(&f, script_error_reply, 2000);
	CU_ASSERT_TRUE(negotiate(&f, false));
	/* A region access the server refuses is EIO to the caller, whatever errno it names. */
	CU_ASSERT_EQUAL(simple_call(f.c, VFIO_USER_CMD_REGION_WRITE), -EIO);
	CU_ASSERT_FALSE(vfio_user_conn_broken(f.c));
	CU_ASSERT_EQUAL(simple_call(f.c, VFIO_USER_CMD_REGION_WRITE), 0);
	CU_ASSERT_TRUE(finish(&f));
}

/* Takes one request; arg 0: never answers it, else answers with that errno. */
static gpointer script_map_fails(gpointer p)
{
	int fd = GPOINTER_TO_INT(p) & 0xffff, e = GPOINTER_TO_INT(p) >> 16;
	struct vfio_user_header h;
	bool ok = srv_version(fd, PLAIN_CAPS, -1) && srv_recv(fd, &h, NULL, 0);

	if (e)
		ok = ok && fake_peer_send(fd, h.id, h.command, VFIO_USER_F_TYPE_REPLY | VFIO_USER_F_ERROR,
					  (uint32_t)e, NULL, 0, -1);
	else
		g_usleep(1200000);
	return GINT_TO_POINTER(ok);
}

/*
 * A DMA_MAP or DMA_UNMAP that times out or fails leaves the server's
 * mappings unknown: the device is lost (EIO, then ENODEV), never asked
 * again; a region access that times out is not (test_timeout_late_reply).
 */
static void run_map_fails(uint16_t cmd, int e)
{
	struct fixture f;
	gint64 t0;

	/* Room for a loaded machine: the VERSION exchange waits as long as any call. */
	start_with(&f, script_map_fails, 800, e, false);
	CU_ASSERT_TRUE(negotiate(&f, false));
	t0 = g_get_monotonic_time();
	CU_ASSERT_EQUAL(simple_call(f.c, cmd), -EIO);
	CU_ASSERT_TRUE(g_get_monotonic_time() - t0 < 3000000);
	CU_ASSERT_TRUE(vfio_user_conn_broken(f.c));
	CU_ASSERT_EQUAL(simple_call(f.c, cmd), -ENODEV);
	CU_ASSERT_TRUE(finish(&f));
}

static void test_map_timeout(void) { run_map_fails(VFIO_USER_CMD_DMA_MAP, 0); }
static void test_unmap_timeout(void) { run_map_fails(VFIO_USER_CMD_DMA_UNMAP, 0); }
static void test_map_refused(void) { run_map_fails(VFIO_USER_CMD_DMA_MAP, EIO); }
static void test_unmap_refused(void) { run_map_fails(VFIO_USER_CMD_DMA_UNMAP, EINVAL); }

/* Hostile answers to the first request after VERSION. */
enum hostile { OVERSIZED, GARBAGE, TRUNCATED, WRONG_ID, CLOSE, UNKNOWN_REQUEST };

static gpointer script_hostile(gpointer p)
{
	int fd = GPOINTER_TO_INT(p) & 0xffff, kind = GPOINTER_TO_INT(p) >> 16;
	struct vfio_user_header h, bad;
	uint8_t ff[16];
	bool ok = srv_version(fd, PLAIN_CAPS, -1) && srv_recv(fd, &h, NULL, 0);

	switch (kind) {
	case OVERSIZED:
		vfio_user_header_init(&bad, h.id, h.command, 0x10000000, VFIO_USER_F_TYPE_REPLY);
		ok = ok && send(fd, &bad, sizeof(bad), MSG_NOSIGNAL) == sizeof(bad);
		break;
	case GARBAGE:
		memset(ff, 0xff, sizeof(ff));
		ok = ok && send(fd, ff, sizeof(ff), MSG_NOSIGNAL) == sizeof(ff);
		break;
	case TRUNCATED:
		vfio_user_header_init(&bad, h.id, h.command, 100, VFIO_USER_F_TYPE_REPLY);
		ok = ok && send(fd, &bad, sizeof(bad), MSG_NOSIGNAL) == sizeof(bad) &&
		     send(fd, ff, 10, MSG_NOSIGNAL) == 10;
		g_usleep(500000);
		break;
	case WRONG_ID:
		ok = ok && fake_peer_send(fd, h.id + 5, h.command, VFIO_USER_F_TYPE_REPLY, 0, NULL, 0, -1);
		break;
	case UNKNOWN_REQUEST:
		ok = ok && fake_peer_send(fd, 1, VFIO_USER_CMD_DEVICE_RESET, 0, 0, NULL, 0, -1);
		break;
	case CLOSE:
		break;
	}
	shutdown(fd, SHUT_WR);
	return GINT_TO_POINTER(ok);
}

static void run_hostile(enum hostile kind)
{
	struct fixture f;
	gint64 t0;

	start_with(&f, script_hostile, 200, kind, false);
	CU_ASSERT_TRUE(negotiate(&f, false));
	t0 = g_get_monotonic_time();
	CU_ASSERT_EQUAL(simple_call(f.c, VFIO_USER_CMD_REGION_READ), -EIO);
	CU_ASSERT_TRUE(g_get_monotonic_time() - t0 < 1000000);
	CU_ASSERT_TRUE(vfio_user_conn_broken(f.c));
	CU_ASSERT_EQUAL(simple_call(f.c, VFIO_USER_CMD_REGION_READ), -ENODEV);
	CU_ASSERT_TRUE(finish(&f));
}

static void test_oversized(void) { run_hostile(OVERSIZED); }
static void test_garbage(void) { run_hostile(GARBAGE); }
static void test_truncated(void) { run_hostile(TRUNCATED); }
static void test_wrong_id(void) { run_hostile(WRONG_ID); }
static void test_close(void) { run_hostile(CLOSE); }
static void test_unknown_request(void) { run_hostile(UNKNOWN_REQUEST); }

/* The server takes the request and says nothing more until the client closes. */
static gpointer script_swallow(gpointer p)
{
	int fd = GPOINTER_TO_INT(p) & 0xffff;
	struct vfio_user_header h;

	return GINT_TO_POINTER(srv_version(fd, PLAIN_CAPS, -1) && srv_recv(fd, &h, NULL, 0));
}

/*
 * A server that dies on a request is often seen first by the connection's
 * thread (EOF on its twin socket), between the caller's send and collect:
 * that call is the one in flight and fails with EIO; only later calls get
 * ENODEV (CI once saw ENODEV here).
 */
static void test_broken_between_send_and_collect(void)
{
	struct fixture f;
	struct vfio_user_region_access a = { .offset = 0, .region = 0, .count = 4 };
	struct iovec iov = { &a, sizeof(a) };
	struct vfio_user_call call = { .command = VFIO_USER_CMD_REGION_READ, .iov = &iov, .niov = 1 };

	start_with(&f, script_swallow, 2000, 0, false);
	CU_ASSERT_TRUE(negotiate(&f, false));
	vfio_user_conn_begin(f.c);
	CU_ASSERT_EQUAL(vfio_user_conn_send(f.c, &call), 0);
	vfio_user_conn_fail(f.c, "closed the connection (as seen on the twin socket)");
	CU_ASSERT_EQUAL(vfio_user_conn_collect(f.c, &call), -EIO);
	vfio_user_conn_end(f.c);
	vfio_user_call_clear(&call);
	CU_ASSERT_EQUAL(simple_call(f.c, VFIO_USER_CMD_REGION_READ), -ENODEV);
	CU_ASSERT_TRUE(finish(&f));
}

static gpointer script_bad_version(gpointer p)
{
	return GINT_TO_POINTER(srv_version(GPOINTER_TO_INT(p), "{\"capabilities\":7}", -1));
}

static void test_bad_version(void)
{
	struct fixture f;

	start(&f, script_bad_version, 500);
	CU_ASSERT_FALSE(negotiate(&f, true));
	CU_ASSERT_TRUE(vfio_user_conn_broken(f.c));
	CU_ASSERT_TRUE(finish(&f));
}

static gpointer script_twin_lost(gpointer p)
{
	/* Promises a twin socket but sends no descriptor (a relay dropped it). */
	return GINT_TO_POINTER(srv_version(GPOINTER_TO_INT(p),
		"{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}", -1));
}

static void test_twin_lost(void)
{
	struct fixture f;

	start(&f, script_twin_lost, 500);
	CU_ASSERT_TRUE(negotiate(&f, true));
	CU_ASSERT_FALSE(vfio_user_conn_has_twin(f.c));
	CU_ASSERT_TRUE(vfio_user_conn_twin_lost(f.c));
	CU_ASSERT_TRUE(finish(&f));
}

static gpointer script_pipelined(gpointer p)
{
	int fd = GPOINTER_TO_INT(p);
	struct vfio_user_header h[3], rh;
	uint8_t reply[80];
	bool ok = srv_version(fd, PLAIN_CAPS, -1);

	for (int i = 0; i < 3; i++)
		ok = ok && srv_recv(fd, &h[i], NULL, 0);
	/* A DMA request of ours first, then the replies out of order, the second an error. */
	ok = ok && srv_dma(fd, VFIO_USER_CMD_DMA_WRITE, 0x1200, "pipe", 4, &rh, reply) &&
	     !(rh.flags & VFIO_USER_F_ERROR);
	ok = ok && fake_peer_reply(fd, &h[2], NULL, 0, -1);
	ok = ok && fake_peer_send(fd, h[1].id, h[1].command, VFIO_USER_F_TYPE_REPLY | VFIO_USER_F_ERROR,
				  EINVAL, NULL, 0, -1);
	ok = ok && fake_peer_reply(fd, &h[0], NULL, 0, -1);
	return GINT_TO_POINTER(ok);
}

static void test_pipelined(void)
{
	struct fixture f;
	struct vfio_user_region_access a = { .offset = 0, .region = 0, .count = 4 };
	struct iovec iov = { &a, sizeof(a) };
	struct vfio_user_call calls[3];

	start(&f, script_pipelined, 2000);
	CU_ASSERT_TRUE(negotiate(&f, false));
	vfio_user_conn_begin(f.c);
	for (int i = 0; i < 3; i++) {
		calls[i] = (struct vfio_user_call){ .command = VFIO_USER_CMD_REGION_WRITE, .iov = &iov, .niov = 1 };
		CU_ASSERT_EQUAL(vfio_user_conn_send(f.c, &calls[i]), 0);
	}
	/* Collected in the order of sending, whatever order the replies came in. */
	CU_ASSERT_EQUAL(vfio_user_conn_collect(f.c, &calls[0]), 0);
	CU_ASSERT_EQUAL(vfio_user_conn_collect(f.c, &calls[1]),
			-vfio_user_reply_errno(VFIO_USER_CMD_REGION_WRITE, EINVAL));
	CU_ASSERT_EQUAL(vfio_user_conn_collect(f.c, &calls[2]), 0);
	vfio_user_conn_end(f.c);
	for (int i = 0; i < 3; i++)
		vfio_user_call_clear(&calls[i]);
	CU_ASSERT_FALSE(vfio_user_conn_broken(f.c));
	CU_ASSERT_EQUAL(memcmp(space + 0x200, "pipe", 4), 0);
	CU_ASSERT_TRUE(finish(&f));
}

static CU_TestInfo tests[] = {
	{ "twin socket serves DMA", test_twin },
	{ "DMA while waiting for a reply", test_inline_dma },
	{ "DMA while idle", test_idle_dma },
	{ "timeout, late reply dropped", test_timeout_late_reply },
	{ "error reply", test_error_reply },
	{ "DMA_MAP timeout: device lost", test_map_timeout },
	{ "DMA_UNMAP timeout: device lost", test_unmap_timeout },
	{ "DMA_MAP refused: device lost", test_map_refused },
	{ "DMA_UNMAP refused: device lost", test_unmap_refused },
	{ "oversized size field", test_oversized },
	{ "garbage", test_garbage },
	{ "truncated message", test_truncated },
	{ "wrong id", test_wrong_id },
	{ "server closes", test_close },
	{ "broken between send and collect: EIO, then ENODEV", test_broken_between_send_and_collect },
	{ "unknown request from server", test_unknown_request },
	{ "malformed VERSION", test_bad_version },
	{ "twin descriptor lost", test_twin_lost },
	{ "several calls in flight, replies out of order", test_pipelined },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_vfio_vfio_user_conn_suite) = { .pName = "vfio_user_conn", .pTests = tests };
