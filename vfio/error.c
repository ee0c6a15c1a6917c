#include "vfio/error.h"

G_DEFINE_QUARK(vfio-error-quark, vfio_error)

int vfio_error_errno(const GError *err)
{
	if (err && err->domain == VFIO_ERROR && err->code > 0)
		return err->code;
	return EIO;
}
