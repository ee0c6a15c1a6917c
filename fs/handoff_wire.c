#define G_LOG_DOMAIN "handoff"
#include "fs/handoff_wire.h"

#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/socket.h>

bool fs_handoff_send(int conn, const char *line, const int *fds, unsigned n, bool nowait)
{
	size_t len = strlen(line);
	struct iovec iov = { (void *)line, len };
	char control[CMSG_SPACE(sizeof(int) * FS_HANDOFF_MAX_FDS)] = { 0 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t sent;

	g_return_val_if_fail(n <= FS_HANDOFF_MAX_FDS, false);
	if (n) {
		struct cmsghdr *cmsg;

		msg.msg_control = control;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * n);
	}
	sent = sendmsg(conn, &msg, MSG_NOSIGNAL | (nowait ? MSG_DONTWAIT : 0));
	if (sent != (ssize_t)len) {
		g_debug("answer not sent: %s", sent < 0 ? g_strerror(errno) : "short write");
		return false;
	}
	return true;
}

void fs_handoff_send_error(int conn, int errnum, const char *why)
{
	g_autofree char *line = g_strdup_printf("error %s %s\n", strerrorname_np(errnum), why);

	g_message("hand-off refused: %s", why);
	fs_handoff_send(conn, line, NULL, 0, false);
}
