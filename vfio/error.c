#define G_LOG_DOMAIN "error"
#include "vfio/error.h"

G_DEFINE_QUARK(vfio-error-quark, vfio_error)

int vfio_errno_sane(long e)
{
	if (e > 0 && e <= VFIO_ERRNO_MAX)
		return (int)e;
	/* A bug, or a number from outside the daemon that slipped past its mapping. */
	g_warning("refused errno %ld on its way to a reply (the kernel takes 1..%d): EIO instead", e,
		  VFIO_ERRNO_MAX);
	return EIO;
}

int vfio_error_errno(const GError *err)
{
	if (err && err->domain == VFIO_ERROR)
		return vfio_errno_sane(err->code);
	return EIO;
}
