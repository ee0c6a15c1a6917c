/*
 * Out of descriptors, said in words a user of truncate can act on: the
 * mount holds no more buffers (ENOSPC, as when the IOVA space is full),
 * because of the limit on open files, named with its value and the ways to
 * raise it.  EMFILE itself would name nothing the user opened.
 */
#define G_LOG_DOMAIN "fd-limit"
#include "vfio/fd_limit.h"
#include "vfio/error.h"

#include <errno.h>
#include <sys/resource.h>

static void refuse(const char *name, const char *why, GError **err)
{
	struct rlimit lim = { 0, 0 };

	getrlimit(RLIMIT_NOFILE, &lim);
	vfio_set_error(err, ENOSPC,
		       "no room for %s: every buffer holds a descriptor and %s (open-file limit "
		       "RLIMIT_NOFILE %llu, hard %llu; the daemon raises the soft limit to the hard one "
		       "at start: raise the hard limit where the daemon starts, e.g. ulimit -Hn, "
		       "prlimit --nofile, LimitNOFILE= in a systemd unit)",
		       name, why, (unsigned long long)lim.rlim_cur, (unsigned long long)lim.rlim_max);
}

bool vfio_fd_limit_check(int fd, const char *name, GError **err)
{
	struct rlimit lim;

	/* Descriptors come lowest first: the number says how many are open. */
	if (getrlimit(RLIMIT_NOFILE, &lim) < 0 || lim.rlim_cur == RLIM_INFINITY ||
	    (rlim_t)fd + VFIO_FD_RESERVE < lim.rlim_cur)
		return true;
	refuse(name, "the last " G_STRINGIFY(VFIO_FD_RESERVE) " are kept for devices and connections",
	       err);
	return false;
}

bool vfio_fd_limit_error(int e, const char *name, GError **err)
{
	if (e == EMFILE)
		refuse(name, "the daemon has no descriptor left", err);
	else if (e == ENFILE)
		refuse(name, "the system has no descriptor left (fs.file-max)", err);
	else
		return false;
	return true;
}
