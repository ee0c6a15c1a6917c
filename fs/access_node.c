/* The permission rule (fs/access.c) applied to a node of the mount, with its log line. */
#define G_LOG_DOMAIN "access-node"
#include "fs/access.h"
#include "fs/vfiofs_private.h"

#include <errno.h>

int fs_access_node(fuse_req_t req, struct vfiofs *fs, fuse_ino_t ino, const char *sibling, int want,
		   const char *what)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	g_autofree char *name = NULL;
	struct fs_node *n;
	mode_t mode = 0;

	g_mutex_lock(&fs->tree.lock);
	n = fs_tree_get(&fs->tree, ino);
	if (n && sibling)
		n = n->parent ? fs_tree_child(n->parent, sibling) : NULL;
	if (n) {
		mode = n->mode;
		name = g_strdup(n->kind == FS_ROOT ? "the mount root" : n->name);
	}
	g_mutex_unlock(&fs->tree.lock);
	if (!n || fs_access_req(req, &fs->cfg, mode, want))
		return 0;
	g_message("%s refused: uid %u may not %s %s (mode %03o, owner %u, group %u)", what,
		  (unsigned)ctx->uid, fs_access_name(want), name, (unsigned)(mode & 0777),
		  (unsigned)fs->cfg.uid, (unsigned)fs->cfg.gid);
	return EACCES;
}
