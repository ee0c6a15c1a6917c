/*
 * The vfiofs daemon: parse the command line, make the shared container,
 * attach the devices, mount, serve until unmount or a signal, then give
 * everything back (interrupts off, devices reset unless noreset).
 */
#define G_LOG_DOMAIN "main"
#include "fs/fs.h"
#include "src/log.h"
#include "src/options.h"
#include "vfio/container.h"
#include "vfio/kernel/sysfs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

/*
 * Every DMA buffer holds a descriptor (its memfd) for as long as it lives,
 * so the soft limit on open files, often 1024, would cap a mount at about
 * a thousand buffers: the daemon takes the hard limit for itself, as
 * daemons that hold a descriptor per object do.  Nothing here uses select(),
 * which is what the low soft limit protects.
 */
static void raise_fd_limit(void)
{
	struct rlimit lim;
	rlim_t was;

	if (getrlimit(RLIMIT_NOFILE, &lim) < 0 || lim.rlim_cur == lim.rlim_max)
		return;
	was = lim.rlim_cur;
	lim.rlim_cur = lim.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &lim) < 0)
		g_message("cannot raise the open-file limit from %llu to %llu: %s", (unsigned long long)was,
			  (unsigned long long)lim.rlim_max, g_strerror(errno));
	else
		g_debug("open-file limit raised from %llu to %llu", (unsigned long long)was,
			(unsigned long long)lim.rlim_max);
}

/*
 * Attaches the named devices (PCI and vfio-user), or, when none is named,
 * every device bound to vfio-pci; each refusal is one line on stderr.
 */
static void attach_each(struct vfiofs *fs, GPtrArray *sources)
{
	for (guint i = 0; i < sources->len; i++) {
		g_autoptr(GError) err = NULL;

		if (!vfiofs_attach(fs, sources->pdata[i], &err))
			fprintf(stderr, "vfiofs: %s\n", err->message);
	}
}

/* -o regmap=NAME=SPEC: a refused description leaves its device attached without names. */
static void attach_regmaps(struct vfiofs *fs, GPtrArray *regmaps)
{
	for (guint i = 0; i < regmaps->len; i++) {
		g_autoptr(GError) err = NULL;
		g_auto(GStrv) parts = g_strsplit(regmaps->pdata[i], "=", 2);

		if (!vfiofs_attach_regmap(fs, parts[0], parts[1], &err))
			fprintf(stderr, "vfiofs: %s\n", err->message);
	}
}

static unsigned attach_devices(struct vfiofs *fs, GPtrArray *named, GPtrArray *sockets)
{
	g_autoptr(GPtrArray) found = named->len || sockets->len ? NULL : vfio_sysfs_vfio_pci_devices();
	GPtrArray *devices = found ? found : named;

	if (found && found->len == 0)
		fprintf(stderr, "vfiofs: no device is bound to vfio-pci; bind one "
			"(see vfiofs(1), BINDING A DEVICE) or name one with -o device=\n");
	attach_each(fs, devices);
	attach_each(fs, sockets);
	return vfiofs_device_count(fs);
}

static int serve(struct fuse_session *se, const struct vfiofs_options *o)
{
	struct fuse_loop_config *lc;
	int rc;

	if (o->fuse.singlethread)
		return fuse_session_loop(se);
	lc = fuse_loop_cfg_create();
	fuse_loop_cfg_set_clone_fd(lc, o->fuse.clone_fd);
	/* libfuse's parser leaves "unset" as UINT_MAX, which its setters reject noisily. */
	if (o->fuse.max_idle_threads != UINT_MAX)
		fuse_loop_cfg_set_idle_threads(lc, o->fuse.max_idle_threads);
	if (o->fuse.max_threads != UINT_MAX)
		fuse_loop_cfg_set_max_threads(lc, o->fuse.max_threads);
	rc = fuse_session_loop_mt(se, lc);
	fuse_loop_cfg_destroy(lc);
	return rc;
}

/* Mounts and serves until unmount or a signal; a signal is a clean end, not a failure. */
static int mount_and_serve(struct fuse_session *se, struct vfiofs *fs,
			   struct vfio_container *container, const struct vfiofs_options *o)
{
	g_autoptr(GError) err = NULL;
	int rc = 1;

	if (fuse_set_signal_handlers(se) != 0)
		return 1;
	if (fuse_session_mount(se, o->mountpoint) != 0)
		goto err_out1;
	if (fuse_daemonize(o->fuse.foreground) != 0)
		goto err_out2;
	if (!o->fuse.foreground)
		vfiofs_log_to_syslog();
	/* After the fork: -o trace's writers and the hand-off run threads of their own. */
	vfiofs_started(fs);
	/* After the fork: threads started before it would not follow the daemon into the child. */
	vfio_container_serve(container);
	if (!vfiofs_start_handoff(fs, o->mountpoint, o->allow_other, &err))
		g_warning("direct mapping is not available: %s", err->message);
	rc = serve(se, o) < 0 ? 1 : 0;
err_out2:
	fuse_session_unmount(se);
err_out1:
	fuse_remove_signal_handlers(se);
	return rc;
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct vfiofs_options o;
	g_autoptr(GError) err = NULL;
	struct vfio_container *container;
	struct fuse_session *se;
	struct vfiofs *fs;
	int rc = 1;

	if (!vfiofs_options_parse(&args, &o, &err)) {
		fprintf(stderr, "vfiofs: %s\nTry '%s --help'.\n", err->message, argv[0]);
		rc = 2;
		goto out_args;
	}
	if (o.show_help) {
		vfiofs_options_usage(argv[0]);
		printf("FUSE options:\n");
		fflush(stdout);
		fuse_cmdline_help();
		fuse_lowlevel_help();
		rc = 0;
		goto out_args;
	}
	if (o.show_version) {
		printf("vfiofs %s\n", PACKAGE_VERSION);
		fflush(stdout);
		fuse_lowlevel_version();
		rc = 0;
		goto out_args;
	}
	vfiofs_log_init(o.fuse.foreground, o.fuse.debug);
	raise_fd_limit();
	container = vfio_container_new(&(struct vfio_container_options){
		.iova_max = o.iova_max,
		.iommu = o.iommu,
		.user_timeout_ms = o.user_timeout_ms,
		.user_dma_by_message = o.user_dma_by_message,
	});
	fs = vfiofs_new(container, &(struct vfiofs_config){
		.noreset = o.noreset,
		.trace_dir = o.trace_dir,
		.hugepages = o.hugepages,
		.intx_eoi = o.intx_eoi,
		.uid = o.has_uid ? o.uid : getuid(),
		.gid = o.has_gid ? o.gid : getgid(),
		.own_modes = o.has_umask,
		.umask = o.umask,
	});
	/* The session checks libfuse's options before any device is touched. */
	se = fuse_session_new(&args, &vfiofs_ops, sizeof(vfiofs_ops), fs);
	if (!se)
		rc = 2;
	else if (attach_devices(fs, o.devices, o.user_sockets) == 0)
		fprintf(stderr, "vfiofs: no device could be attached; not mounting %s\n", o.mountpoint);
	else {
		attach_regmaps(fs, o.regmaps);
		rc = mount_and_serve(se, fs, container, &o);
	}
	if (se)
		fuse_session_destroy(se);
	vfiofs_free(fs);
	vfio_container_free(container);
out_args:
	vfiofs_options_clear(&o);
	fuse_opt_free_args(&args);
	return rc;
}
