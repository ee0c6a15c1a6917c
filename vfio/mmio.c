#define G_LOG_DOMAIN "mmio"
#include "vfio/mmio.h"
#include "vfio/access.h"

#include <errno.h>
#include <glib.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Where a SIGBUS in this thread returns to, while it is accessing device memory. */
static __thread sigjmp_buf *fault_return;

static void on_sigbus(int sig, siginfo_t *info, void *ctx)
{
	(void)info;
	(void)ctx;
	if (fault_return)
		siglongjmp(*fault_return, 1);
	/* Not ours: die as the signal would have made us. */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_fault_handler(void)
{
	static gsize done;

	if (g_once_init_enter(&done)) {
		/* SA_NODEFER: after the jump out, SIGBUS must not stay blocked. */
		struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO | SA_NODEFER };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, NULL);
		g_once_init_leave(&done, 1);
	}
}

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

	install_fault_handler();
	if (sigsetjmp(jmp, 0)) {
		fault_return = NULL;
		return -EIO;
	}
	fault_return = &jmp;
	for (size_t done = 0, w; done < len; done += w) {
		w = vfio_access_width((uintptr_t)(dev + done), len - done);
		if (write)
			store(dev + done, buf + done, w);
		else
			load(dev + done, buf + done, w);
	}
	fault_return = NULL;
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
