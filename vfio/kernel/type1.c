/*
 * The legacy VFIO container (/dev/vfio/vfio) with the type1 IOMMU: devices
 * join through their groups, and the IOMMU is chosen when the first group
 * arrives (the kernel allows it no earlier).
 */
#define G_LOG_DOMAIN "container-legacy"
#include "vfio/kernel/type1.h"
#include "vfio/device.h"
#include "vfio/error.h"
#include "vfio/kernel/group.h"
#include "vfio/info_cap.h"
#include "vfio/kernel/sysfs.h"
#include "vfio/pci_addr.h"

#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <linux/vfio.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

struct legacy {
	GHashTable *groups;  /* group number -> struct vfio_group * */
	int iommu_type;      /* VFIO_TYPE1v2_IOMMU or VFIO_TYPE1_IOMMU */
};

static const struct vfio_dma_space_ops legacy_space_ops;

static bool legacy_open(struct vfio_backend *k, GError **err)
{
	struct legacy *l;

	k->space.ops = &legacy_space_ops;
	k->space.priv = k;
	k->fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (k->fd < 0) {
		int e = errno;

		vfio_set_error(err, e == ENOENT ? ENODEV : e,
			       "cannot open /dev/vfio/vfio (%s): load the VFIO driver with "
			       "modprobe vfio-pci, and run as root or with access to /dev/vfio",
			       g_strerror(e));
		return false;
	}
	if (ioctl(k->fd, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		vfio_set_error(err, ENOTSUP, "the kernel's VFIO API version is not %d", VFIO_API_VERSION);
		return false;
	}
	l = g_new0(struct legacy, 1);
	l->groups = g_hash_table_new(g_direct_hash, g_direct_equal);
	if (ioctl(k->fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0)
		l->iommu_type = VFIO_TYPE1v2_IOMMU;
	else if (ioctl(k->fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) > 0)
		l->iommu_type = VFIO_TYPE1_IOMMU;
	k->priv = l;
	if (!l->iommu_type) {
		vfio_set_error(err, ENOTSUP,
			       "the kernel offers no type1 IOMMU for VFIO: load vfio_iommu_type1 "
			       "(modprobe vfio_iommu_type1)");
		return false;
	}
	return true;
}

static void legacy_close(struct vfio_backend *k)
{
	struct legacy *l = k->priv;

	if (l) {
		g_hash_table_unref(l->groups);
		g_free(l);
	}
	if (k->fd >= 0)
		close(k->fd);
}

/* Reads page sizes and valid IOVA ranges, now that the IOMMU is set. */
static bool read_iommu_info(struct vfio_backend *k, GError **err)
{
	struct vfio_iommu_type1_info query = { .argsz = sizeof(query) };
	g_autofree struct vfio_iommu_type1_info *info = NULL;
	size_t cap = 0;
	uint32_t size;

	info = vfio_info_ioctl(k->fd, VFIO_IOMMU_GET_INFO, &query, sizeof(query), &size);
	if (!info) {
		vfio_set_error(err, errno, "cannot read the IOMMU's properties: %s", g_strerror(errno));
		return false;
	}
	k->page_sizes = (info->flags & VFIO_IOMMU_INFO_PGSIZES) ? info->iova_pgsizes : 4096;
	g_array_set_size(k->iova_ranges, 0);
	if (info->flags & VFIO_IOMMU_INFO_CAPS)
		cap = vfio_info_cap_find(info, size, sizeof(*info), info->cap_offset,
					 VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
	if (cap) {
		/* The kernel packs capabilities at 4-byte offsets: copy out, never dereference in place. */
		const char *p = (const char *)info + cap;
		const char *end = (const char *)info + size;
		struct vfio_iommu_type1_info_cap_iova_range head;

		memcpy(&head, p, MIN(sizeof(head), (size_t)(end - p)));
		p += offsetof(struct vfio_iommu_type1_info_cap_iova_range, iova_ranges);
		for (uint32_t i = 0; i < head.nr_iovas && p + sizeof(struct vfio_iova_range) <= end;
		     i++, p += sizeof(struct vfio_iova_range)) {
			struct vfio_iova_range kr;
			struct vfio_iova_span r;

			memcpy(&kr, p, sizeof(kr));
			r.start = kr.start;
			r.last = kr.end;
			g_array_append_val(k->iova_ranges, r);
		}
	} else {
		/* Kernels before 5.4 do not report ranges: the whole space is assumed valid. */
		struct vfio_iova_span all = { 0, UINT64_MAX };

		g_array_append_val(k->iova_ranges, all);
	}
	return true;
}

static bool set_iommu(struct vfio_backend *k, GError **err)
{
	struct legacy *l = k->priv;

	if (ioctl(k->fd, VFIO_SET_IOMMU, l->iommu_type) < 0) {
		vfio_set_error(err, errno, "cannot set the type1 IOMMU on the container: %s",
			       g_strerror(errno));
		return false;
	}
	k->iommu_model = l->iommu_type == VFIO_TYPE1v2_IOMMU ? "type1v2" : "type1";
	k->space.name = l->iommu_type == VFIO_TYPE1v2_IOMMU ? "kernel type1v2" : "kernel type1";
	return read_iommu_info(k, err);
}

/* The group of d, in the container: found, or opened and added. */
static struct vfio_group *join_group(struct vfio_backend *k, int num, GError **err)
{
	struct legacy *l = k->priv;
	struct vfio_group *g = g_hash_table_lookup(l->groups, GINT_TO_POINTER(num));
	bool first = g_hash_table_size(l->groups) == 0;

	if (g)
		return g;
	g = vfio_group_open(num, err);
	if (!g)
		return NULL;
	if (ioctl(g->fd, VFIO_GROUP_SET_CONTAINER, &k->fd) < 0) {
		vfio_set_error(err, errno, "IOMMU group %d cannot join the container: %s", num,
			       g_strerror(errno));
		goto err_close;
	}
	/* The IOMMU is set with the first group; the container then gives its space every mapping. */
	if (first && !set_iommu(k, err))
		goto err_unset;
	g_hash_table_insert(l->groups, GINT_TO_POINTER(num), g);
	return g;

err_unset:
	k->iommu_model = NULL;
	ioctl(g->fd, VFIO_GROUP_UNSET_CONTAINER);
err_close:
	vfio_group_close(g);
	return NULL;
}

static void leave_group(struct vfio_backend *k, struct vfio_group *g)
{
	struct legacy *l = k->priv;

	if (g->devices > 0)
		return;
	g_hash_table_remove(l->groups, GINT_TO_POINTER(g->num));
	ioctl(g->fd, VFIO_GROUP_UNSET_CONTAINER);
	vfio_group_close(g);
	if (g_hash_table_size(l->groups) == 0) {
		/* The kernel drops the IOMMU with the last group; the next attach learns it anew. */
		k->iommu_model = NULL;
		k->page_sizes = 0;
		g_array_set_size(k->iova_ranges, 0);
	}
}

/* Everything that is not a path is the kernel's: a typo gets the PCI address parser's answer. */
static bool legacy_claims(const struct vfio_container_options *o, const char *source)
{
	(void)o;
	return source[0] != '/';
}

static char *legacy_device_name(const char *source, GError **err)
{
	char addr[VFIO_PCI_ADDR_LEN];

	return vfio_pci_addr_parse(source, addr, err) ? g_strdup(addr) : NULL;
}

static bool legacy_attach_device(struct vfio_backend *k, struct vfio_device *d, const char *source,
				 GError **err)
{
	struct vfio_group *g;
	int group, fd;

	if (!vfio_sysfs_check_bound(d->name, err))
		return false;
	group = vfio_sysfs_iommu_group(d->name, err);
	if (group < 0)
		return false;
	g = join_group(k, group, err);
	if (!g) {
		g_prefix_error(err, "%s: ", d->name);
		return false;
	}
	fd = ioctl(g->fd, VFIO_GROUP_GET_DEVICE_FD, d->name);
	if (fd < 0) {
		vfio_set_error(err, errno, "%s: cannot open the device in IOMMU group %d: %s",
			       d->name, group, g_strerror(errno));
		leave_group(k, g);
		return false;
	}
	g->devices++;
	d->fd = fd;
	d->group = group;
	d->ops = &vfio_device_ioctl_ops;
	return true;
}

static void legacy_detach_device(struct vfio_backend *k, struct vfio_device *d)
{
	struct legacy *l = k->priv;
	struct vfio_group *g = g_hash_table_lookup(l->groups, GINT_TO_POINTER(d->group));

	if (!g)
		return;
	g->devices--;
	leave_group(k, g);
}

static bool legacy_dma_map(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err)
{
	struct vfio_backend *k = s->priv;
	uint64_t iova = m->iova, size = m->size;
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)m->vaddr,
		.iova = iova,
		.size = size,
	};

	if (ioctl(k->fd, VFIO_IOMMU_MAP_DMA, &map) < 0) {
		int e = errno;
		struct rlimit lim;

		if (e == ENOMEM && getrlimit(RLIMIT_MEMLOCK, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
			vfio_set_error(err, ENOMEM,
				       "cannot pin %" G_GUINT64_FORMAT " bytes for DMA: over the locked-memory "
				       "limit RLIMIT_MEMLOCK (%llu KiB, see ulimit -l); raise it (ulimit -l, "
				       "limits.conf memlock, systemd LimitMEMLOCK=) or run as root",
				       size, (unsigned long long)lim.rlim_cur / 1024);
		else
			vfio_set_error(err, e, "cannot map %#" G_GINT64_MODIFIER "x bytes at IOVA %#"
				       G_GINT64_MODIFIER "x: %s", size, iova, g_strerror(e));
		return false;
	}
	return true;
}

static bool legacy_dma_unmap(struct vfio_dma_space *s, const struct vfio_dma_mapping *m,
			     GError **err)
{
	struct vfio_backend *k = s->priv;
	uint64_t iova = m->iova, size = m->size;
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = size,
	};

	if (ioctl(k->fd, VFIO_IOMMU_UNMAP_DMA, &unmap) < 0) {
		vfio_set_error(err, errno, "cannot unmap IOVA %#" G_GINT64_MODIFIER "x: %s", iova,
			       g_strerror(errno));
		return false;
	}
	if (unmap.size != size) {
		/* type1 unmaps whole mappings only; a partial answer means the books are wrong */
		vfio_set_error(err, EIO, "unmapping IOVA %#" G_GINT64_MODIFIER "x freed %#"
			       G_GINT64_MODIFIER "x bytes, not %#" G_GINT64_MODIFIER "x",
			       iova, (guint64)unmap.size, size);
		return false;
	}
	return true;
}

static const struct vfio_dma_space_ops legacy_space_ops = {
	.map = legacy_dma_map,
	.unmap = legacy_dma_unmap,
};

const struct vfio_backend_ops vfio_type1_backend = {
	.name = "legacy",
	.kernel = true,
	.claims = legacy_claims,
	.device_name = legacy_device_name,
	.open = legacy_open,
	.close = legacy_close,
	.attach_device = legacy_attach_device,
	.detach_device = legacy_detach_device,
};
