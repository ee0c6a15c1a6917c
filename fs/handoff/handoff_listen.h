/*
 * The hand-off socket's connections: accepting, the 2-second deadline for
 * a whole request line, the limits on connections waiting for theirs
 * (fs/handoff/handoff_wire.h), and the back-off when descriptors run out.  A
 * complete line goes to serve, on one of a few worker threads.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/socket.h>

/* NULL if the peer may use the socket at all, else why not (answered EACCES). */
typedef const char *(*fs_handoff_admit_fn)(void *ctx, const struct ucred *cred);
/* Answers line on fd; true if it kept fd (else it is closed). */
typedef bool (*fs_handoff_serve_fn)(void *ctx, int fd, const struct ucred *cred, const char *line);

struct fs_handoff_listener;

/* Starts serving listen_fd (non-blocking, listening; still the caller's to close after stop). */
struct fs_handoff_listener *fs_handoff_listen(int listen_fd, fs_handoff_admit_fn admit,
					       fs_handoff_serve_fn serve, void *ctx, GError **err);
/* Stops: waits for the lines being served, refuses those still coming. */
void fs_handoff_listener_stop(struct fs_handoff_listener *h);
