/* The kernel's type1 container (/dev/vfio/vfio and groups) as an entry of the backend table. */
#pragma once

#include "vfio/backend.h"

extern const struct vfio_backend_ops vfio_type1_backend;
