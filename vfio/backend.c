/* The backend table: a new way of reaching devices is one file and one line here. */
#include "vfio/backend.h"
#include "vfio/kernel/type1.h"
#include "vfio/user/user.h"

const struct vfio_backend_ops *const vfio_backends[] = {
	&vfio_type1_backend,
	&vfio_user_backend,
};
const unsigned vfio_backend_count = G_N_ELEMENTS(vfio_backends);

int vfio_backend_for(const struct vfio_container_options *o, const char *source)
{
	for (unsigned i = 0; i < vfio_backend_count; i++)
		if (vfio_backends[i]->claims(o, source))
			return (int)i;
	return -1;
}
