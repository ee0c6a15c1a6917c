/*
 * The floor of any file path: a bare FUSE round trip.
 *
 *   fuse_floor MOUNTPOINT [-f] [-s] [-o OPTIONS]
 *
 * A minimal libfuse3 low-level file system with one file, `mem`, of 64 KiB
 * served from memory, opened with direct I/O (no page cache), so that every
 * pread is one request to this daemon and one reply.  Run with the same loop
 * as vfiofs (multi-threaded unless -s), a 4-byte pread of MOUNT/mem costs
 * what FUSE itself costs, with nothing behind it.
 */
#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MEM_INO 2
#define MEM_SIZE (64 * 1024)

static char mem[MEM_SIZE];
static pthread_mutex_t mem_lock = PTHREAD_MUTEX_INITIALIZER;

static void fill_stat(fuse_ino_t ino, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	st->st_uid = getuid();
	st->st_gid = getgid();
	if (ino == FUSE_ROOT_ID) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
	} else {
		st->st_mode = S_IFREG | 0644;
		st->st_nlink = 1;
		st->st_size = MEM_SIZE;
	}
}

static void floor_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e = { .ino = MEM_INO, .attr_timeout = 1, .entry_timeout = 1 };

	if (parent != FUSE_ROOT_ID || strcmp(name, "mem") != 0) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	fill_stat(MEM_INO, &e.attr);
	fuse_reply_entry(req, &e);
}

static void floor_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct stat st;

	(void)fi;
	if (ino != FUSE_ROOT_ID && ino != MEM_INO) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	fill_stat(ino, &st);
	fuse_reply_attr(req, &st, 1);
}

static void floor_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			  struct fuse_file_info *fi)
{
	static const char *const names[] = { ".", "..", "mem" };
	static const fuse_ino_t inos[] = { FUSE_ROOT_ID, FUSE_ROOT_ID, MEM_INO };
	char buf[256];
	size_t cap = size < sizeof(buf) ? size : sizeof(buf);
	size_t used = 0;

	(void)fi;
	if (ino != FUSE_ROOT_ID) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	for (off_t i = off; i < 3; i++) {
		struct stat st;
		size_t n;

		fill_stat(inos[i], &st);
		n = fuse_add_direntry(req, buf + used, cap - used, names[i], &st, i + 1);
		if (used + n > cap)
			break;
		used += n;
	}
	fuse_reply_buf(req, buf, used);
}

static void floor_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	if (ino != MEM_INO) {
		fuse_reply_err(req, EISDIR);
		return;
	}
	fi->direct_io = 1;
	fi->keep_cache = 0;
	fuse_reply_open(req, fi);
}

static void floor_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	char buf[MEM_SIZE];

	(void)ino;
	(void)fi;
	if (off >= MEM_SIZE)
		size = 0;
	else if (size > (size_t)(MEM_SIZE - off))
		size = MEM_SIZE - off;
	/* A copy under a lock, like a daemon that serves state shared by threads. */
	pthread_mutex_lock(&mem_lock);
	memcpy(buf, mem + off, size);
	pthread_mutex_unlock(&mem_lock);
	fuse_reply_buf(req, buf, size);
}

static void floor_write(fuse_req_t req, fuse_ino_t ino, const char *data, size_t size,
			off_t off, struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	if (off >= MEM_SIZE) {
		fuse_reply_err(req, ENOSPC);
		return;
	}
	if (size > (size_t)(MEM_SIZE - off))
		size = MEM_SIZE - off;
	pthread_mutex_lock(&mem_lock);
	memcpy(mem + off, data, size);
	pthread_mutex_unlock(&mem_lock);
	fuse_reply_write(req, size);
}

static const struct fuse_lowlevel_ops floor_ops = {
	.lookup = floor_lookup,
	.getattr = floor_getattr,
	.readdir = floor_readdir,
	.open = floor_open,
	.read = floor_read,
	.write = floor_write,
};

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts opts;
	struct fuse_session *se;
	int rc = 1;

	for (unsigned i = 0; i < MEM_SIZE; i++)
		mem[i] = (char)i;
	if (fuse_parse_cmdline(&args, &opts) != 0)
		return 2;
	if (opts.show_help || !opts.mountpoint) {
		printf("usage: %s MOUNTPOINT [-f] [-s] [-o OPTIONS]\n", argv[0]);
		fuse_cmdline_help();
		fuse_lowlevel_help();
		rc = opts.show_help ? 0 : 2;
		goto out_args;
	}
	se = fuse_session_new(&args, &floor_ops, sizeof(floor_ops), NULL);
	if (!se)
		goto out_args;
	if (fuse_set_signal_handlers(se) != 0)
		goto out_session;
	if (fuse_session_mount(se, opts.mountpoint) != 0)
		goto out_signals;
	fuse_daemonize(opts.foreground);
	if (opts.singlethread) {
		rc = fuse_session_loop(se);
	} else {
		/* The same loop configuration as vfiofs's default. */
		struct fuse_loop_config *lc = fuse_loop_cfg_create();

		fuse_loop_cfg_set_clone_fd(lc, opts.clone_fd);
		if (opts.max_idle_threads != UINT_MAX)
			fuse_loop_cfg_set_idle_threads(lc, opts.max_idle_threads);
		if (opts.max_threads != UINT_MAX)
			fuse_loop_cfg_set_max_threads(lc, opts.max_threads);
		rc = fuse_session_loop_mt(se, lc);
		fuse_loop_cfg_destroy(lc);
	}
	rc = rc < 0 ? 1 : 0;
	fuse_session_unmount(se);
out_signals:
	fuse_remove_signal_handlers(se);
out_session:
	fuse_session_destroy(se);
out_args:
	free(opts.mountpoint);
	fuse_opt_free_args(&args);
	return rc;
}
