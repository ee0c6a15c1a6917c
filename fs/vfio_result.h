/*
 * Where fs/ calls vfio/: a per-access result of vfio/ (the count or 0, or
 * -errno) as fs/ returns errors, 0 or a positive errno (doc/architecture.md,
 * "Errors: one convention per layer").  Set-up calls give a GError:
 * vfio_error_errno() (vfio/error.h).
 */
#pragma once

#include <sys/types.h>

static inline int fs_errno_of(ssize_t vfio_rc)
{
	return vfio_rc < 0 ? (int)-vfio_rc : 0;
}
