/*
 * Who keeps an IOMMU group busy: processes holding /dev/vfio/N, or a VFIO
 * device descriptor (a client that was handed a BAR mapping by an earlier
 * mount keeps the group open through it after that mount is gone).
 */
#pragma once

/* "PID (comm) holds ..." for each holder found, "; "-separated; NULL if none was found. */
char *vfio_group_holders(int num);
