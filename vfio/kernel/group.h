/* A VFIO group (/dev/vfio/N): the unit the legacy container attaches. */
#pragma once

#include <glib.h>

struct vfio_group {
	int num;
	int fd;
	unsigned devices;  /* attached devices of this group */
};

/* Opens /dev/vfio/N and checks the group is viable; the message says how to fix what is not. */
struct vfio_group *vfio_group_open(int num, GError **err);
void vfio_group_close(struct vfio_group *g);
