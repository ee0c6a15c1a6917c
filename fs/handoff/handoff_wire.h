/*
 * The hand-off socket's answers (vfiofs(1), DIRECT MAPPING): one line of
 * text, with the descriptors it announces attached by SCM_RIGHTS.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <sys/socket.h>

/* At most this many descriptors travel with one answer (INTx: trigger and unmask). */
#define FS_HANDOFF_MAX_FDS 2

/*
 * Sends line with n descriptors; false if it could not be sent whole.
 * With nowait, a peer that has filled its socket makes it fail rather
 * than wait (for callers holding a lock).
 */
bool fs_handoff_send(int conn, const char *line, const int *fds, unsigned n, bool nowait);
/* "error ENAME why\n"; logs why. */
void fs_handoff_send_error(int conn, int errnum, const char *why);

/*
 * A request line (without its newline): "map PATH [OFFSET]" or
 * "irq PATH VECTOR", words separated by one space.  In PATH, \ooo (three
 * octal digits, as the mount table writes them) stands for that byte, so a
 * path may hold spaces, newlines and backslashes; any other backslash is
 * malformed.  OFFSET is decimal or 0x hex, VECTOR decimal; no signs.
 */
struct fs_handoff_request {
	bool irq;
	char *path;       /* unescaped; the caller frees it */
	uint64_t number;  /* OFFSET (0 if absent) or VECTOR */
};

/* Parses line into r; false with why (a static string), r->path NULL. */
bool fs_handoff_parse(const char *line, struct fs_handoff_request *r, const char **why);
/* word with its \ooo escapes replaced; NULL if one is malformed. */
char *fs_handoff_unescape(const char *word);

/* A request line is at most this long, newline included (vfiofs(1)). */
#define FS_HANDOFF_REQUEST_MAX 4096
/*
 * Connections accepted whose line is not complete yet: at most this many
 * per user and in all; more are refused with EAGAIN at once.  A connection
 * that holds an interrupt vector is no longer waiting and counts in
 * neither (the vectors a device has bound those).
 */
#define FS_HANDOFF_WAITING_PER_UID 32
#define FS_HANDOFF_WAITING_MAX 128

/* A connection whose request line is still arriving. */
struct fs_handoff_pending {
	int fd;
	struct ucred cred;
	gint64 deadline;  /* monotonic, microseconds: the whole line by then */
	size_t got;
	char buf[FS_HANDOFF_REQUEST_MAX + 1];
};

struct fs_handoff_pending *fs_handoff_pending_new(int fd, const struct ucred *cred, gint64 deadline);
/*
 * Takes what p's client has sent, without waiting and never past the
 * newline (what an irq program sends later is not part of its request).
 * Once the line is complete it is in p->buf, NUL-terminated, without the
 * newline.
 */
enum fs_handoff_line {
	FS_HANDOFF_LINE_MORE,      /* more is to come */
	FS_HANDOFF_LINE_COMPLETE,
	FS_HANDOFF_LINE_TOO_LONG,  /* past FS_HANDOFF_REQUEST_MAX without a newline */
	FS_HANDOFF_LINE_NUL,       /* a NUL byte in the line */
	FS_HANDOFF_LINE_CLOSED,    /* the client closed or failed */
};

enum fs_handoff_line fs_handoff_pending_read(struct fs_handoff_pending *p);
