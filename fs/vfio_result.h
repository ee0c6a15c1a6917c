/*
 * Where fs/ calls vfio/: a per-access result of vfio/ (the count or 0, or
 * -errno) as fs/ returns errors, 0 or a positive errno (doc/architecture.md,
 * "Errors: one convention per layer").  Set-up calls give a GError:
 * vfio_error_errno() (vfio/error.h).
 */
#pragma once

#include "vfio/error.h"

#include <limits.h>
#include <sys/types.h>

/* 0, or the errno, checked: anything a reply cannot carry is EIO, with a log line. */
static inline int fs_errno_of(ssize_t vfio_rc)
{
	if (vfio_rc >= 0)
		return 0;
	return vfio_errno_sane(vfio_rc == LONG_MIN ? -1 : -(long)vfio_rc);
}
