/*
 * One permission rule for every interface (vfiofs(1), SECURITY): file
 * operations, ioctls and the hand-off socket all ask here, so what a
 * caller may do never depends on the door it takes.  The rule is the
 * kernel's for a file of that mode owned by the mount's uid and gid
 * (default_permissions says the same): root may do anything; the owner's
 * bits apply to the owner, the group's to a member (primary or
 * supplementary), the others' to everyone else.
 */
#pragma once

#include "fs/fs.h"

#include <sys/types.h>

/* Whether the caller is in gid; ctx is the asker's (a socket, a FUSE request). */
typedef bool (*fs_access_in_group)(void *ctx, gid_t gid);

/* want: R_OK, W_OK, X_OK, or'ed.  in_group is asked only when it decides. */
bool fs_access_allowed(const struct vfiofs_config *cfg, uid_t uid, gid_t gid, fs_access_in_group in_group,
		       void *ctx, mode_t mode, int want);
/* The rule for the caller of a FUSE request (its groups from the kernel's view of its thread). */
bool fs_access_req(fuse_req_t req, const struct vfiofs_config *cfg, mode_t mode, int want);
/* "read", "write", "read and write"...: for log lines. */
const char *fs_access_name(int want);
/* The mode a file of natural mode (type and owner bits) gets under cfg (-o umask=). */
mode_t fs_access_mode(const struct vfiofs_config *cfg, mode_t natural);

struct vfiofs;

/*
 * fs/access_node.c.  The rule for the caller of req on node ino, or on its sibling named
 * sibling (a device's "irq" for SET_IRQS) if not NULL: 0, or EACCES with a
 * log line saying what was refused (what: "open", "mkdir", ...).  A node
 * that is gone gives 0: the operation itself says ENOENT.
 */
int fs_access_node(fuse_req_t req, struct vfiofs *fs, fuse_ino_t ino, const char *sibling, int want,
		   const char *what);
