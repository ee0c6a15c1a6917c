#define G_LOG_DOMAIN "memlock"
#include "vfio/memlock.h"
#include "vfio/error.h"

#include <linux/capability.h>
#include <string.h>
#include <sys/resource.h>

/* A field of /proc/self/status's text, as text after the colon; NULL if missing. */
static char *status_field(const char *status, const char *field)
{
	g_autofree char *key = g_strdup_printf("\n%s:", field);
	const char *at = strstr(status, key), *end;

	if (!at)
		return NULL;
	at += strlen(key);
	end = strchrnul(at, '\n');
	return g_strstrip(g_strndup(at, end - at));
}

static bool has_ipc_lock(const char *status)
{
	g_autofree char *caps = status_field(status, "CapEff");

	return caps && (g_ascii_strtoull(caps, NULL, 16) >> CAP_IPC_LOCK) & 1;
}

/* A "NNN kB" field of /proc/self/status in bytes; 0 if missing. */
static uint64_t status_bytes(const char *status, const char *field)
{
	g_autofree char *kb = status_field(status, field);

	return kb ? g_ascii_strtoull(kb, NULL, 10) * 1024 : 0;
}

/*
 * What the kernel counts as locked already, in bytes: the type1 container
 * charges its pins to VmLck (locked_vm), iommufd to VmPin (pinned_vm; its
 * limit check is on the user's total, of which this is our part), so the
 * sum holds the pins of either interface.
 */
static uint64_t locked_now(const char *status)
{
	return status_bytes(status, "VmLck") + status_bytes(status, "VmPin");
}

bool vfio_memlock_check(uint64_t size, GError **err)
{
	g_autofree char *status = NULL;
	struct rlimit lim;
	uint64_t locked;

	if (getrlimit(RLIMIT_MEMLOCK, &lim) < 0 || lim.rlim_cur == RLIM_INFINITY)
		return true;
	/* Read once: the capability and both counts come from the same text (none: nothing known). */
	if (!g_file_get_contents("/proc/self/status", &status, NULL, NULL))
		status = g_strdup("");
	if (has_ipc_lock(status))
		return true;
	locked = locked_now(status);
	if (locked + size <= lim.rlim_cur)
		return true;
	vfio_set_error(err, ENOMEM,
		       "cannot pin %" G_GUINT64_FORMAT " bytes for DMA: %" G_GUINT64_FORMAT " KiB are "
		       "locked already, and the locked-memory limit RLIMIT_MEMLOCK is %llu KiB (see "
		       "ulimit -l); raise it (ulimit -l, limits.conf memlock, systemd LimitMEMLOCK=) "
		       "or run as root", size, locked / 1024, (unsigned long long)lim.rlim_cur / 1024);
	return false;
}
