#define G_LOG_DOMAIN "ioctl"
#include "fs/ioctl.h"

void fs_ioctl(fuse_req_t req, struct fs_handle *h, unsigned int cmd, unsigned flags,
	      const void *in, size_t in_size, size_t out_size)
{
	(void)h, (void)cmd, (void)flags, (void)in, (void)in_size, (void)out_size;
	fuse_reply_err(req, ENOTTY);
}
