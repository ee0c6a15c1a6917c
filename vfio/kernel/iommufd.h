/* iommufd (/dev/iommu) and VFIO's device files as an entry of the backend table. */
#pragma once

#include "vfio/backend.h"

#include <stdbool.h>

extern const struct vfio_backend_ops vfio_iommufd_backend;

/* Where /dev/iommu and /dev/vfio are; tests point it at a fake tree. */
extern const char *vfio_iommufd_dev_root;

/*
 * What -o iommu=auto picks: iommufd (true) only where /dev/vfio/vfio is
 * missing and /dev/iommu and /dev/vfio/devices are there.
 */
bool vfio_iommufd_auto_picks(void);
