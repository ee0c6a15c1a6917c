#include "fake_peer.h"

#include <string.h>
#include <sys/socket.h>

bool fake_peer_send(int fd, uint16_t id, uint16_t cmd, uint32_t flags, uint32_t error,
		    const void *payload, size_t len, int pass_fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct vfio_user_header h;
	struct iovec iov[2];
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };

	vfio_user_header_init(&h, id, cmd, len, flags);
	h.error = error;
	iov[0] = (struct iovec){ &h, sizeof(h) };
	iov[1] = (struct iovec){ (void *)payload, len };
	if (pass_fd >= 0) {
		struct cmsghdr *cm;

		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
	}
	return sendmsg(fd, &mh, MSG_NOSIGNAL) == (ssize_t)(sizeof(h) + len);
}

bool fake_peer_reply(int fd, const struct vfio_user_header *req, const void *payload, size_t len,
		     int pass_fd)
{
	return fake_peer_send(fd, req->id, req->command, VFIO_USER_F_TYPE_REPLY, 0, payload, len,
			      pass_fd);
}
