#include "fs/access.h"

#include <unistd.h>

bool fs_access_allowed(const struct vfiofs_config *cfg, uid_t uid, gid_t gid, fs_access_in_group in_group,
		       void *ctx, mode_t mode, int want)
{
	mode_t need = ((want & R_OK) ? 4 : 0) | ((want & W_OK) ? 2 : 0) | ((want & X_OK) ? 1 : 0);
	mode_t bits;

	if (uid == 0)
		return true;
	if (uid == cfg->uid)
		bits = (mode >> 6) & 7;
	else if (gid == cfg->gid || (in_group && in_group(ctx, cfg->gid)))
		bits = (mode >> 3) & 7;
	else
		bits = mode & 7;
	return (bits & need) == need;
}

static bool req_in_group(void *ctx, gid_t gid)
{
	gid_t groups[256];
	int n = fuse_req_getgroups(ctx, G_N_ELEMENTS(groups), groups);

	if (n > (int)G_N_ELEMENTS(groups)) {
		g_autofree gid_t *all = g_new(gid_t, n);
		int got = fuse_req_getgroups(ctx, n, all);

		for (int i = 0; i < MIN(got, n); i++)
			if (all[i] == gid)
				return true;
		return false;
	}
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

bool fs_access_req(fuse_req_t req, const struct vfiofs_config *cfg, mode_t mode, int want)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);

	return fs_access_allowed(cfg, ctx->uid, ctx->gid, req_in_group, req, mode, want);
}

const char *fs_access_name(int want)
{
	static const char *const names[8] = {
		"no", "search", "write", "write and search", "read", "read and search", "read and write",
		"read, write and search",
	};

	return names[(((want & R_OK) ? 4 : 0) | ((want & W_OK) ? 2 : 0) | ((want & X_OK) ? 1 : 0))];
}

mode_t fs_access_mode(const struct vfiofs_config *cfg, mode_t natural)
{
	mode_t owner = (natural >> 6) & 7;

	if (!cfg->own_modes)
		return natural;
	return (natural & S_IFMT) | ((owner * 0111) & ~cfg->umask & 0777);
}
