/*
 * The hand-off socket's answers (vfiofs(1), DIRECT MAPPING): one line of
 * text, with the descriptors it announces attached by SCM_RIGHTS.
 */
#pragma once

#include <stdbool.h>

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
