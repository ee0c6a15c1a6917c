#define G_LOG_DOMAIN "handoff-wire"
#include "fs/handoff/handoff_wire.h"
#include "vfio/fd_passing.h"
#include "vfio/iova.h"

#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/socket.h>

bool fs_handoff_send(int conn, const char *line, const int *fds, unsigned n, bool nowait)
{
	size_t len = strlen(line);
	struct iovec iov = { (void *)line, len };
	union {
		char buf[VFIO_FDS_CONTROL_SIZE(FS_HANDOFF_MAX_FDS)];
		struct cmsghdr align;
	} control;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t sent;

	g_return_val_if_fail(n <= FS_HANDOFF_MAX_FDS, false);
	if (n)
		vfio_fds_attach(&msg, control.buf, fds, n);
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

/* "\ooo" at s (s[0] is the backslash): the byte, or -1 if it is not three octal digits of 1..255. */
static int octal_escape(const char *s)
{
	int v = 0;

	for (int i = 1; i <= 3; i++) {
		if (s[i] < '0' || s[i] > '7')
			return -1;
		v = v * 8 + (s[i] - '0');
	}
	return v >= 1 && v <= 255 ? v : -1;
}

char *fs_handoff_unescape(const char *word)
{
	GString *out = g_string_sized_new(strlen(word));

	for (const char *p = word; *p; p++) {
		int c = (unsigned char)*p;

		if (c == '\\') {
			c = octal_escape(p);
			if (c < 0) {
				g_string_free(out, TRUE);
				return NULL;
			}
			p += 3;
		}
		g_string_append_c(out, (char)c);
	}
	return g_string_free(out, FALSE);
}

bool fs_handoff_parse(const char *line, struct fs_handoff_request *r, const char **why)
{
	g_auto(GStrv) words = g_strsplit(line, " ", -1);
	guint n = g_strv_length(words);
	guint64 value = 0;

	*r = (struct fs_handoff_request){ 0 };
	*why = "malformed request: send map PATH [OFFSET] or irq PATH VECTOR, one space between words";
	if (n < 2 || n > 3 || !*words[1])
		return false;
	if (strcmp(words[0], "irq") == 0) {
		if (n != 3 || !g_ascii_string_to_unsigned(words[2], 10, 0, G_MAXUINT32, &value, NULL) ||
		    words[2][0] == '+' || words[2][0] == '-')
			return false;
		r->irq = true;
	} else if (strcmp(words[0], "map") != 0) {
		return false;
	} else if (n == 3 && !vfio_iova_parse(words[2], &value)) {
		*why = "malformed offset: decimal, or hex with 0x";
		return false;
	}
	r->path = fs_handoff_unescape(words[1]);
	if (!r->path || !*r->path) {
		g_clear_pointer(&r->path, g_free);
		*why = "malformed path: a backslash starts \\ooo, three octal digits of a byte 1 to 255";
		return false;
	}
	r->number = value;
	return true;
}

struct fs_handoff_pending *fs_handoff_pending_new(int fd, const struct ucred *cred, gint64 deadline)
{
	struct fs_handoff_pending *p = g_new0(struct fs_handoff_pending, 1);

	p->fd = fd;
	p->cred = *cred;
	p->deadline = deadline;
	return p;
}

enum fs_handoff_line fs_handoff_pending_read(struct fs_handoff_pending *p)
{
	ssize_t n = recv(p->fd, p->buf + p->got, FS_HANDOFF_REQUEST_MAX - p->got, MSG_PEEK | MSG_DONTWAIT);
	char *nl;
	size_t take;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return FS_HANDOFF_LINE_MORE;
	if (n <= 0)
		return FS_HANDOFF_LINE_CLOSED;
	nl = memchr(p->buf + p->got, '\n', n);
	take = nl ? (size_t)(nl - (p->buf + p->got)) + 1 : (size_t)n;
	if (recv(p->fd, p->buf + p->got, take, MSG_DONTWAIT) != (ssize_t)take)
		return FS_HANDOFF_LINE_CLOSED;
	p->got += take;
	if (!nl)
		return p->got >= FS_HANDOFF_REQUEST_MAX ? FS_HANDOFF_LINE_TOO_LONG : FS_HANDOFF_LINE_MORE;
	p->buf[--p->got] = '\0';
	return memchr(p->buf, '\0', p->got) ? FS_HANDOFF_LINE_NUL : FS_HANDOFF_LINE_COMPLETE;
}
