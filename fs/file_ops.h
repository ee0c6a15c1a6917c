/*
 * What each kind of node does.  ops.c owns the requests and the handle and
 * asks the node's table (fs_file_ops_of) for everything that differs by
 * kind: open, read, write, poll, release, size, truncate, seek, extended
 * attributes, and for directories which entries users may make and remove.  A new kind of file is one new file with its table, and one
 * entry in fs/file_ops.c.
 *
 * Errors are positive errno values, as libfuse takes them.  read and write
 * reply to the request themselves, so that a file may also answer later.
 */
#pragma once

#include "fs/vfiofs_private.h"

/* One extended attribute of a kind of node. */
struct fs_xattr {
	const char *name;
	/* The value (the caller frees it), or NULL: none now (ENODATA, not listed). NULL get: write-only. */
	char *(*get)(struct vfiofs *fs, struct fs_node *n);
	/* Optional: 0 or errno. */
	int (*set)(struct vfiofs *fs, struct fs_node *n, const char *value, size_t size);
	/* Optional: 0 or errno. */
	int (*remove)(struct vfiofs *fs, struct fs_node *n);
};

struct fs_file_ops {
	/* 0 or the errno for open(2); flags are the open flags.  NULL: not a file (directories). */
	int (*open)(struct fs_handle *h, int flags);
	void (*read)(fuse_req_t req, struct fs_handle *h, size_t size, off_t off);
	void (*write)(fuse_req_t req, struct fs_handle *h, const char *buf, size_t size, off_t off);
	/* Optional: files whose readiness changes (irq); others are always ready. */
	void (*poll)(fuse_req_t req, struct fs_handle *h, struct fuse_pollhandle *ph);
	/* Optional: frees h->priv and undoes what open set up beyond the handle itself. */
	void (*release)(struct fs_handle *h);
	/*
	 * Optional: st_size of a file whose size changes while mounted (the
	 * kernel then caches none of its attributes); without, n->size.  Tree
	 * lock held.
	 */
	uint64_t (*size)(struct vfiofs *fs, const struct fs_node *n);
	/* Optional: truncate(2) to size; 0 or errno.  Without: EPERM. */
	int (*truncate)(struct fs_node *n, uint64_t size);
	/* Optional: SEEK_DATA/SEEK_HOLE; 0 with *pos, or errno.  Without: all data, 0 to the size. */
	int (*seek)(struct fs_handle *h, off_t off, int whence, off_t *pos);
	/*
	 * Directories whose entries users make (all optional; without, EPERM).
	 * mkdir: without the tree lock, *out is the new directory.  create: a
	 * new empty regular file, tree lock held.  rename within the directory,
	 * tree lock held.  0 or errno.
	 */
	int (*mkdir)(struct vfiofs *fs, const char *name, struct fs_node **out);
	int (*create)(struct vfiofs *fs, struct fs_node *dir, const char *name, struct fs_node **out);
	int (*rename)(struct vfiofs *fs, struct fs_node *dir, const char *name, const char *newname);
	/*
	 * Entries rmdir (directories) or unlink (files) may remove.  With the
	 * tree lock held, hold returns a reference to what finish_removal
	 * needs; ops.c then takes n out of the tree, drops the lock and calls
	 * finish_removal, which finishes (detach, unmap) and drops it.
	 */
	void *(*hold)(struct fs_node *n);
	void (*finish_removal)(struct vfiofs *fs, void *held);
	/* The kind's extended attributes, up to one with a NULL name; NULL: none. */
	const struct fs_xattr *xattrs;
	bool stream;  /* no file position: reads and writes ignore the offset */
};

/* The table of a kind of node. */
const struct fs_file_ops *fs_file_ops_of(enum fs_kind kind);

extern const struct fs_file_ops fs_root_dir_ops;
extern const struct fs_file_ops fs_dma_dir_ops;
extern const struct fs_file_ops fs_device_dir_ops;
extern const struct fs_file_ops fs_text_file_ops;
extern const struct fs_file_ops fs_region_file_ops;
extern const struct fs_file_ops fs_irq_file_ops;
extern const struct fs_file_ops fs_device_dma_file_ops;
extern const struct fs_file_ops fs_reset_file_ops;
extern const struct fs_file_ops fs_dma_buffer_file_ops;
extern const struct fs_file_ops fs_trace_file_ops;
extern const struct fs_file_ops fs_regs_dir_ops;
extern const struct fs_file_ops fs_reg_file_ops;
extern const struct fs_file_ops fs_registers_file_ops;

/* Open flags that ask for reading, or for writing. */
#define FS_WANTS_READ(flags) (((flags) & O_ACCMODE) != O_WRONLY)
#define FS_WANTS_WRITE(flags) (((flags) & O_ACCMODE) != O_RDONLY)
