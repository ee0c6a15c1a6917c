/*
 * The binary interface on a mount's files (include/vfiofs.h): sized ioctls
 * that reuse the linux/vfio.h structures where they fit.
 */
#pragma once

#include "fs/vfiofs_private.h"

/*
 * Answers one ioctl on an open file (fuse_reply_ioctl or fuse_reply_err):
 * ENOTTY for a number vfiofs.h lacks or a file it does not apply to, EINVAL
 * for a wrong size or argument, ENODEV once the device is detached.
 */
void fs_ioctl(fuse_req_t req, struct fs_handle *h, unsigned int cmd, unsigned flags,
	      const void *in, size_t in_size, size_t out_size);
