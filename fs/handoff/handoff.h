/*
 * Direct mapping by descriptor hand-off (SPEC "Direct mapping"): a UNIX
 * socket where a client names a file of the mount and receives, with
 * SCM_RIGHTS, a descriptor and where to map it.  The wire format is in
 * doc/vfiofs.1 (DIRECT MAPPING); libvfiofs (lib/) speaks it for C programs.
 */
#pragma once

#include "fs/vfiofs_private.h"

struct fs_handoff;

/* Creates the socket and starts serving it; err says why not. */
struct fs_handoff *fs_handoff_start(struct vfiofs *fs, const char *mountpoint, bool allow_other,
				    GError **err);
/* Stops serving and removes the socket. */
void fs_handoff_stop(struct fs_handoff *h);
const char *fs_handoff_path(const struct fs_handoff *h);
