#define G_LOG_DOMAIN "mmio"
#include "vfio/mmio.h"
#include "vfio/access_width.h"
#include "vfio/fault_guard.h"

#include <errno.h>
#include <glib.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static void load(const volatile void *p, void *out, unsigned width)
{
	switch (width) {
	case 8: { uint64_t v = *(const volatile uint64_t *)p; memcpy(out, &v, 8); break; }
	case 4: { uint32_t v = *(const volatile uint32_t *)p; memcpy(out, &v, 4); break; }
	case 2: { uint16_t v = *(const volatile uint16_t *)p; memcpy(out, &v, 2); break; }
	default: *(uint8_t *)out = *(const volatile uint8_t *)p;
	}
}

static void store(volatile void *p, const void *in, unsigned width)
{
	switch (width) {
	case 8: { uint64_t v; memcpy(&v, in, 8); *(volatile uint64_t *)p = v; break; }
	case 4: { uint32_t v; memcpy(&v, in, 4); *(volatile uint32_t *)p = v; break; }
	case 2: { uint16_t v; memcpy(&v, in, 2); *(volatile uint16_t *)p = v; break; }
	default: *(volatile uint8_t *)p = *(const uint8_t *)in;
	}
}

/* Copies len bytes between device memory and buf, each piece one access of its natural width. */
static int mmio_copy(volatile uint8_t *dev, uint8_t *buf, size_t len, bool write)
{
	sigjmp_buf jmp;

	if (sigsetjmp(jmp, 0)) {
		vfio_fault_guard_disarm();
		return -EIO;
	}
	vfio_fault_guard_arm(&jmp);
	for (size_t done = 0, w; done < len; done += w) {
		w = vfio_access_width((uintptr_t)(dev + done), len - done);
		if (write)
			store(dev + done, buf + done, w);
		else
			load(dev + done, buf + done, w);
	}
	vfio_fault_guard_disarm();
	return 0;
}

int vfio_mmio_read(const volatile void *src, void *buf, size_t len)
{
	return mmio_copy((volatile uint8_t *)src, buf, len, false);
}

int vfio_mmio_write(volatile void *dst, const void *buf, size_t len)
{
	return mmio_copy(dst, (uint8_t *)buf, len, true);
}
