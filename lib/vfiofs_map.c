/* libvfiofs: the client side of the daemon's descriptor hand-off. */
#include "libvfiofs.h"
#include "vfiofs.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

static __thread char last_error[512];

const char *vfiofs_strerror(void)
{
	return last_error;
}

static int fail(int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return -errnum;
}

/* The hand-off socket of the mount holding path (absolute): the nearest ancestor that names one. */
static int find_socket(const char *path, char *sock, size_t size)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	while ((slash = strrchr(dir, '/'))) {
		ssize_t n;

		/* Up one level; "/x" becomes "/". */
		slash[slash == dir ? 1 : 0] = '\0';
		n = getxattr(dir, VFIOFS_XATTR_SOCKET, sock, size - 1);
		if (n > 0) {
			sock[n] = '\0';
			return 0;
		}
		if (strcmp(dir, "/") == 0)
			break;
	}
	return fail(ENOENT, "%s is not inside a vfiofs mount", path);
}

static int connect_to(const char *sock)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return fail(errno, "socket: %s", strerror(errno));
	if (strlen(sock) >= sizeof(addr.sun_path)) {
		close(fd);
		return fail(ENAMETOOLONG, "socket path %s is too long", sock);
	}
	memcpy(addr.sun_path, sock, strlen(sock) + 1);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;

		close(fd);
		return fail(e, "cannot reach the vfiofs daemon at %s: %s", sock, strerror(e));
	}
	return fd;
}

/* Most descriptors one answer carries (an INTx: trigger and unmask). */
#define MAX_FDS 2

/* Receives the answer line and, with it, up to MAX_FDS descriptors (the rest -1); how many came. */
static ssize_t receive(int s, char *line, size_t size, int fds[MAX_FDS], int *nfds)
{
	char control[CMSG_SPACE(sizeof(int) * MAX_FDS)];
	struct iovec iov = { line, size - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *cmsg;
	ssize_t n = recvmsg(s, &msg, MSG_CMSG_CLOEXEC);

	fds[0] = fds[1] = -1;
	*nfds = 0;
	if (n <= 0)
		return n;
	line[n] = '\0';
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg))
		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
			int got = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			memcpy(fds, CMSG_DATA(cmsg), sizeof(int) * (got < MAX_FDS ? got : MAX_FDS));
			*nfds = got < MAX_FDS ? got : MAX_FDS;
		}
	return n;
}

static void close_all(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* "error ENAME message": the errno for ENAME. */
static int answer_errno(const char *name)
{
	static const struct { const char *name; int value; } known[] = {
		{ "ENOENT", ENOENT }, { "EINVAL", EINVAL }, { "ENODEV", ENODEV }, { "EACCES", EACCES },
		{ "EISDIR", EISDIR }, { "EBUSY", EBUSY }, { "EAGAIN", EAGAIN }, { "ETIMEDOUT", ETIMEDOUT },
		{ "ESHUTDOWN", ESHUTDOWN },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strncmp(name, known[i].name, strlen(known[i].name)) == 0)
			return known[i].value;
	return EIO;
}

/*
 * path as a request writes it (vfiofs(1), Wire format): a space, a
 * backslash and every control byte as \ooo, as the mount table does.
 * False if it does not fit in size.
 */
static bool escape_path(const char *path, char *out, size_t size)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		bool plain = *p > ' ' && *p != '\\' && *p != 0x7f;

		if (n + (plain ? 1 : 4) >= size)
			return false;
		if (plain)
			out[n++] = (char)*p;
		else
			n += (size_t)sprintf(out + n, "\\%03o", *p);
	}
	out[n] = '\0';
	return true;
}

/*
 * Sends "VERB path number" to the daemon of path's mount and receives the
 * answer: the connection (still open), or -errno.
 */
static int ask(const char *verb, const char *path, uint64_t number, char *line, size_t size,
	       int fds[MAX_FDS], int *nfds)
{
	char sock[PATH_MAX], escaped[4 * PATH_MAX], request[4 * PATH_MAX + 64];
	int s, rc = find_socket(path, sock, sizeof(sock));

	if (rc < 0)
		return rc;
	if (!escape_path(path, escaped, sizeof(escaped)))
		return fail(ENAMETOOLONG, "%s: the path is too long for a request", path);
	s = connect_to(sock);
	if (s < 0)
		return s;
	snprintf(request, sizeof(request), "%s %s %llu\n", verb, escaped, (unsigned long long)number);
	if (send(s, request, strlen(request), MSG_NOSIGNAL) < 0 || receive(s, line, size, fds, nfds) <= 0) {
		close(s);
		return fail(EIO, "no answer from the vfiofs daemon");
	}
	return s;
}

/* An "error ENAME message" answer as -errno and message; 0 for any other. */
static int answer_error(const char *path, char *line, int *fds, int nfds)
{
	if (strncmp(line, "error ", 6) != 0)
		return 0;
	close_all(fds, nfds);
	line[strcspn(line, "\n")] = '\0';
	return fail(answer_errno(line + 6), "%s: %s", path, line + 6);
}

int vfiofs_map(const char *path, uint64_t offset, struct vfiofs_mapping *m)
{
	char abs[PATH_MAX], line[640], prot[4];
	unsigned long long fd_offset, length, start;
	int fds[MAX_FDS], nfds, fd, rc, s;
	void *addr;

	if (!realpath(path, abs))
		return fail(errno, "%s: %s", path, strerror(errno));
	s = ask("map", abs, offset, line, sizeof(line), fds, &nfds);
	if (s < 0)
		return s;
	close(s);
	rc = answer_error(path, line, fds, nfds);
	if (rc < 0)
		return rc;
	fd = fds[0];
	if (nfds != 1 || sscanf(line, "ok %llu %llu %3s %llu", &fd_offset, &length, prot, &start) != 4) {
		close_all(fds, nfds);
		return fail(EIO, "%s: unexpected answer '%s'", path, line);
	}
	m->prot = (strchr(prot, 'r') ? PROT_READ : 0) | (strchr(prot, 'w') ? PROT_WRITE : 0);
	addr = mmap(NULL, length, m->prot, MAP_SHARED, fd, fd_offset);
	rc = errno;
	close(fd);  /* the mapping keeps what it needs */
	if (addr == MAP_FAILED)
		return fail(rc, "%s: mmap: %s", path, strerror(rc));
	m->addr = addr;
	m->length = length;
	m->start = start;
	return 0;
}

int vfiofs_unmap(struct vfiofs_mapping *m)
{
	if (!m->addr)
		return 0;
	if (munmap(m->addr, m->length) < 0)
		return fail(errno, "munmap: %s", strerror(errno));
	m->addr = NULL;
	return 0;
}

int vfiofs_areas(const char *path, struct vfiofs_area *areas, int max)
{
	char info[PATH_MAX], copy[PATH_MAX], key[96], line[256];
	unsigned long long off, size;
	int n = 0;
	FILE *f;

	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(key, sizeof(key), "region.%s.mmap", basename(copy));
	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(info, sizeof(info), "%s/info", dirname(copy));
	f = fopen(info, "re");
	if (!f)
		return fail(errno, "%s: %s", info, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char k[96];

		if (sscanf(line, "%95s %llu %llu", k, &off, &size) == 3 && strcmp(k, key) == 0 && n < max)
			areas[n++] = (struct vfiofs_area){ off, size };
	}
	fclose(f);
	return n;
}

int vfiofs_irq(const char *path, unsigned vector, struct vfiofs_irq *irq)
{
	char abs[PATH_MAX], line[640];
	int fds[MAX_FDS], nfds, n, rc, s;

	irq->fd = irq->unmask_fd = irq->hold = -1;
	if (!realpath(path, abs))
		return fail(errno, "%s: %s", path, strerror(errno));
	s = ask("irq", abs, vector, line, sizeof(line), fds, &nfds);
	if (s < 0)
		return s;
	rc = answer_error(path, line, fds, nfds);
	if (rc == 0 && (sscanf(line, "ok %d", &n) != 1 || n < 1 || n != nfds)) {
		close_all(fds, nfds);
		rc = fail(EIO, "%s: unexpected answer '%s'", path, line);
	}
	if (rc < 0) {
		close(s);
		return rc;
	}
	irq->fd = fds[0];
	irq->unmask_fd = fds[1];
	irq->hold = s;
	return 0;
}

int vfiofs_irq_release(struct vfiofs_irq *irq)
{
	int fds[3] = { irq->fd, irq->unmask_fd, irq->hold };

	/* The connection last: the daemon takes the vector back only once it closes. */
	close_all(fds, 3);
	irq->fd = irq->unmask_fd = irq->hold = -1;
	return 0;
}
