/* The bare benchmark clients' connection, VERSION and sending (vfu_client.h). */
#include "vfu_client.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define CAPS "{\"capabilities\":{\"max_msg_fds\":8,\"max_data_xfer_size\":1048576}}"

const unsigned char vfu_client_version[] = "\0\0\2\0" CAPS;   /* major 0, minor 2 (LE), JSON */
const size_t vfu_client_version_size = sizeof(vfu_client_version);

int vfu_client_connect(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int sock;

	if (strlen(path) >= sizeof(a.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(a.sun_path, path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock >= 0 && connect(sock, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;

		close(sock);
		errno = e;
		return -1;
	}
	return sock;
}

int vfu_client_send(int sock, const void *buf, size_t len, int fd)
{
	struct iovec iov = { (void *)buf, len };
	union { struct cmsghdr c; char b[CMSG_SPACE(sizeof(int))]; } u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		m.msg_control = u.b;
		m.msg_controllen = sizeof(u.b);
		CMSG_FIRSTHDR(&m)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&m)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&m)->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&m)), &fd, sizeof(int));
	}
	while (iov.iov_len) {
		ssize_t n = sendmsg(sock, &m, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		iov.iov_base = (char *)iov.iov_base + n;
		iov.iov_len -= (size_t)n;
		m.msg_control = NULL;      /* the descriptor went with the first byte */
		m.msg_controllen = 0;
	}
	return 0;
}
