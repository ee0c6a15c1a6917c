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

/* The errno carried by err, or EIO for errors from elsewhere. */
int vfio_error_errno(const GError *err);
