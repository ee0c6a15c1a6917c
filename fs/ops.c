/*
 * The libfuse low-level operations: what is the same for every node
 * (lookups, attributes, listings, permission, the open-file handle) here;
 * what differs by kind, in the node's struct fs_file_ops (fs/file_ops.h).
 */
#define G_LOG_DOMAIN "ops"
#include "fs/device_dir.h"
#include "fs/ioctl.h"
#include "fs/file_ops.h"
#include "fs/access.h"
#include "fs/vfiofs_private.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <unistd.h>
#include <poll.h>
#include <string.h>

/* Everything changes only through this daemon, so the kernel may cache names and sizes long. */
#define FIXED_TIMEOUT 3600.0

static struct vfiofs *fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static const struct fs_file_ops *ops_of(const struct fs_node *n)
{
	return fs_file_ops_of(n->kind);
}

/* Tree lock held. */
static void node_stat(struct vfiofs *fs, const struct fs_node *n, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = n->ino;
	st->st_mode = n->mode;
	st->st_nlink = S_ISDIR(n->mode) ? 2 : 1;
	st->st_uid = fs->cfg.uid;
	st->st_gid = fs->cfg.gid;
	st->st_size = ops_of(n)->size ? ops_of(n)->size(fs, n) : n->size;
	st->st_blksize = 4096;
	st->st_atim = st->st_mtim = st->st_ctim = fs->mount_time;
}

/* A size that changes while mounted must not be cached by the kernel. */
static double attr_timeout(const struct fs_node *n)
{
	return ops_of(n)->size ? 0.0 : FIXED_TIMEOUT;
}

/* Tree lock held; counts the lookup the reply hands the kernel. */
static void fill_entry(struct vfiofs *fs, struct fs_node *n, struct fuse_entry_param *e)
{
	memset(e, 0, sizeof(*e));
	n->nlookup++;
	e->ino = n->ino;
	e->attr_timeout = attr_timeout(n);
	/* regs/ and registers come and go with a description: look them up again each time. */
	e->entry_timeout = n->kind == FS_REGS_DIR || n->kind == FS_REGISTERS ? 0 : FIXED_TIMEOUT;
	node_stat(fs, n, &e->attr);
}

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	/* open(O_TRUNC) reaches us as a flag we ignore, so "echo 1 > reset" works. */
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	/* One request at a time per read(2): device accesses stay in ascending order. */
	conn->want &= ~(FUSE_CAP_ASYNC_DIO | FUSE_CAP_ASYNC_READ);
}

/*
 * vfiofs's own permission check (fs/access.h), the same with or without
 * default_permissions: replies EACCES itself when it refuses.
 */
static bool refused(fuse_req_t req, fuse_ino_t ino, int want, const char *what)
{
	int err = fs_access_node(req, fs_of(req), ino, NULL, want, what);

	if (err)
		fuse_reply_err(req, err);
	return err != 0;
}

/* What opening with flags asks of the file. */
static int open_wants(int flags)
{
	int acc = flags & O_ACCMODE;
	int want = acc == O_RDONLY ? R_OK : acc == O_WRONLY ? W_OK : R_OK | W_OK;

	return want | ((flags & O_TRUNC) ? W_OK : 0);
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct vfiofs *fs = fs_of(req);
	struct fuse_entry_param e;
	struct fs_node *dir, *n;

	if (refused(req, parent, X_OK, "lookup"))
		return;
	g_mutex_lock(&fs->tree.lock);
	dir = fs_tree_get(&fs->tree, parent);
	n = dir ? fs_tree_child(dir, name) : NULL;
	if (n)
		fill_entry(fs, n, &e);
	g_mutex_unlock(&fs->tree.lock);
	if (!n)
		fuse_reply_err(req, ENOENT);
	else
		fuse_reply_entry(req, &e);
}

static void forget_one(struct vfiofs *fs, fuse_ino_t ino, uint64_t nlookup)
{
	struct fs_node *n = fs_tree_get(&fs->tree, ino);

	if (n)
		fs_tree_forget(&fs->tree, n, nlookup);
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct vfiofs *fs = fs_of(req);

	g_mutex_lock(&fs->tree.lock);
	forget_one(fs, ino, nlookup);
	g_mutex_unlock(&fs->tree.lock);
	fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
	struct vfiofs *fs = fs_of(req);

	g_mutex_lock(&fs->tree.lock);
	for (size_t i = 0; i < count; i++)
		forget_one(fs, forgets[i].ino, forgets[i].nlookup);
	g_mutex_unlock(&fs->tree.lock);
	fuse_reply_none(req);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct vfiofs *fs = fs_of(req);
	struct fs_node *n;
	struct stat st;
	double timeout = 0;

	(void)fi;
	g_mutex_lock(&fs->tree.lock);
	n = fs_tree_get(&fs->tree, ino);
	if (n) {
		node_stat(fs, n, &st);
		timeout = attr_timeout(n);
	}
	g_mutex_unlock(&fs->tree.lock);
	if (!n)
		fuse_reply_err(req, ENOENT);
	else
		fuse_reply_attr(req, &st, timeout);
}

/* The node of ino, or NULL; tree lock not held (the kernel's reference keeps it alive). */
static struct fs_node *node_of(struct vfiofs *fs, fuse_ino_t ino)
{
	struct fs_node *n;

	g_mutex_lock(&fs->tree.lock);
	n = fs_tree_get(&fs->tree, ino);
	g_mutex_unlock(&fs->tree.lock);
	return n;
}

/*
 * Sizes are the device's and owners the mount's: only a DMA buffer may be
 * sized (once), and time stamps may be "set", which changes nothing.
 */
static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
		       struct fuse_file_info *fi)
{
	struct fs_node *n = node_of(fs_of(req), ino);
	int err = 0;

	if ((to_set & FUSE_SET_ATTR_SIZE) && refused(req, ino, W_OK, "truncate"))
		return;
	if (!n)
		err = ENOENT;
	else if ((to_set & FUSE_SET_ATTR_SIZE) && ops_of(n)->truncate)
		err = ops_of(n)->truncate(n, attr->st_size);
	else if (to_set & FUSE_SET_ATTR_SIZE) {
		g_message("truncate refused: device files have the size of their region");
		err = EPERM;
	} else if (to_set & (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID))
		err = EPERM;
	if (err)
		fuse_reply_err(req, err);
	else
		op_getattr(req, ino, fi);
}

/* Entry idx of a directory listing: ".", "..", then the children. */
static const struct fs_node *dir_entry(const struct fs_node *dir, off_t idx, const char **name)
{
	if (idx == 0) {
		*name = ".";
		return dir;
	}
	if (idx == 1) {
		*name = "..";
		return dir->parent ? dir->parent : dir;
	}
	if (dir->unlisted || (guint)(idx - 2) >= dir->children->len)
		return NULL;
	const struct fs_node *n = g_ptr_array_index(dir->children, idx - 2);

	*name = n->name;
	return n;
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct vfiofs *fs = fs_of(req);
	g_autofree char *buf = g_malloc(size);
	const struct fs_node *dir, *n;
	const char *name;
	size_t pos = 0;

	(void)fi;
	if (off == 0 && refused(req, ino, R_OK, "readdir"))
		return;
	g_mutex_lock(&fs->tree.lock);
	dir = fs_tree_get(&fs->tree, ino);
	if (!dir || !dir->children) {
		g_mutex_unlock(&fs->tree.lock);
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	for (off_t idx = off; (n = dir_entry(dir, idx, &name)); idx++) {
		struct stat st = { .st_ino = n->ino, .st_mode = n->mode };
		size_t len = fuse_add_direntry(req, buf + pos, size - pos, name, &st, idx + 1);

		if (len > size - pos)
			break;
		pos += len;
	}
	g_mutex_unlock(&fs->tree.lock);
	fuse_reply_buf(req, buf, pos);
}

/* The node of ino's table, or NULL if ino is gone; tree lock not held. */
static const struct fs_file_ops *dir_ops_of(struct vfiofs *fs, fuse_ino_t ino)
{
	struct fs_node *n = node_of(fs, ino);

	return n ? ops_of(n) : NULL;
}

/* Whether the caller may make an entry in parent, whose table can: else replies EPERM or EACCES. */
static bool may_make_entry(fuse_req_t req, fuse_ino_t parent, bool can, const char *what)
{
	if (!can) {
		fuse_reply_err(req, EPERM);
		return false;
	}
	return !refused(req, parent, W_OK | X_OK, what);
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	struct vfiofs *fs = fs_of(req);
	const struct fs_file_ops *ops = dir_ops_of(fs, parent);
	struct fuse_entry_param e;
	struct fs_node *dir;
	int err;

	(void)mode;
	if (!may_make_entry(req, parent, ops && ops->mkdir, "mkdir (attach)"))
		return;
	err = ops->mkdir(fs, name, &dir);
	if (err) {
		fuse_reply_err(req, err);
		return;
	}
	g_mutex_lock(&fs->tree.lock);
	fill_entry(fs, dir, &e);
	g_mutex_unlock(&fs->tree.lock);
	fuse_reply_entry(req, &e);
}

/*
 * rmdir (want_dir) and unlink: an entry whose table can take it out, of
 * the type the call names.  Everything else stays, with the errno each
 * call gives for it.
 */
static void remove_entry(fuse_req_t req, fuse_ino_t parent, const char *name, bool want_dir,
			 const char *what)
{
	struct vfiofs *fs = fs_of(req);
	const struct fs_file_ops *ops;
	void *held = NULL;
	struct fs_node *n;
	int err = 0;

	if (refused(req, parent, W_OK | X_OK, what))
		return;
	g_mutex_lock(&fs->tree.lock);
	n = fs_tree_child(fs_tree_get(&fs->tree, parent), name);
	ops = n ? ops_of(n) : NULL;
	if (!n)
		err = ENOENT;
	else if (S_ISDIR(n->mode) != want_dir)
		err = want_dir ? ENOTDIR : EISDIR;
	else if (!ops->hold)
		err = EPERM;
	else {
		held = ops->hold(n);
		fs_tree_remove(&fs->tree, n);
	}
	g_mutex_unlock(&fs->tree.lock);
	if (held)
		ops->finish_removal(fs, held);
	fuse_reply_err(req, err);
}

static void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	remove_entry(req, parent, name, true, "rmdir (detach)");
}

static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	remove_entry(req, parent, name, false, "unlink");
}

/* Opens n for fi and replies: to create (created given) or to open. */
static void open_handle(fuse_req_t req, struct fs_node *n, struct fuse_file_info *fi,
			const struct fuse_entry_param *created)
{
	struct vfiofs *fs = fs_of(req);
	const struct fs_file_ops *ops = ops_of(n);
	struct fs_handle *h;
	int err;

	if (!ops->open) {
		fuse_reply_err(req, S_ISDIR(n->mode) ? EISDIR : EOPNOTSUPP);
		return;
	}
	/* The creator may open what it just made, as open(O_CREAT) may. */
	if (!created && refused(req, n->ino, open_wants(fi->flags), "open"))
		return;
	h = g_new0(struct fs_handle, 1);
	h->fs = fs;
	h->node = n;
	h->dev = n->dev ? fs_device_ref(n->dev) : NULL;
	err = ops->open(h, fi->flags);
	if (err) {
		if (h->dev)
			fs_device_unref(h->dev);
		g_free(h);
		fuse_reply_err(req, err);
		return;
	}
	fi->fh = (uintptr_t)h;
	fi->direct_io = 1;  /* every access reaches the device or buffer: no page cache */
	fi->keep_cache = 0;
	fi->nonseekable = ops->stream;
	if (created)
		fuse_reply_create(req, created, fi);
	else
		fuse_reply_open(req, fi);
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs_node *n = node_of(fs_of(req), ino);

	if (!n)
		fuse_reply_err(req, ENOENT);
	else
		open_handle(req, n, fi, NULL);
}

static struct fs_handle *handle_of(struct fuse_file_info *fi)
{
	return (struct fs_handle *)(uintptr_t)fi->fh;
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct fs_handle *h = handle_of(fi);
	const struct fs_file_ops *ops = ops_of(h->node);

	(void)ino;
	h->flags = fi->flags;  /* O_NONBLOCK may have changed since open */
	if (!ops->read)
		fuse_reply_err(req, EBADF);
	else
		ops->read(req, h, size, off);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct fs_handle *h = handle_of(fi);
	const struct fs_file_ops *ops = ops_of(h->node);

	(void)ino;
	if (!ops->write)
		fuse_reply_err(req, EBADF);
	else
		ops->write(req, h, buf, size, off);
}

static void op_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
		    struct fuse_pollhandle *ph)
{
	struct fs_handle *h = handle_of(fi);
	const struct fs_file_ops *ops = ops_of(h->node);

	(void)ino;
	if (ops->poll) {
		ops->poll(req, h, ph);
		return;
	}
	if (ph)
		fuse_pollhandle_destroy(ph);
	fuse_reply_poll(req, POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs_handle *h = handle_of(fi);

	(void)ino;
	if (ops_of(h->node)->release)
		ops_of(h->node)->release(h);
	if (h->dev)
		fs_device_unref(h->dev);
	g_free(h);
	fuse_reply_err(req, 0);
}

/* A new regular file in parent, by its table's create, counted as looked up. */
static int new_entry(struct vfiofs *fs, fuse_ino_t parent, const char *name, struct fuse_entry_param *e)
{
	struct fs_node *dir, *n = NULL;
	int err;

	g_mutex_lock(&fs->tree.lock);
	dir = fs_tree_get(&fs->tree, parent);
	err = ops_of(dir)->create(fs, dir, name, &n);
	if (!err)
		fill_entry(fs, n, e);
	g_mutex_unlock(&fs->tree.lock);
	return err;
}

/* mknod (fi NULL) and create: a new regular file by parent's table, replied as an entry or opened. */
static void make_file(fuse_req_t req, fuse_ino_t parent, const char *name, bool regular,
		      struct fuse_file_info *fi)
{
	struct vfiofs *fs = fs_of(req);
	const struct fs_file_ops *ops = dir_ops_of(fs, parent);
	struct fuse_entry_param e;
	int err;

	if (!may_make_entry(req, parent, ops && ops->create && regular, "create"))
		return;
	err = new_entry(fs, parent, name, &e);
	if (err)
		fuse_reply_err(req, err);
	else if (fi)
		open_handle(req, node_of(fs, e.ino), fi, &e);
	else
		fuse_reply_entry(req, &e);
}

static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
	(void)rdev;
	make_file(req, parent, name, S_ISREG(mode), NULL);
}

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
		      struct fuse_file_info *fi)
{
	(void)mode;
	make_file(req, parent, name, true, fi);
}

/* Within one directory whose table renames, never replacing. */
static void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
		      const char *newname, unsigned int flags)
{
	struct vfiofs *fs = fs_of(req);
	const struct fs_file_ops *ops = dir_ops_of(fs, parent);
	struct fs_node *dir;
	int err;

	if (!ops || !ops->rename || parent != newparent || (flags & RENAME_EXCHANGE)) {
		fuse_reply_err(req, EPERM);
		return;
	}
	/* Never replacing is what rename does here anyway; a whiteout or anything newer it cannot do. */
	if (flags & ~RENAME_NOREPLACE) {
		g_message("%s: rename flags %#x: only RENAME_NOREPLACE is supported", name, flags);
		fuse_reply_err(req, EINVAL);
		return;
	}
	if (refused(req, parent, W_OK | X_OK, "rename"))
		return;
	g_mutex_lock(&fs->tree.lock);
	dir = fs_tree_get(&fs->tree, parent);
	err = ops->rename(fs, dir, name, newname);
	g_mutex_unlock(&fs->tree.lock);
	fuse_reply_err(req, err);
}

/* Without a seek of its own, a file is data from 0 to its size. */
static int seek_in_data(struct fs_handle *h, off_t off, int whence, off_t *pos)
{
	struct vfiofs *fs = h->fs;
	struct stat st;

	g_mutex_lock(&fs->tree.lock);
	node_stat(fs, h->node, &st);
	g_mutex_unlock(&fs->tree.lock);
	if (off < 0 || off >= st.st_size)
		return ENXIO;
	*pos = whence == SEEK_DATA ? off : st.st_size;
	return 0;
}

/* SEEK_DATA and SEEK_HOLE; the kernel handles the others. */
static void op_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
		     struct fuse_file_info *fi)
{
	struct fs_handle *h = handle_of(fi);
	const struct fs_file_ops *ops = ops_of(h->node);
	off_t pos = 0;
	int err;

	(void)ino;
	err = (ops->seek ? ops->seek : seek_in_data)(h, off, whence, &pos);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_lseek(req, pos);
}

/* Replies with a value, or its size when size is 0, as getxattr(2) and listxattr(2) want. */
static void reply_xattr_value(fuse_req_t req, const char *value, size_t len, size_t size)
{
	if (size == 0)
		fuse_reply_xattr(req, len);
	else if (size < len)
		fuse_reply_err(req, ERANGE);
	else
		fuse_reply_buf(req, value, len);
}

/* n's attribute called name, or NULL. */
static const struct fs_xattr *xattr_of(const struct fs_node *n, const char *name)
{
	for (const struct fs_xattr *x = n ? ops_of(n)->xattrs : NULL; x && x->name; x++)
		if (strcmp(x->name, name) == 0)
			return x;
	return NULL;
}

static void op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	struct fs_node *n = node_of(fs_of(req), ino);
	const struct fs_xattr *x = xattr_of(n, name);
	g_autofree char *value = x && x->get ? x->get(fs_of(req), n) : NULL;

	if (value && refused(req, ino, R_OK, "getxattr"))
		return;
	if (!value)
		fuse_reply_err(req, ENODATA);
	else
		reply_xattr_value(req, value, strlen(value), size);
}

/* The names of the attributes that have a value now, each with its NUL. */
static void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct fs_node *n = node_of(fs_of(req), ino);
	g_autoptr(GString) names = g_string_new(NULL);

	for (const struct fs_xattr *x = n ? ops_of(n)->xattrs : NULL; x && x->name; x++) {
		g_autofree char *value = x->get ? x->get(fs_of(req), n) : NULL;

		if (value)
			g_string_append_len(names, x->name, strlen(x->name) + 1);
	}
	reply_xattr_value(req, names->str, names->len, size);
}

/* Nodes with attributes check write permission for set and remove, whatever the name. */
static bool xattr_change_refused(fuse_req_t req, fuse_ino_t ino, const struct fs_node *n, const char *what)
{
	return n && ops_of(n)->xattrs && refused(req, ino, W_OK, what);
}

static void op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value,
			size_t size, int flags)
{
	struct fs_node *n = node_of(fs_of(req), ino);
	const struct fs_xattr *x = xattr_of(n, name);

	(void)flags;
	if (xattr_change_refused(req, ino, n, "setxattr"))
		return;
	if (!x || !x->set)
		fuse_reply_err(req, ENOTSUP);
	else
		fuse_reply_err(req, x->set(fs_of(req), n, value, size));
}

static void op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	struct fs_node *n = node_of(fs_of(req), ino);
	const struct fs_xattr *x = xattr_of(n, name);

	if (xattr_change_refused(req, ino, n, "removexattr"))
		return;
	if (!x || !x->remove)
		fuse_reply_err(req, ENODATA);
	else
		fuse_reply_err(req, x->remove(fs_of(req), n));
}

static void op_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd, void *arg, struct fuse_file_info *fi,
		     unsigned flags, const void *in_buf, size_t in_bufsz, size_t out_bufsz)
{
	(void)ino, (void)arg;
	/* FUSE_IOCTL_DIR: an ioctl on a directory has no open file handle of ours. */
	if (flags & FUSE_IOCTL_DIR) {
		fuse_reply_err(req, ENOTTY);
		return;
	}
	fs_ioctl(req, handle_of(fi), cmd, flags, in_buf, in_bufsz, out_bufsz);
}

static void op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	(void)link, (void)parent, (void)name;
	fuse_reply_err(req, EPERM);
}

static void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
	(void)ino, (void)newparent, (void)newname;
	fuse_reply_err(req, EPERM);
}

const struct fuse_lowlevel_ops vfiofs_ops = {
	.init = op_init,
	.lookup = op_lookup,
	.forget = op_forget,
	.forget_multi = op_forget_multi,
	.getattr = op_getattr,
	.setattr = op_setattr,
	.readdir = op_readdir,
	.mkdir = op_mkdir,
	.rmdir = op_rmdir,
	.mknod = op_mknod,
	.create = op_create,
	.unlink = op_unlink,
	.rename = op_rename,
	.symlink = op_symlink,
	.link = op_link,
	.open = op_open,
	.read = op_read,
	.write = op_write,
	.release = op_release,
	.poll = op_poll,
	.lseek = op_lseek,
	.ioctl = op_ioctl,
	.getxattr = op_getxattr,
	.listxattr = op_listxattr,
	.setxattr = op_setxattr,
	.removexattr = op_removexattr,
};
