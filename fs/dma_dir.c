/* dma/: the directory of buffers, which users create, rename and unlink. */
#define G_LOG_DOMAIN "dma-dir"
#include "fs/dma_buffer.h"
#include "fs/file_ops.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

/*
 * statfs says 255 (NAME_MAX), and FUSE alone would pass up to 1024: the
 * limit is ours to keep. Buffer names appear in container's lines: no
 * control characters. 0, or the errno with its log line.
 */
static int check_buffer_name(const char *name)
{
	size_t len = strlen(name);

	if (len > NAME_MAX) {
		g_message("dma/: a buffer name of %zu bytes is longer than %d bytes", len, NAME_MAX);
		return ENAMETOOLONG;
	}
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			g_message("dma/: a buffer name may not hold control characters");
			return EINVAL;
		}
	return 0;
}

/* A new empty buffer dma/name; EEXIST if the name is taken. */
static int dma_dir_create(struct vfiofs *fs, struct fs_node *dir, const char *name, struct fs_node **out)
{
	int err = check_buffer_name(name);

	if (err)
		return err;
	if (fs_tree_child(dir, name))
		return EEXIST;
	*out = fs_tree_add(&fs->tree, dir, name, FS_DMA_BUFFER, S_IFREG | 0600);
	(*out)->buffer = fs_dma_buffer_new(fs, name);
	return 0;
}

static int dma_dir_rename(struct vfiofs *fs, struct fs_node *dir, const char *name, const char *newname)
{
	int err = check_buffer_name(newname);
	struct fs_node *n;

	if (err)
		return err;
	n = fs_tree_child(dir, name);
	if (!n)
		return ENOENT;
	if (strcmp(name, newname) == 0)
		return 0;
	/* Replacing would unmap a buffer a device may be using: refuse instead. */
	if (fs_tree_child(dir, newname))
		return EEXIST;
	fs_tree_rename(&fs->tree, n, newname);
	fs_dma_buffer_rename(n->buffer, newname);
	return 0;
}

const struct fs_file_ops fs_dma_dir_ops = {
	.create = dma_dir_create,
	.rename = dma_dir_rename,
};
