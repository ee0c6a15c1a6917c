/*
 * libFuzzer targets over every parser of vfio/user/msg.c: what a
 * vfio-user server sends is untrusted, so any bytes must be refused or
 * parsed without a crash, a leak or undefined behaviour.  One target per
 * build, chosen with -DFUZZ_TARGET=N (tests/fuzz/run.sh builds them all).
 */
#include "fuzz.h"
#include "vfio/user/msg.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

/* The parsers get exactly the input's bytes, in a buffer of its own, at an odd address. */
static uint8_t *copy_unaligned(const uint8_t *data, size_t size)
{
	uint8_t *buf = g_malloc(size + 1);

	memcpy(buf + 1, data, size);
	return buf;
}

static void fuzz_header(const uint8_t *p, size_t n)
{
	struct vfio_user_header h;
	const char *why = NULL;
	char name[32];

	if (!vfio_user_header_decode(p, n, &h))
		return;
	if (vfio_user_header_check(&h, 1024 * 1024 + 4096, &why)) {
		(void)vfio_user_is_reply(&h);
		(void)vfio_user_reply_errno(h.command, h.error);
	}
	(void)vfio_user_cmd_name(h.command, name, sizeof(name));
}

static void fuzz_version(const uint8_t *p, size_t n)
{
	struct vfio_user_caps caps;
	const char *why = NULL;

	if (!vfio_user_version_parse(p, n, &caps, &why) && !why)
		__builtin_trap();  /* every refusal says why */
}

static void fuzz_region_info(const uint8_t *p, size_t n)
{
	struct vfio_user_region_info ri;
	const char *why = NULL;

	if (!vfio_user_region_info_parse(p, n, &ri, &why))
		return;
	/* What the parser promises: areas inside the region, ascending, apart. */
	for (guint i = 0; i < ri.areas->len; i++) {
		const struct vfio_user_area *a = &g_array_index(ri.areas, struct vfio_user_area, i);

		if (!a->size || a->offset >= ri.info.size || a->size > ri.info.size - a->offset)
			__builtin_trap();
		if (i && a->offset < g_array_index(ri.areas, struct vfio_user_area, i - 1).offset +
					     g_array_index(ri.areas, struct vfio_user_area, i - 1).size)
			__builtin_trap();
	}
	vfio_user_region_info_clear(&ri);
}

static void fuzz_info(const uint8_t *p, size_t n)
{
	struct vfio_device_info di;
	struct vfio_irq_info ii;
	const char *why = NULL;

	(void)vfio_user_device_info_parse(p, n, &di, &why);
	(void)vfio_user_irq_info_parse(p, n, &ii, &why);
}

static void fuzz_dma(const uint8_t *p, size_t n)
{
	struct vfio_user_dma_request req;
	const char *why = NULL;
	uint16_t cmd;

	if (n < 2)
		return;
	memcpy(&cmd, p, 2);
	if (!vfio_user_dma_request_parse(cmd, p + 2, n - 2, 1024 * 1024, &req, &why)) {
		if (!why || (req.error != EINVAL && req.error != EFAULT))
			__builtin_trap();
	} else if (req.write) {
		volatile uint8_t sink = 0;

		/* The data it points at must lie inside the input. */
		for (uint64_t i = 0; i < req.count; i++)
			sink ^= req.data[i];
		(void)sink;
	}
}

static void fuzz_region_reply(const uint8_t *p, size_t n)
{
	struct vfio_user_region_access req = { .offset = 0x10, .region = 2, .count = 4 };
	const char *why = NULL;

	if (n < 1)
		return;
	if (!vfio_user_region_reply_check(p + 1, n - 1, &req, p[0] & 1, &why) && !why)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fuzz_target *const targets[] = {
		fuzz_header, fuzz_version, fuzz_region_info, fuzz_info, fuzz_dma, fuzz_region_reply,
	};
	uint8_t *buf = copy_unaligned(data, size);

	fuzz_run(targets, G_N_ELEMENTS(targets), buf + 1, size);
	g_free(buf);
	return 0;
}
