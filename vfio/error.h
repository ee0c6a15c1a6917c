/*
 * Errors of the vfio layer: a GError whose code is the errno the file system
 * should hand to the user, and whose message tells the user what to do.
 */
#pragma once

#include <errno.h>
#include <glib.h>

#define VFIO_ERROR (vfio_error_quark())
GQuark vfio_error_quark(void);

#define vfio_set_error(err, errnum, ...) \
	g_set_error((err), VFIO_ERROR, (errnum), __VA_ARGS__)

/*
 * The largest errno a FUSE reply may carry: the kernel refuses an error
 * reply of 512 or more, and the caller then waits forever.
 */
#define VFIO_ERRNO_MAX 511

/* e if it is an errno a reply may carry (1..VFIO_ERRNO_MAX), else EIO and a log line. */
int vfio_errno_sane(long e);

/* The errno carried by err (checked by vfio_errno_sane()), or EIO for errors from elsewhere. */
int vfio_error_errno(const GError *err);
