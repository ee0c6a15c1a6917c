/*
 * The kernel's current device interface: iommufd (/dev/iommu) with VFIO's
 * device files (/dev/vfio/devices/vfioN, Linux >= 6.6 built with IOMMUFD
 * and VFIO_DEVICE_CDEV).  The mount's IOVA space is one IOAS; each device is
 * bound to the iommufd through its own file, found in sysfs, and attached
 * to that IOAS.  Buffers keep the IOVAs vfiofs's allocator gives them
 * (IOMMU_IOAS_MAP with a fixed IOVA), so files, IOVAs and errors are those
 * of the type1 container.
 */
#define G_LOG_DOMAIN "iommufd"
#include "vfio/kernel/iommufd.h"
#include "vfio/device.h"
#include "vfio/error.h"
#include "vfio/kernel/sysfs.h"
#include "vfio/pci_addr.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <linux/ioctl.h>
#include <linux/types.h>
#include <linux/vfio.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

/*
 * The kernel ABI (include/uapi/linux/iommufd.h and vfio.h of Linux 6.6),
 * spelled out here: the build machine's headers may predate it (Debian 12
 * ships 6.1's, which has neither).  Only what this file uses.
 */
#define IOMMUFD_IOCTL_TYPE ';'
#define IOMMUFD_IOAS_ALLOC _IO(IOMMUFD_IOCTL_TYPE, 0x81)
#define IOMMUFD_IOAS_IOVA_RANGES _IO(IOMMUFD_IOCTL_TYPE, 0x84)
#define IOMMUFD_IOAS_MAP _IO(IOMMUFD_IOCTL_TYPE, 0x85)
#define IOMMUFD_IOAS_UNMAP _IO(IOMMUFD_IOCTL_TYPE, 0x86)
#define IOMMUFD_MAP_FIXED_IOVA (1u << 0)
#define IOMMUFD_MAP_WRITEABLE (1u << 1)
#define IOMMUFD_MAP_READABLE (1u << 2)
#define VFIO_CDEV_BIND_IOMMUFD _IO(VFIO_TYPE, VFIO_BASE + 18)
#define VFIO_CDEV_ATTACH_PT _IO(VFIO_TYPE, VFIO_BASE + 19)

struct iommufd_ioas_alloc_arg {
	uint32_t size, flags, out_ioas_id;
};
struct iommufd_range_arg {
	uint64_t start, last;
};
struct iommufd_iova_ranges_arg {
	uint32_t size, ioas_id, num_iovas, reserved;
	uint64_t allowed_iovas;       /* user pointer to struct iommufd_range_arg[] */
	uint64_t out_iova_alignment;
};
struct iommufd_map_arg {
	uint32_t size, flags, ioas_id, reserved;
	uint64_t user_va, length, iova;
};
struct iommufd_unmap_arg {
	uint32_t size, ioas_id;
	uint64_t iova, length;
};
struct vfio_cdev_bind_arg {
	uint32_t argsz, flags;
	int32_t iommufd;
	uint32_t out_devid;
};
struct vfio_cdev_attach_arg {
	uint32_t argsz, flags, pt_id;
};


struct iommufd {
	uint32_t ioas;
	unsigned devices;  /* attached through this IOAS */
};

static const struct vfio_dma_space_ops iommufd_space_ops;

const char *vfio_iommufd_dev_root = "/dev";

static char *dev_path(const char *rel)
{
	return g_build_filename(vfio_iommufd_dev_root, rel, NULL);
}

static bool iommufd_open(struct vfio_backend *k, GError **err)
{
	(void)err;
	k->space.ops = &iommufd_space_ops;
	k->space.priv = k;
	k->space.name = "kernel iommufd";
	k->priv = g_new0(struct iommufd, 1);
	return true;
}

/*
 * /dev/iommu and the mount's IOAS, opened with the first device rather
 * than in open(): a refusal then names the device it fails, as the
 * device's own refusals do.
 */
static bool open_ioas(struct vfio_backend *k, const char *dev, GError **err)
{
	g_autofree char *path = dev_path("iommu");
	struct iommufd_ioas_alloc_arg alloc = { .size = sizeof(alloc) };
	struct iommufd *f = k->priv;
	int e;

	if (k->fd >= 0)
		return true;
	k->fd = open(path, O_RDWR | O_CLOEXEC);
	if (k->fd < 0) {
		e = errno;
		if (e == ENOENT || e == ENXIO || e == ENODEV)
			vfio_set_error(err, ENODEV,
				       "%s: the kernel has no iommufd (%s is missing): it needs a kernel "
				       "built with CONFIG_IOMMUFD and CONFIG_VFIO_DEVICE_CDEV (Linux 6.6 or "
				       "later), or mount with -o iommu=type1", dev, path);
		else if (e == EACCES || e == EPERM)
			vfio_set_error(err, EACCES,
				       "%s: no permission on %s: run as root, give your user read-write "
				       "access to it (a udev rule, see the guide), or mount with "
				       "-o iommu=type1", dev, path);
		else
			vfio_set_error(err, e, "%s: cannot open %s: %s", dev, path, g_strerror(e));
		return false;
	}
	if (ioctl(k->fd, IOMMUFD_IOAS_ALLOC, &alloc) < 0) {
		e = errno;
		vfio_set_error(err, e, "%s: cannot allocate an IO address space on %s: %s", dev, path,
			       g_strerror(e));
		close(k->fd);
		k->fd = -1;
		return false;
	}
	f->ioas = alloc.out_ioas_id;
	return true;
}

static void iommufd_close(struct vfio_backend *k)
{
	g_free(k->priv);
	/* Closing the iommufd frees the IOAS and whatever is still mapped in it. */
	if (k->fd >= 0)
		close(k->fd);
}

/* The IOAS's valid IOVA ranges and alignment: they narrow as devices attach. */
static bool read_ranges(struct vfio_backend *k, GError **err)
{
	struct iommufd *f = k->priv;
	struct iommufd_iova_ranges_arg q = { .size = sizeof(q), .ioas_id = f->ioas };
	g_autofree struct iommufd_range_arg *r = NULL;

	/* Asked with no room first: the kernel says how many there are (EMSGSIZE). */
	while (ioctl(k->fd, IOMMUFD_IOAS_IOVA_RANGES, &q) < 0) {
		if (errno != EMSGSIZE) {
			vfio_set_error(err, errno, "cannot read the IOVA ranges of the IOAS: %s",
				       g_strerror(errno));
			return false;
		}
		g_free(r);
		r = g_new0(struct iommufd_range_arg, q.num_iovas);
		q.allowed_iovas = (uintptr_t)r;
	}
	g_array_set_size(k->iova_ranges, 0);
	for (uint32_t i = 0; r && i < q.num_iovas; i++) {
		struct vfio_iova_span s = { r[i].start, r[i].last };

		g_array_append_val(k->iova_ranges, s);
	}
	/* iommufd reports the smallest IOVA page only, not type1's bitmap of sizes. */
	k->page_sizes = q.out_iova_alignment ? q.out_iova_alignment : 4096;
	return true;
}

/* "vfioN" from sysfs's vfio-dev directory of the device, or NULL with why. */
static char *cdev_name(const char *pci_addr, GError **err)
{
	g_autofree char *dir_path =
		g_build_filename(vfio_sysfs_root, "bus/pci/devices", pci_addr, "vfio-dev", NULL);
	GDir *dir = g_dir_open(dir_path, 0, NULL);
	const char *name;
	char *found = NULL;

	if (dir) {
		while (!found && (name = g_dir_read_name(dir)))
			if (g_str_has_prefix(name, "vfio") && g_ascii_isdigit(name[4]))
				found = g_strdup(name);
		g_dir_close(dir);
	}
	if (!found)
		vfio_set_error(err, ENODEV,
			       "%s has no VFIO device file (no vfio-dev in sysfs): the kernel needs "
			       "CONFIG_VFIO_DEVICE_CDEV (Linux 6.6 or later), or mount with "
			       "-o iommu=type1", pci_addr);
	return found;
}

static int open_cdev(const char *pci_addr, const char *name, GError **err)
{
	g_autofree char *rel = g_build_filename("vfio/devices", name, NULL);
	g_autofree char *path = dev_path(rel);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int e = errno;

	if (fd >= 0)
		return fd;
	if (e == ENOENT)
		vfio_set_error(err, ENODEV,
			       "%s: its VFIO device file %s does not exist (sysfs names %s): is devtmpfs "
			       "or udev creating /dev/vfio/devices?", pci_addr, path, name);
	else if (e == EACCES || e == EPERM)
		vfio_set_error(err, EACCES,
			       "%s: no permission on %s: run as root, give your user read-write "
			       "access to it (a udev rule, see the guide), or mount with -o iommu=type1",
			       pci_addr, path);
	else
		vfio_set_error(err, e, "%s: cannot open %s: %s", pci_addr, path, g_strerror(e));
	return -1;
}

/*
 * Binds the device file to the iommufd.  The kernel says EBUSY when the
 * device's group is open (type1), EPERM when the group is not viable
 * (another device of it bound to a host driver that does DMA: Linux 6.12's
 * iommu_device_claim_dma_owner), and EINVAL when another descriptor of the
 * device file has it (another iommufd).  Either refusal is explained by
 * the group's members when one of them holds it, as the type1 container
 * says it (EBUSY, the same line).  Busy is asked again for a few seconds:
 * a mount that was just unmounted holds its devices for a moment after
 * umount(8) returns (as with the group files).
 */
static bool bind_device(struct vfio_backend *k, struct vfio_device *d, int fd, const char *cdev,
			GError **err)
{
	struct vfio_cdev_bind_arg bind = { .argsz = sizeof(bind), .iommufd = k->fd };
	g_autofree char *blockers = NULL;
	int rc, e = 0;

	for (int tries = 0; tries < 60; tries++) {
		rc = ioctl(fd, VFIO_CDEV_BIND_IOMMUFD, &bind);
		e = errno;
		if (rc == 0)
			return true;
		if (e == EINVAL)
			e = EBUSY;
		if (e != EBUSY && e != EPERM)
			break;
		/* Not viable: no point in waiting. */
		if ((blockers = vfio_sysfs_group_blockers(d->group)))
			break;
		if (e == EPERM)
			break;
		g_usleep(50000);
	}
	if ((e == EBUSY || e == EPERM) && blockers)
		vfio_set_error(err, EBUSY,
			       "%s: IOMMU group %d is not viable: %s; bind every device of the group to "
			       "vfio-pci or unbind it (ls /sys/kernel/iommu_groups/%d/devices)",
			       d->name, d->group, blockers, d->group);
	else if (e == EBUSY)
		vfio_set_error(err, EBUSY,
			       "%s is in use by another process (bound to another iommufd, opened through "
			       "its group /dev/vfio/%d, a virtual machine, or a client still holding a BAR "
			       "mapping of an earlier mount); stop it first (fuser -v /dev/vfio/devices/%s "
			       "/dev/vfio/%d)", d->name, d->group, cdev, d->group);
	else
		vfio_set_error(err, e, "%s: cannot bind /dev/vfio/devices/%s to iommufd: %s", d->name,
			       cdev, g_strerror(e));
	return false;
}

static bool attach_ioas(struct vfio_backend *k, struct vfio_device *d, int fd, GError **err)
{
	struct iommufd *f = k->priv;
	struct vfio_cdev_attach_arg at = { .argsz = sizeof(at), .pt_id = f->ioas };

	if (ioctl(fd, VFIO_CDEV_ATTACH_PT, &at) == 0)
		return true;
	vfio_set_error(err, errno, "%s: cannot attach it to the mount's IO address space: %s%s",
		       d->name, g_strerror(errno),
		       errno == EADDRINUSE || errno == EINVAL
			       ? " (a buffer's IOVA is reserved for this device; "
				 "attach it before creating buffers)" : "");
	return false;
}

/*
 * The last device left: the IOAS drops its mappings as type1 drops them
 * with the last group (the container then takes the space out, and gives
 * it every mapping again with the next device).
 */
static void leave(struct vfio_backend *k)
{
	struct iommufd *f = k->priv;
	struct iommufd_unmap_arg all = {
		.size = sizeof(all), .ioas_id = f->ioas, .iova = 0, .length = UINT64_MAX,
	};

	if (ioctl(k->fd, IOMMUFD_IOAS_UNMAP, &all) < 0 && errno != ENOENT)
		g_warning("cannot empty the IO address space: %s", g_strerror(errno));
	k->iommu_model = NULL;
	k->page_sizes = 0;
	g_array_set_size(k->iova_ranges, 0);
}

static bool iommufd_attach_device(struct vfio_backend *k, struct vfio_device *d, const char *source,
				  GError **err)
{
	struct iommufd *f = k->priv;
	g_autofree char *cdev = NULL;
	int fd;

	(void)source;  /* d->name is its canonical PCI address */
	if (!vfio_sysfs_check_bound(d->name, err) || !open_ioas(k, d->name, err))
		return false;
	d->group = vfio_sysfs_iommu_group(d->name, err);
	if (d->group < 0)
		return false;
	cdev = cdev_name(d->name, err);
	if (!cdev)
		return false;
	fd = open_cdev(d->name, cdev, err);
	if (fd < 0)
		return false;
	if (!bind_device(k, d, fd, cdev, err) || !attach_ioas(k, d, fd, err))
		goto err_close;
	if (!read_ranges(k, err)) {
		g_prefix_error(err, "%s: ", d->name);
		goto err_close;
	}
	/* From now on the container gives the IOAS every mapping. */
	k->iommu_model = "iommufd";
	f->devices++;
	d->fd = fd;
	d->ops = &vfio_device_ioctl_ops;
	return true;

err_close:
	/* Closing the device file unbinds it from the iommufd. */
	close(fd);
	if (f->devices == 0)
		leave(k);
	return false;
}

static void iommufd_detach_device(struct vfio_backend *k, struct vfio_device *d)
{
	struct iommufd *f = k->priv;

	(void)d;
	if (f->devices > 0 && --f->devices == 0)
		leave(k);
}

static bool iommufd_dma_map(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err)
{
	struct vfio_backend *k = s->priv;
	struct iommufd *f = k->priv;
	struct iommufd_map_arg map = {
		.size = sizeof(map),
		.flags = IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READABLE | IOMMUFD_MAP_WRITEABLE,
		.ioas_id = f->ioas,
		.user_va = (uintptr_t)m->vaddr,
		.length = m->size,
		.iova = m->iova,
	};
	struct rlimit lim;
	int e;

	if (ioctl(k->fd, IOMMUFD_IOAS_MAP, &map) == 0)
		return true;
	e = errno;
	if (e == ENOMEM && getrlimit(RLIMIT_MEMLOCK, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
		vfio_set_error(err, ENOMEM,
			       "cannot pin %" G_GUINT64_FORMAT " bytes for DMA: over the locked-memory "
			       "limit RLIMIT_MEMLOCK (%llu KiB, see ulimit -l); raise it (ulimit -l, "
			       "limits.conf memlock, systemd LimitMEMLOCK=) or run as root",
			       m->size, (unsigned long long)lim.rlim_cur / 1024);
	else
		vfio_set_error(err, e, "cannot map %#" G_GINT64_MODIFIER "x bytes at IOVA %#"
			       G_GINT64_MODIFIER "x: %s", m->size, m->iova, g_strerror(e));
	return false;
}

static bool iommufd_dma_unmap(struct vfio_dma_space *s, const struct vfio_dma_mapping *m,
			      GError **err)
{
	struct vfio_backend *k = s->priv;
	struct iommufd *f = k->priv;
	struct iommufd_unmap_arg unmap = {
		.size = sizeof(unmap), .ioas_id = f->ioas, .iova = m->iova, .length = m->size,
	};

	if (ioctl(k->fd, IOMMUFD_IOAS_UNMAP, &unmap) < 0) {
		vfio_set_error(err, errno, "cannot unmap IOVA %#" G_GINT64_MODIFIER "x: %s", m->iova,
			       g_strerror(errno));
		return false;
	}
	if (unmap.length != m->size) {
		vfio_set_error(err, EIO, "unmapping IOVA %#" G_GINT64_MODIFIER "x freed %#"
			       G_GINT64_MODIFIER "x bytes, not %#" G_GINT64_MODIFIER "x",
			       m->iova, (guint64)unmap.length, m->size);
		return false;
	}
	return true;
}

static const struct vfio_dma_space_ops iommufd_space_ops = {
	.map = iommufd_dma_map,
	.unmap = iommufd_dma_unmap,
};

/*
 * -o iommu=auto picks type1 wherever the kernel offers the group/container
 * interface (its /dev/vfio/vfio exists), iommufd only where that is gone
 * and /dev/iommu and /dev/vfio/devices are there: so auto never fails
 * where type1 would have worked (iommufd can: it counts locked memory per
 * user, not per process, and an ordinary user needs udev rules of its own
 * for it), and a machine with neither gets type1's advice (load vfio-pci).
 */
bool vfio_iommufd_auto_picks(void)
{
	g_autofree char *container = dev_path("vfio/vfio");
	g_autofree char *iommu = dev_path("iommu");
	g_autofree char *cdevs = dev_path("vfio/devices");

	return !g_file_test(container, G_FILE_TEST_EXISTS) && g_file_test(iommu, G_FILE_TEST_EXISTS) &&
	       g_file_test(cdevs, G_FILE_TEST_IS_DIR);
}

/* auto's answer, asked once: every kernel device of the mount goes the same way. */
static bool auto_choice(void)
{
	static gsize once;
	static bool picks;

	if (g_once_init_enter(&once)) {
		picks = vfio_iommufd_auto_picks();
		g_info("-o iommu=auto: %s", picks ? "iommufd (no /dev/vfio/vfio; /dev/iommu is there)"
						  : "type1 (/dev/vfio/vfio is there, or no iommufd)");
		g_once_init_leave(&once, 1);
	}
	return picks;
}

/* PCI addresses, when the options choose iommufd. */
static bool iommufd_claims(const struct vfio_container_options *o, const char *source)
{
	if (source[0] == '/')
		return false;
	return o->iommu == VFIO_IOMMU_IOMMUFD || (o->iommu == VFIO_IOMMU_AUTO && auto_choice());
}

static char *iommufd_device_name(const char *source, GError **err)
{
	char addr[VFIO_PCI_ADDR_LEN];

	return vfio_pci_addr_parse(source, addr, err) ? g_strdup(addr) : NULL;
}

const struct vfio_backend_ops vfio_iommufd_backend = {
	.name = "iommufd",
	.kernel = true,
	.claims = iommufd_claims,
	.device_name = iommufd_device_name,
	.open = iommufd_open,
	.close = iommufd_close,
	.attach_device = iommufd_attach_device,
	.detach_device = iommufd_detach_device,
};
