/* vfio-user message parsing: headers, VERSION JSON, info replies, DMA requests. */
#include "suites.h"
#include "vfio/user/msg.h"

#include <errno.h>
#include <string.h>

static void test_header(void)
{
	const char *why = NULL;
	struct vfio_user_header h;
	uint8_t raw[VFIO_USER_HEADER_SIZE];

	vfio_user_header_init(&h, 7, VFIO_USER_CMD_REGION_READ, 16, VFIO_USER_F_TYPE_REPLY);
	memcpy(raw, &h, sizeof(raw));
	CU_ASSERT_FALSE(vfio_user_header_decode(raw, 15, &h));
	CU_ASSERT_TRUE(vfio_user_header_decode(raw, 16, &h));
	CU_ASSERT_EQUAL(h.id, 7);
	CU_ASSERT_EQUAL(h.size, 32);
	CU_ASSERT_TRUE(vfio_user_is_reply(&h));
	CU_ASSERT_TRUE(vfio_user_header_check(&h, 32, &why));
	CU_ASSERT_FALSE(vfio_user_header_check(&h, 31, &why));      /* over the limit */
	h.size = 15;
	CU_ASSERT_FALSE(vfio_user_header_check(&h, 4096, &why));    /* under the header */
	h.size = 16;
	h.flags = 2;
	CU_ASSERT_FALSE(vfio_user_header_check(&h, 4096, &why));    /* unknown type */
	h.flags = VFIO_USER_F_TYPE_COMMAND | VFIO_USER_F_ERROR;
	CU_ASSERT_FALSE(vfio_user_header_check(&h, 4096, &why));    /* request with error */
	h.flags = VFIO_USER_F_TYPE_REPLY | VFIO_USER_F_ERROR;
	CU_ASSERT_TRUE(vfio_user_header_check(&h, 4096, &why));
	h.size = 20;
	CU_ASSERT_TRUE(vfio_user_header_check(&h, 4096, &why));        /* error with payload: allowed */
}

/* The mapping table: what each command's error reply means to the caller. */
static void test_reply_errno(void)
{
	static const uint32_t odd[] = { 0, 1, EIO, ENODEV, ENOTTY, EINVAL, 133, 511, 512, 600, 4095,
					4096, 100000, 0x7fffffff, 0xffffffffu };
	static const uint16_t eio_only[] = {
		VFIO_USER_CMD_VERSION, VFIO_USER_CMD_DMA_MAP, VFIO_USER_CMD_DMA_UNMAP,
		VFIO_USER_CMD_DEVICE_GET_INFO, VFIO_USER_CMD_REGION_READ, VFIO_USER_CMD_REGION_WRITE,
		VFIO_USER_CMD_DEVICE_RESET, VFIO_USER_CMD_DMA_READ, VFIO_USER_CMD_DMA_WRITE, 6, 14,
		1000, 0xffff,
	};

	for (unsigned c = 0; c < G_N_ELEMENTS(eio_only); c++)
		for (unsigned i = 0; i < G_N_ELEMENTS(odd); i++)
			CU_ASSERT_EQUAL(vfio_user_reply_errno(eio_only[c], odd[i]), EIO);
	for (unsigned i = 0; i < G_N_ELEMENTS(odd); i++) {
		int e = vfio_user_reply_errno(VFIO_USER_CMD_DEVICE_SET_IRQS, odd[i]);

		/* SET_IRQS: EINVAL passes ("not this setting"), everything else is EIO. */
		CU_ASSERT_EQUAL(e, odd[i] == EINVAL ? EINVAL : EIO);
		/* A description refused: the region or index is absent, whatever the server said. */
		CU_ASSERT_EQUAL(vfio_user_reply_errno(VFIO_USER_CMD_DEVICE_GET_REGION_INFO, odd[i]), EINVAL);
		CU_ASSERT_EQUAL(vfio_user_reply_errno(VFIO_USER_CMD_DEVICE_GET_IRQ_INFO, odd[i]), EINVAL);
	}
	/* Whatever comes in: a sane errno out, never ENODEV (the connection's own word for "gone"). */
	for (uint32_t cmd = 0; cmd < 20; cmd++)
		for (uint32_t e = 0; e < 5000; e += 7) {
			int r = vfio_user_reply_errno((uint16_t)cmd, e);

			CU_ASSERT_TRUE(r > 0 && r < 512 && r != ENODEV);
		}
}

static void test_cmd_name(void)
{
	char buf[32];

	CU_ASSERT_STRING_EQUAL(vfio_user_cmd_name(VFIO_USER_CMD_DMA_READ, buf, sizeof(buf)), "DMA_READ");
	CU_ASSERT_STRING_EQUAL(vfio_user_cmd_name(6, buf, sizeof(buf)), "command 6");
	CU_ASSERT_STRING_EQUAL(vfio_user_cmd_name(60000, buf, sizeof(buf)), "command 60000");
}

/* A VERSION reply payload: version numbers then json (NUL included). */
static GByteArray *version_reply(uint16_t major, uint16_t minor, const char *json)
{
	struct vfio_user_version v = { major, minor };
	GByteArray *b = g_byte_array_new();

	g_byte_array_append(b, (const guint8 *)&v, sizeof(v));
	if (json)
		g_byte_array_append(b, (const guint8 *)json, strlen(json) + 1);
	return b;
}

static bool parse_version(const char *json, struct vfio_user_caps *caps)
{
	g_autoptr(GByteArray) b = version_reply(0, 2, json);
	const char *why = NULL;
	bool ok = vfio_user_version_parse(b->data, b->len, caps, &why);

	CU_ASSERT_TRUE(ok || why);
	return ok;
}

static void test_version_request(void)
{
	g_autoptr(GByteArray) b = vfio_user_version_request(8, 1 << 20, true);
	struct vfio_user_caps caps;
	const char *why = NULL;

	CU_ASSERT_TRUE(b->len > 4);
	CU_ASSERT_EQUAL(b->data[b->len - 1], '\0');
	CU_ASSERT_PTR_NOT_NULL(strstr((const char *)b->data + 4, "\"twin_socket\""));
	/* As a reply it lacks the twin socket's fd_index, which only a server names. */
	CU_ASSERT_FALSE(vfio_user_version_parse(b->data, b->len, &caps, &why));
	g_byte_array_unref(b);
	b = vfio_user_version_request(0, 4096, false);
	CU_ASSERT_PTR_NULL(strstr((const char *)b->data + 4, "twin_socket"));
	/* Without it, our own request parses as a reply would. */
	CU_ASSERT_TRUE(vfio_user_version_parse(b->data, b->len, &caps, &why));
	CU_ASSERT_EQUAL(caps.max_msg_fds, 0);
	CU_ASSERT_EQUAL(caps.max_data_xfer_size, 4096);
}

static void test_version_reply(void)
{
	struct vfio_user_caps caps;
	const char *why = NULL;
	g_autoptr(GByteArray) bad_major = version_reply(1, 0, NULL);
	g_autoptr(GByteArray) no_nul = version_reply(0, 2, NULL);

	CU_ASSERT_TRUE(parse_version("{\"capabilities\":{\"max_msg_fds\":8,\"max_data_xfer_size\":1048576,"
				     "\"migration\":{\"pgsize\":4096}}}", &caps));
	CU_ASSERT_EQUAL(caps.minor, 2);
	CU_ASSERT_EQUAL(caps.max_msg_fds, 8);
	CU_ASSERT_FALSE(caps.twin_socket);
	CU_ASSERT_TRUE(parse_version("{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}",
				     &caps));
	CU_ASSERT_TRUE(caps.twin_socket);
	CU_ASSERT_EQUAL(caps.twin_fd_index, 0);
	CU_ASSERT_EQUAL(caps.max_msg_fds, VFIO_USER_DEFAULT_MAX_MSG_FDS);
	CU_ASSERT_EQUAL(caps.max_data_xfer_size, VFIO_USER_DEFAULT_MAX_DATA_XFER);
	CU_ASSERT_TRUE(parse_version("{\"capabilities\":{\"twin_socket\":{\"supported\":false}}}", &caps));
	CU_ASSERT_FALSE(caps.twin_socket);
	CU_ASSERT_TRUE(parse_version("{}", &caps));
	CU_ASSERT_TRUE(vfio_user_version_parse("\0\0\2\0", 4, &caps, &why));  /* no JSON: defaults */

	CU_ASSERT_FALSE(parse_version("{\"capabilities\":{\"twin_socket\":{\"supported\":true}}}", &caps));
	CU_ASSERT_FALSE(parse_version("{\"capabilities\":{\"max_msg_fds\":-1}}", &caps));
	CU_ASSERT_FALSE(parse_version("{\"capabilities\":{\"max_msg_fds\":\"8\"}}", &caps));
	CU_ASSERT_FALSE(parse_version("{\"capabilities\":{\"max_data_xfer_size\":4}}", &caps));
	CU_ASSERT_FALSE(parse_version("{\"capabilities\":{\"max_data_xfer_size\":99999999999}}", &caps));
	CU_ASSERT_FALSE(parse_version("{\"capabilities\":[]}", &caps));
	CU_ASSERT_FALSE(parse_version("[1,2]", &caps));
	CU_ASSERT_FALSE(parse_version("{\"capabilities\":", &caps));
	CU_ASSERT_FALSE(parse_version("\xff\xfe", &caps));
	CU_ASSERT_FALSE(vfio_user_version_parse(bad_major->data, bad_major->len, &caps, &why));
	CU_ASSERT_FALSE(vfio_user_version_parse(no_nul->data, 3, &caps, &why));
	g_byte_array_append(no_nul, (const guint8 *)"{}", 2);  /* no NUL after the JSON */
	CU_ASSERT_FALSE(vfio_user_version_parse(no_nul->data, no_nul->len, &caps, &why));
}

static void test_version_deep(void)
{
	GString *s = g_string_new("");
	struct vfio_user_caps caps;

	for (int i = 0; i < 3000; i++)
		g_string_append_c(s, '[');
	CU_ASSERT_FALSE(parse_version(s->str, &caps));
	g_string_free(s, TRUE);
}

static void test_device_and_irq_info(void)
{
	struct vfio_device_info di;
	struct vfio_irq_info ii;
	uint32_t raw[4] = { 16, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET, 9, 5 };
	const char *why = NULL;
	uint8_t odd[17];

	CU_ASSERT_TRUE(vfio_user_device_info_parse(raw, 16, &di, &why));
	CU_ASSERT_EQUAL(di.num_regions, 9);
	CU_ASSERT_EQUAL(di.num_irqs, 5);
	CU_ASSERT_FALSE(vfio_user_device_info_parse(raw, 15, &di, &why));
	/* Unaligned buffer: copied out, never read in place. */
	memcpy(odd + 1, raw, 16);
	CU_ASSERT_TRUE(vfio_user_irq_info_parse(odd + 1, 16, &ii, &why));
	CU_ASSERT_EQUAL(ii.count, 5);
	CU_ASSERT_FALSE(vfio_user_irq_info_parse(raw, 12, &ii, &why));
}

/* A region info reply with a sparse mmap capability of n areas at cap_offset 32. */
static GByteArray *region_reply(uint64_t size, const struct vfio_user_area *areas, uint32_t n,
				uint32_t claimed)
{
	struct vfio_region_info ri = {
		.argsz = 32 + 16 + 16 * n,
		.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS,
		.index = 2, .cap_offset = 32, .size = size, .offset = 0x20000,
	};
	struct vfio_region_info_cap_sparse_mmap head = {
		.header = { .id = VFIO_REGION_INFO_CAP_SPARSE_MMAP, .version = 1 }, .nr_areas = claimed,
	};
	GByteArray *b = g_byte_array_new();

	g_byte_array_append(b, (const guint8 *)&ri, sizeof(ri));
	g_byte_array_append(b, (const guint8 *)&head, sizeof(head));
	for (uint32_t i = 0; i < n; i++) {
		struct vfio_region_sparse_mmap_area a = { areas[i].offset, areas[i].size };

		g_byte_array_append(b, (const guint8 *)&a, sizeof(a));
	}
	return b;
}

static void test_region_info(void)
{
	/* Out of order, one empty, one past the end, one overlapping: two survive, sorted. */
	const struct vfio_user_area areas[] = {
		{ 0x8000, 0x4000 }, { 0, 0x4000 }, { 0x5000, 0 }, { 0xf000, 0x2000 }, { 0x9000, 0x1000 },
	};
	g_autoptr(GByteArray) b = region_reply(0x10000, areas, 5, 5);
	g_autoptr(GByteArray) lying = region_reply(0x10000, areas, 2, 1000);
	struct vfio_user_region_info ri;
	const char *why = NULL;

	CU_ASSERT_TRUE(vfio_user_region_info_parse(b->data, b->len, &ri, &why));
	CU_ASSERT_EQUAL(ri.info.offset, 0x20000);
	CU_ASSERT_TRUE(ri.sparse);
	CU_ASSERT_EQUAL_FATAL(ri.areas->len, 2);
	CU_ASSERT_EQUAL(g_array_index(ri.areas, struct vfio_user_area, 0).offset, 0);
	CU_ASSERT_EQUAL(g_array_index(ri.areas, struct vfio_user_area, 1).offset, 0x8000);
	vfio_user_region_info_clear(&ri);

	/* nr_areas beyond the reply: only what is there is read. */
	CU_ASSERT_TRUE(vfio_user_region_info_parse(lying->data, lying->len, &ri, &why));
	CU_ASSERT_EQUAL(ri.areas->len, 2);
	vfio_user_region_info_clear(&ri);

	/* The fixed part alone (the first, argsz-32 answer): no caps read. */
	CU_ASSERT_TRUE(vfio_user_region_info_parse(b->data, 32, &ri, &why));
	CU_ASSERT_FALSE(ri.sparse);
	CU_ASSERT_EQUAL(ri.areas->len, 0);
	vfio_user_region_info_clear(&ri);
	CU_ASSERT_FALSE(vfio_user_region_info_parse(b->data, 31, &ri, &why));

	/* A chain that points at itself ends. */
	{
		struct vfio_info_cap_header loop = { .id = 99, .version = 1, .next = 32 };

		memcpy(b->data + 32, &loop, sizeof(loop));
		CU_ASSERT_TRUE(vfio_user_region_info_parse(b->data, b->len, &ri, &why));
		CU_ASSERT_FALSE(ri.sparse);
		vfio_user_region_info_clear(&ri);
	}
}

static void test_region_reply(void)
{
	const char *why = NULL;
	struct vfio_user_region_access req = { .offset = 8, .region = 0, .count = 8 };
	uint8_t buf[24] = { 0 };

	memcpy(buf, &req, sizeof(req));
	CU_ASSERT_TRUE(vfio_user_region_reply_check(buf, 24, &req, true, &why));
	CU_ASSERT_FALSE(vfio_user_region_reply_check(buf, 20, &req, true, &why));
	CU_ASSERT_TRUE(vfio_user_region_reply_check(buf, 16, &req, false, &why));
	CU_ASSERT_FALSE(vfio_user_region_reply_check(buf, 24, &req, false, &why));
	CU_ASSERT_FALSE(vfio_user_region_reply_check(buf, 8, &req, false, &why));
	req.offset = 16;
	CU_ASSERT_FALSE(vfio_user_region_reply_check(buf, 24, &req, true, &why));
}

static void test_dma_request(void)
{
	const char *why = NULL;
	struct vfio_user_dma_access a = { .addr = 0x1000, .count = 4 };
	struct vfio_user_dma_request req;
	uint8_t buf[20];

	memcpy(buf, &a, sizeof(a));
	memcpy(buf + 16, "abcd", 4);
	CU_ASSERT_TRUE(vfio_user_dma_request_parse(VFIO_USER_CMD_DMA_READ, buf, 16, 1 << 20, &req, &why));
	CU_ASSERT_FALSE(req.write);
	CU_ASSERT_EQUAL(req.count, 4);
	CU_ASSERT_FALSE(vfio_user_dma_request_parse(VFIO_USER_CMD_DMA_READ, buf, 20, 1 << 20, &req, &why));
	CU_ASSERT_EQUAL(req.error, EINVAL);
	CU_ASSERT_TRUE(vfio_user_dma_request_parse(VFIO_USER_CMD_DMA_WRITE, buf, 20, 1 << 20, &req, &why));
	CU_ASSERT_TRUE(req.write);
	CU_ASSERT_EQUAL(memcmp(req.data, "abcd", 4), 0);
	CU_ASSERT_FALSE(vfio_user_dma_request_parse(VFIO_USER_CMD_DMA_WRITE, buf, 19, 1 << 20, &req, &why));
	CU_ASSERT_EQUAL(req.error, EINVAL);
	CU_ASSERT_FALSE(vfio_user_dma_request_parse(VFIO_USER_CMD_DMA_READ, buf, 15, 1 << 20, &req, &why));
	CU_ASSERT_EQUAL(req.error, EINVAL);
	CU_ASSERT_FALSE(vfio_user_dma_request_parse(VFIO_USER_CMD_DMA_READ, buf, 16, 3, &req, &why));
	CU_ASSERT_EQUAL(req.error, EINVAL);
	CU_ASSERT_FALSE(vfio_user_dma_request_parse(VFIO_USER_CMD_REGION_READ, buf, 16, 1 << 20, &req, &why));
	CU_ASSERT_EQUAL(req.error, EINVAL);
	a.addr = UINT64_MAX - 1;
	memcpy(buf, &a, sizeof(a));
	CU_ASSERT_FALSE(vfio_user_dma_request_parse(VFIO_USER_CMD_DMA_READ, buf, 16, 1 << 20, &req, &why));
	CU_ASSERT_EQUAL(req.error, EFAULT);
	a.count = UINT64_MAX;
	memcpy(buf, &a, sizeof(a));
	CU_ASSERT_FALSE(vfio_user_dma_request_parse(VFIO_USER_CMD_DMA_READ, buf, 16, UINT64_MAX, &req, &why));
	CU_ASSERT_EQUAL(req.error, EFAULT);
}

static CU_TestInfo tests[] = {
	{ "reply errno per command", test_reply_errno },
	{ "header", test_header },
	{ "command names", test_cmd_name },
	{ "VERSION request", test_version_request },
	{ "VERSION reply", test_version_reply },
	{ "VERSION deeply nested", test_version_deep },
	{ "device and irq info", test_device_and_irq_info },
	{ "region info with caps", test_region_info },
	{ "region access reply", test_region_reply },
	{ "DMA requests", test_dma_request },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_vfio_vfio_user_msg_suite) = { .pName = "vfio_user_msg", .pTests = tests };
