#define G_LOG_DOMAIN "group"
#include "vfio/kernel/group.h"
#include "vfio/error.h"
#include "vfio/kernel/group_holders.h"
#include "vfio/kernel/sysfs.h"

#include <fcntl.h>
#include <linux/vfio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void set_open_error(int num, int errnum, GError **err)
{
	switch (errnum) {
	case ENOENT:
		vfio_set_error(err, ENODEV,
			       "/dev/vfio/%d does not exist: load vfio-pci (modprobe vfio-pci) "
			       "and bind the device to it", num);
		break;
	case EACCES:
	case EPERM:
		vfio_set_error(err, EACCES,
			       "no permission on /dev/vfio/%d: run as root, or give it to your user "
			       "(chown $USER /dev/vfio/%d)", num, num);
		break;
	case EBUSY: {
		g_autofree char *holders = vfio_group_holders(num);

		if (holders)
			vfio_set_error(err, EBUSY,
				       "IOMMU group %d is in use: %s; it stays busy until that closes it "
				       "(a client of an earlier mount keeps a BAR mapping's device "
				       "descriptor open)", num, holders);
		else
			vfio_set_error(err, EBUSY,
				       "IOMMU group %d is in use by another process (another vfiofs mount, a "
				       "virtual machine, or a client still holding a BAR mapping of an "
				       "earlier mount); stop it first (fuser -v /dev/vfio/%d)", num, num);
		break;
	}
	default:
		vfio_set_error(err, errnum, "cannot open /dev/vfio/%d: %s", num, g_strerror(errnum));
	}
}

/* Names the group's devices that hold it back, with their drivers. */
static char *describe_blockers(int num)
{
	char *who = vfio_sysfs_group_blockers(num);

	return who ? who : g_strdup("another member is bound to a host driver");
}

/*
 * A group is busy while another process holds it, and a vfiofs that was just
 * unmounted holds its groups for a moment after umount(8) returns, while it
 * resets and detaches: so "busy" is asked again for a few seconds.
 */
static int open_group_file(const char *path)
{
	int fd;

	for (int tries = 0; tries < 60; tries++) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd >= 0 || errno != EBUSY)
			return fd;
		g_usleep(50000);
	}
	return fd;
}

struct vfio_group *vfio_group_open(int num, GError **err)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	g_autofree char *path = g_strdup_printf("/dev/vfio/%d", num);
	struct vfio_group *g;
	int fd = open_group_file(path);

	if (fd < 0) {
		set_open_error(num, errno, err);
		return NULL;
	}
	if (ioctl(fd, VFIO_GROUP_GET_STATUS, &status) < 0) {
		vfio_set_error(err, errno, "IOMMU group %d: cannot read its status: %s", num,
			       g_strerror(errno));
		goto err_close;
	}
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		g_autofree char *why = describe_blockers(num);

		vfio_set_error(err, EBUSY,
			       "IOMMU group %d is not viable: %s; bind every device of the group to "
			       "vfio-pci or unbind it (ls /sys/kernel/iommu_groups/%d/devices)",
			       num, why, num);
		goto err_close;
	}
	g = g_new0(struct vfio_group, 1);
	g->num = num;
	g->fd = fd;
	return g;

err_close:
	close(fd);
	return NULL;
}

void vfio_group_close(struct vfio_group *g)
{
	if (!g)
		return;
	close(g->fd);
	g_free(g);
}
