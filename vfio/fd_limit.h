/*
 * The descriptor budget: every DMA buffer holds a memfd in the daemon for
 * as long as it lives, so RLIMIT_NOFILE bounds how many buffers a mount
 * holds.  A buffer is refused before the last descriptors are taken, so
 * that attach, vfio-user connections and the hand-off socket keep some.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

/* Descriptors below the soft limit that buffers leave to everything else. */
#define VFIO_FD_RESERVE 64

/*
 * fd was just opened for name: true if it leaves the reserve alone, else
 * err is ENOSPC with the limit and how to raise it (the caller lets go of
 * what it made).
 */
bool vfio_fd_limit_check(int fd, const char *name, GError **err);

/*
 * A descriptor for name could not be made (errno e): EMFILE and ENFILE
 * become ENOSPC naming the limit; anything else is left for the caller
 * (false).
 */
bool vfio_fd_limit_error(int e, const char *name, GError **err);
