#define G_LOG_DOMAIN "fault-guard"
#include "vfio/fault_guard.h"

#include <errno.h>
#include <glib.h>
#include <signal.h>
#include <string.h>

/* Where a SIGBUS in this thread returns to, while a guarded access runs. */
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

void vfio_fault_guard_arm(sigjmp_buf *jmp)
{
	install_fault_handler();
	fault_return = jmp;
}

void vfio_fault_guard_disarm(void)
{
	fault_return = NULL;
}

int vfio_guarded_copy(void *dst, const void *src, size_t len)
{
	sigjmp_buf jmp;

	if (sigsetjmp(jmp, 0)) {
		vfio_fault_guard_disarm();
		return -EIO;
	}
	vfio_fault_guard_arm(&jmp);
	memcpy(dst, src, len);
	vfio_fault_guard_disarm();
	return 0;
}
