#define G_LOG_DOMAIN "vfiofs"
#include "fs/trace.h"
#include "fs/device_dir.h"
#include "fs/dma_buffer.h"
#include "fs/event_loop.h"
#include "fs/handoff/handoff.h"
#include "fs/regs/regs.h"
#include "fs/vfiofs_private.h"

/* The tree's release callback: what a node carries goes with it. */
static void release_payload(struct fs_node *n)
{
	if (n->dev)
		fs_device_unref(n->dev);
	if (n->buffer)
		fs_dma_buffer_unref(n->buffer);
	if (n->regs)
		fs_regs_unref(n->regs);
}

struct vfiofs *vfiofs_new(struct vfio_container *c, const struct vfiofs_config *cfg)
{
	struct vfiofs *fs = g_new0(struct vfiofs, 1);

	fs->container = c;
	fs->cfg = *cfg;
	clock_gettime(CLOCK_REALTIME, &fs->mount_time);
	fs->events = fs_event_loop_new();
	g_mutex_init(&fs->trace_lock);
	fs->traced = g_ptr_array_new();
	fs_tree_init(&fs->tree, &fs->cfg, release_payload);
	fs_tree_add(&fs->tree, fs->tree.root, "container", FS_CONTAINER, S_IFREG | 0444);
	fs_tree_add(&fs->tree, fs->tree.root, "dma", FS_DMA_DIR, S_IFDIR | 0755);
	return fs;
}

bool vfiofs_attach(struct vfiofs *fs, const char *source, GError **err)
{
	return fs_device_dir_attach(fs, source, NULL, err);
}

unsigned vfiofs_device_count(struct vfiofs *fs)
{
	unsigned count = 0;

	g_mutex_lock(&fs->tree.lock);
	for (guint i = 0; i < fs->tree.root->children->len; i++)
		count += ((struct fs_node *)g_ptr_array_index(fs->tree.root->children, i))->kind ==
			 FS_DEVICE_DIR;
	g_mutex_unlock(&fs->tree.lock);
	return count;
}

/* The next device directory, taken out of the tree; NULL when none is left. */
static struct fs_device *take_device(struct vfiofs *fs)
{
	struct fs_device *dev = NULL;

	g_mutex_lock(&fs->tree.lock);
	for (guint i = 0; !dev && i < fs->tree.root->children->len; i++) {
		struct fs_node *n = g_ptr_array_index(fs->tree.root->children, i);

		if (n->kind == FS_DEVICE_DIR)
			dev = fs_device_dir_remove(fs, n);
	}
	g_mutex_unlock(&fs->tree.lock);
	return dev;
}

void vfiofs_started(struct vfiofs *fs)
{
	fs_trace_start(fs);
}

bool vfiofs_start_handoff(struct vfiofs *fs, const char *mountpoint, bool allow_other, GError **err)
{
	fs->handoff = fs_handoff_start(fs, mountpoint, allow_other, err);
	return fs->handoff != NULL;
}

void vfiofs_free(struct vfiofs *fs)
{
	struct fs_device *dev;

	if (!fs)
		return;
	fs_handoff_stop(fs->handoff);
	while ((dev = take_device(fs))) {
		fs_device_detach(fs, dev);
		fs_device_unref(dev);
	}
	fs_tree_destroy(&fs->tree);
	fs_event_loop_free(fs->events);
	g_ptr_array_free(fs->traced, TRUE);
	g_mutex_clear(&fs->trace_lock);
	g_free(fs);
}

bool vfiofs_attach_regmap(struct vfiofs *fs, const char *name, const char *spec, GError **err)
{
	struct fs_node *dir;
	int rc;

	g_mutex_lock(&fs->tree.lock);
	dir = fs_tree_child(fs->tree.root, name);
	if (dir && dir->kind != FS_DEVICE_DIR)
		dir = NULL;
	g_mutex_unlock(&fs->tree.lock);
	if (!dir) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOENT, "regmap=%s=%s: no device %s is attached",
			    name, spec, name);
		return false;
	}
	/* The device directory lives as long as the mount: only rmdir removes it. */
	rc = fs_regs_attach(fs, dir, spec);
	if (rc)
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(rc), "regmap=%s=%s: %s "
			    "(the device stays attached without names; the log says why)", name, spec,
			    g_strerror(rc));
	return rc == 0;
}
