/*
 * What each kind of file does on open, read and write.  ops.c owns the
 * handle and dispatches here by the node's kind; read and write reply to
 * the request themselves, so that a file may also answer later.
 */
#pragma once

#include "fs/vfiofs_private.h"

struct fs_file_ops {
	/* 0 or the errno for open(2); flags are the open flags. */
	int (*open)(struct fs_handle *h, int flags);
	void (*read)(fuse_req_t req, struct fs_handle *h, size_t size, off_t off);
	void (*write)(fuse_req_t req, struct fs_handle *h, const char *buf, size_t size, off_t off);
	/* Optional: files whose readiness changes (irq); others are always ready. */
	void (*poll)(fuse_req_t req, struct fs_handle *h, struct fuse_pollhandle *ph);
	/* Optional: undo what open set up beyond the handle itself. */
	void (*release)(struct fs_handle *h);
	bool stream;  /* no file position: reads and writes ignore the offset */
};

extern const struct fs_file_ops fs_region_file_ops;
extern const struct fs_file_ops fs_text_file_ops;
extern const struct fs_file_ops fs_reset_file_ops;
extern const struct fs_file_ops fs_irq_file_ops;

/* The current text of an info or container file, or NULL if its device is gone. */
char *fs_text_snapshot(struct vfiofs *fs, const struct fs_node *n);

/* Open flags that ask for reading, or for writing. */
#define FS_WANTS_READ(flags) (((flags) & O_ACCMODE) != O_WRONLY)
#define FS_WANTS_WRITE(flags) (((flags) & O_ACCMODE) != O_RDONLY)
