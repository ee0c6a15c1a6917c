/* Temporary: stands in for the vfio-user transport until it lands. */
#include "vfio/device.h"
#include "vfio/error.h"
#include "vfio/vfio_user.h"

bool vfio_user_connect(struct vfio_device *d, const char *socket_path,
		       const struct vfio_user_options *o, GError **err)
{
	vfio_set_error(err, ENOTSUP, "%s: vfio-user is not built in", socket_path);
	return false;
}
