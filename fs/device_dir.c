#define G_LOG_DOMAIN "device-dir"
#include "fs/device_dir.h"
#include "fs/event_loop.h"
#include "fs/file_ops.h"
#include "fs/irq/irq.h"
#include "fs/trace.h"
#include "fs/regs/regs.h"
#include "fs/vfio_result.h"
#include "fs/vfiofs_private.h"
#include "fs/xattr_value.h"
#include "vfio/container.h"
#include "vfio/device.h"
#include "vfio/error.h"

#include <string.h>

#include <linux/vfio.h>

struct fs_device *fs_device_ref(struct fs_device *dev)
{
	g_atomic_int_inc(&dev->refs);
	return dev;
}

void fs_device_unref(struct fs_device *dev)
{
	if (!g_atomic_int_dec_and_test(&dev->refs))
		return;
	g_rw_lock_clear(&dev->lock);
	g_mutex_clear(&dev->access);
	g_mutex_clear(&dev->regs_lock);
	fs_regs_unref(dev->regs);
	fs_irq_unref(dev->irq);
	trace_hub_free(dev->trace);
	g_free(dev);
}

struct vfio_device *fs_device_read_lock(struct fs_device *dev)
{
	g_rw_lock_reader_lock(&dev->lock);
	if (dev->vdev)
		return dev->vdev;
	g_rw_lock_reader_unlock(&dev->lock);
	return NULL;
}

void fs_device_read_unlock(struct fs_device *dev)
{
	g_rw_lock_reader_unlock(&dev->lock);
}

/* Owner-only permission bits from a region's VFIO flags. */
static mode_t region_mode(const struct vfio_region *r)
{
	return ((r->flags & VFIO_REGION_INFO_FLAG_READ) ? 0400 : 0) |
	       ((r->flags & VFIO_REGION_INFO_FLAG_WRITE) ? 0200 : 0);
}

/* A file of the device directory dir: it holds a reference to the device. */
static struct fs_node *add_device_file(struct fs_tree *t, struct fs_node *dir, const char *name,
				       enum fs_kind kind, mode_t mode)
{
	struct fs_node *n = fs_tree_add(t, dir, name, kind, mode);

	n->dev = fs_device_ref(dir->dev);
	return n;
}

static void add_region_file(struct fs_tree *t, struct fs_node *dir, struct vfio_device *vdev,
			    unsigned index)
{
	struct vfio_region *r = vfio_device_region(vdev, index);
	struct fs_node *n;
	mode_t mode;

	if (!r)
		return;
	/* The ROM is read-only whatever the flags say (SPEC). */
	mode = index == VFIO_PCI_ROM_REGION_INDEX ? (region_mode(r) & 0400) : region_mode(r);
	n = add_device_file(t, dir, r->name, FS_REGION, S_IFREG | mode);
	n->region = index;
	n->size = r->size;
}

static void populate(struct fs_tree *t, struct fs_node *dir, struct vfio_device *vdev)
{
	add_device_file(t, dir, "info", FS_INFO, S_IFREG | 0444);
	add_region_file(t, dir, vdev, VFIO_PCI_CONFIG_REGION_INDEX);
	for (unsigned i = VFIO_PCI_BAR0_REGION_INDEX; i <= VFIO_PCI_BAR5_REGION_INDEX; i++)
		add_region_file(t, dir, vdev, i);
	add_region_file(t, dir, vdev, VFIO_PCI_ROM_REGION_INDEX);
	add_device_file(t, dir, "irq", FS_IRQ, S_IFREG | 0600);
	add_device_file(t, dir, "dma", FS_DEVICE_DMA, S_IFREG | 0600);
	add_device_file(t, dir, "reset", FS_RESET, S_IFREG | 0200);
	add_device_file(t, dir, "trace", FS_TRACE, S_IFREG | 0600);
}

int fs_device_reset(struct fs_device *dev, struct vfio_device *vdev)
{
	if (!vfio_device_can_reset(vdev))
		return ENOTTY;
	fs_irq_off(dev->irq, vdev, "the device was reset");
	return fs_errno_of(vfio_device_reset(vdev));
}

static void reset_quietly(struct vfiofs *fs, struct vfio_device *vdev, const char *why)
{
	int rc;

	if (fs->cfg.noreset || !vfio_device_can_reset(vdev))
		return;
	rc = vfio_device_reset(vdev);
	if (rc < 0)
		g_warning("%s: reset on %s failed: %s", vdev->name, why, g_strerror(-rc));
	else
		g_info("%s: reset on %s", vdev->name, why);
}

static gboolean irq_lost_on_loop(gpointer data)
{
	fs_irq_lost(((struct fs_device *)data)->irq);
	return G_SOURCE_REMOVE;
}

/* From the transport's thread, maybe with locks of ours held: the work waits for the loop. */
static void on_device_lost(gpointer data)
{
	struct fs_device *dev = data;

	fs_event_loop_invoke(dev->events, irq_lost_on_loop, fs_device_ref(dev),
			     (GDestroyNotify)fs_device_unref);
}

/* Gives an attached device its directory; the directory takes the first reference. */
static struct fs_node *add_device_dir(struct vfiofs *fs, struct vfio_device *vdev)
{
	struct fs_device *dev;
	struct fs_node *dir;

	reset_quietly(fs, vdev, "attach");
	/* DMA and MSI need it; with the IOMMU, a device can reach only what is mapped. */
	if (vfio_device_enable_bus_master(vdev) < 0)
		g_warning("%s: cannot enable bus mastering: DMA and MSI will not work", vdev->name);
	dev = g_new0(struct fs_device, 1);
	dev->refs = 1;
	g_rw_lock_init(&dev->lock);
	g_mutex_init(&dev->access);
	g_mutex_init(&dev->regs_lock);
	dev->vdev = vdev;
	dev->irq = fs_irq_new(fs->events);
	dev->events = fs->events;
	g_strlcpy(dev->name, vdev->name, sizeof(dev->name));
	fs_trace_attach(fs, dev, vdev);
	fs_irq_set_trace(dev->irq, dev->trace);
	/* The registration holds a reference until the device is detached. */
	vfio_device_on_lost(vdev, on_device_lost, fs_device_ref(dev));

	g_mutex_lock(&fs->tree.lock);
	dir = fs_tree_add(&fs->tree, fs->tree.root, vdev->name, FS_DEVICE_DIR, S_IFDIR | 0755);
	dir->dev = dev;
	populate(&fs->tree, dir, vdev);
	g_mutex_unlock(&fs->tree.lock);
	return dir;
}

/*
 * Tree lock held: name is free in the root.  An entry of the mount's own
 * (container, dma) is no name for a device (EINVAL); a device's is taken
 * (EEXIST).
 */
static bool root_name_free(struct vfiofs *fs, const char *source, const char *name, GError **err)
{
	struct fs_node *n = fs_tree_child(fs->tree.root, name);

	if (!n)
		return true;
	if (n->kind != FS_DEVICE_DIR)
		vfio_set_error(err, EINVAL, "%s: cannot name a device directory %s, the mount's own entry",
			       source, name);
	else
		vfio_set_error(err, EEXIST, "%s: the mount already has an entry named %s", source, name);
	return false;
}

bool fs_device_dir_attach(struct vfiofs *fs, const char *source, struct fs_node **dir_out,
			  GError **err)
{
	g_autofree char *name = vfio_container_device_name(fs->container, source, err);
	struct vfio_device *vdev;
	struct fs_node *dir;
	bool free;

	if (!name)
		return false;
	g_mutex_lock(&fs->tree.lock);
	free = root_name_free(fs, source, name, err);
	g_mutex_unlock(&fs->tree.lock);
	if (!free)
		return false;
	vdev = vfio_container_attach(fs->container, source, name, err);
	if (!vdev)
		return false;
	dir = add_device_dir(fs, vdev);
	if (dir_out)
		*dir_out = dir;
	return true;
}

struct fs_device *fs_device_dir_remove(struct vfiofs *fs, struct fs_node *dir)
{
	struct fs_device *dev = fs_device_ref(dir->dev);

	fs_tree_remove(&fs->tree, dir);
	return dev;
}

void fs_device_detach(struct vfiofs *fs, struct fs_device *dev)
{
	struct vfio_device *vdev;

	/* The writer lock waits for every operation in flight on this device. */
	g_rw_lock_writer_lock(&dev->lock);
	vdev = dev->vdev;
	dev->vdev = NULL;
	if (vdev) {
		fs_irq_shutdown(dev->irq, vdev);
		reset_quietly(fs, vdev, "detach");
		vfio_container_detach(fs->container, vdev);
		fs_trace_detach(fs, dev);
		fs_device_unref(dev);  /* the lost handler's: it cannot run any more */
	}
	g_rw_lock_writer_unlock(&dev->lock);
	/* open trace files see the end once what they have is read */
	trace_hub_wake_all(dev->trace);
}

/* rmdir: the device, detached once the directory is out of the tree and the tree lock dropped. */
static void *device_dir_hold(struct fs_node *dir)
{
	return fs_device_ref(dir->dev);
}

static void device_dir_finish_removal(struct vfiofs *fs, void *held)
{
	fs_device_detach(fs, held);
	fs_device_unref(held);
}

/* user.vfio.regmap: FILE[@barN[+OFFSET]], the register description of the device (fs/regs/). */
static char *regmap_get(struct vfiofs *fs, struct fs_node *dir)
{
	return fs_regs_spec(fs, dir);
}

static int regmap_set(struct vfiofs *fs, struct fs_node *dir, const char *value, size_t size)
{
	g_autofree char *spec = fs_xattr_text(value, size);

	if (!spec || !spec[0]) {
		g_message("%s: %s: expected FILE[@barN[+OFFSET]]", dir->dev->name, VFIOFS_XATTR_REGMAP);
		return EINVAL;
	}
	return fs_regs_attach(fs, dir, spec);
}

static int regmap_remove(struct vfiofs *fs, struct fs_node *dir)
{
	return fs_regs_detach(fs, dir);
}

static const struct fs_xattr device_dir_xattrs[] = {
	{ VFIOFS_XATTR_REGMAP, regmap_get, regmap_set, regmap_remove },
	{ NULL },
};

const struct fs_file_ops fs_device_dir_ops = {
	.hold = device_dir_hold,
	.finish_removal = device_dir_finish_removal,
	.xattrs = device_dir_xattrs,
};
