#include "vfio/fd_passing.h"

#include <string.h>

void vfio_fds_attach(struct msghdr *msg, void *control, const int *fds, unsigned n)
{
	struct cmsghdr *cm;

	memset(control, 0, VFIO_FDS_CONTROL_SIZE(n));
	msg->msg_control = control;
	msg->msg_controllen = VFIO_FDS_CONTROL_SIZE(n);
	cm = CMSG_FIRSTHDR(msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
}
