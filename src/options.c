#define G_LOG_DOMAIN "options"
#include "src/options.h"
#include "vfio/error.h"
#include "vfio/iova.h"
#include "vfio/pci_addr.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The options that take a value first: value_parsers is indexed by them. */
enum {
	KEY_DEVICE,
	KEY_IOVA_MAX,
	KEY_INTX_EOI,
	KEY_IOMMU,
	KEY_VFIO_USER,
	KEY_VFIO_USER_DMA,
	KEY_VFIO_USER_TIMEOUT,
	KEY_UID,
	KEY_GID,
	KEY_UMASK,
	KEY_TRACE,
	KEY_REGMAP,
	KEY_HELP,
	KEY_VERSION,
	KEY_ALLOW_OTHER,
};

/* What the fuse_opt callback fills in. */
struct parse_state {
	struct vfiofs_options *o;
	int hugepages, noreset;
	GPtrArray *positional;
	GError *error;  /* the first bad option */
};

#define FLAG(name, field) { name, offsetof(struct parse_state, field), 1 }

static const struct fuse_opt opt_spec[] = {
	FUSE_OPT_KEY("device=", KEY_DEVICE),
	FUSE_OPT_KEY("iova_max=", KEY_IOVA_MAX),
	FUSE_OPT_KEY("intx_eoi=", KEY_INTX_EOI),
	FUSE_OPT_KEY("iommu=", KEY_IOMMU),
	FUSE_OPT_KEY("vfio_user=", KEY_VFIO_USER),
	FUSE_OPT_KEY("vfio_user_dma=", KEY_VFIO_USER_DMA),
	FUSE_OPT_KEY("vfio_user_timeout=", KEY_VFIO_USER_TIMEOUT),
	FUSE_OPT_KEY("uid=", KEY_UID),
	FUSE_OPT_KEY("gid=", KEY_GID),
	FUSE_OPT_KEY("umask=", KEY_UMASK),
	FUSE_OPT_KEY("trace=", KEY_TRACE),
	FUSE_OPT_KEY("regmap=", KEY_REGMAP),
	FLAG("hugepages", hugepages),
	FLAG("noreset", noreset),
	FUSE_OPT_KEY("-h", KEY_HELP),
	FUSE_OPT_KEY("--help", KEY_HELP),
	FUSE_OPT_KEY("-V", KEY_VERSION),
	FUSE_OPT_KEY("allow_other", KEY_ALLOW_OTHER),
	FUSE_OPT_KEY("--version", KEY_VERSION),
	FUSE_OPT_END
};

static bool parse_device(struct parse_state *s, const char *value)
{
	char addr[VFIO_PCI_ADDR_LEN];

	if (!vfio_pci_addr_parse(value, addr, &s->error))
		return false;
	g_ptr_array_add(s->o->devices, g_strdup(addr));
	return true;
}

static bool parse_iova_max(struct parse_state *s, const char *value)
{
	uint64_t v;

	if (!vfio_iova_parse(value, &v) || v == 0) {
		vfio_set_error(&s->error, EINVAL,
			       "iova_max=%s: expected an address such as 0xfffffff (hex or decimal, not 0)",
			       value);
		return false;
	}
	s->o->iova_max = v;
	return true;
}

/* -o iommu=auto|iommufd|type1: the kernel interface for every kernel device of the mount. */
static bool parse_iommu(struct parse_state *s, const char *value)
{
	if (strcmp(value, "auto") == 0)
		s->o->iommu = VFIO_IOMMU_AUTO;
	else if (strcmp(value, "iommufd") == 0)
		s->o->iommu = VFIO_IOMMU_IOMMUFD;
	else if (strcmp(value, "type1") == 0)
		s->o->iommu = VFIO_IOMMU_TYPE1;
	else {
		vfio_set_error(&s->error, EINVAL, "iommu=%s: expected auto, iommufd or type1", value);
		return false;
	}
	return true;
}

static bool parse_intx_eoi(struct parse_state *s, const char *value)
{
	if (strcmp(value, "bar") == 0) {
		s->o->intx_eoi = VFIOFS_INTX_EOI_BAR;
	} else if (strcmp(value, "manual") == 0) {
		s->o->intx_eoi = VFIOFS_INTX_EOI_MANUAL;
	} else {
		vfio_set_error(&s->error, EINVAL, "intx_eoi=%s: expected bar or manual", value);
		return false;
	}
	return true;
}

/* Made absolute now: the daemon leaves its working directory when it goes to the background. */
static bool parse_vfio_user(struct parse_state *s, const char *value)
{
	if (!*value) {
		vfio_set_error(&s->error, EINVAL, "vfio_user=: expected the path of a vfio-user server's socket");
		return false;
	}
	g_ptr_array_add(s->o->user_sockets, g_canonicalize_filename(value, NULL));
	return true;
}

/* NAME=FILE[@barN[+OFFSET]]: FILE made absolute now, as the socket paths are. */
static bool parse_regmap(struct parse_state *s, const char *value)
{
	const char *eq = strchr(value, '=');
	g_autofree char *name = eq ? g_strndup(value, eq - value) : NULL;
	g_autofree char *spec = NULL;
	g_autofree char *cwd = g_get_current_dir();

	if (!eq || !name[0] || !eq[1]) {
		vfio_set_error(&s->error, EINVAL, "regmap=%s: expected regmap=NAME=FILE[@barN[+OFFSET]] "
			       "(NAME: the device's directory name)", value);
		return false;
	}
	spec = eq[1] == '/' ? g_strdup(eq + 1) : g_build_filename(cwd, eq + 1, NULL);
	g_ptr_array_add(s->o->regmaps, g_strdup_printf("%s=%s", name, spec));
	return true;
}

static bool parse_vfio_user_dma(struct parse_state *s, const char *value)
{
	if (strcmp(value, "fd") == 0 || strcmp(value, "message") == 0) {
		s->o->user_dma_by_message = value[0] == 'm';
		return true;
	}
	vfio_set_error(&s->error, EINVAL, "vfio_user_dma=%s: expected fd or message", value);
	return false;
}

static bool parse_vfio_user_timeout(struct parse_state *s, const char *value)
{
	guint64 seconds;

	if (!g_ascii_string_to_unsigned(value, 10, 1, 3600, &seconds, NULL)) {
		vfio_set_error(&s->error, EINVAL,
			       "vfio_user_timeout=%s: expected whole seconds from 1 to 3600", value);
		return false;
	}
	s->o->user_timeout_ms = seconds * 1000;
	return true;
}

/* A user or group id as written: all digits is a number, anything else a name to look up. */
static bool parse_id(const char *value, bool group, guint64 *id)
{
	if (*value && strspn(value, "0123456789") == strlen(value))
		return g_ascii_string_to_unsigned(value, 10, 0, (guint32)-2, id, NULL);
	if (group) {
		struct group *g = getgrnam(value);

		*id = g ? g->gr_gid : 0;
		return g != NULL;
	}
	struct passwd *p = getpwnam(value);

	*id = p ? p->pw_uid : 0;
	return p != NULL;
}

static bool parse_owner(struct parse_state *s, const char *value, bool group)
{
	guint64 id;

	if (!parse_id(value, group, &id)) {
		vfio_set_error(&s->error, EINVAL, "%s=%s: no such %s (a name, or a number)",
			       group ? "gid" : "uid", value, group ? "group" : "user");
		return false;
	}
	if (group) {
		s->o->gid = (gid_t)id;
		s->o->has_gid = true;
	} else {
		s->o->uid = (uid_t)id;
		s->o->has_uid = true;
	}
	return true;
}

/* Octal, as umask(1) and vfat's umask= write it. */
static bool parse_umask(struct parse_state *s, const char *value)
{
	guint64 mask;

	if (!g_ascii_string_to_unsigned(value, 8, 0, 0777, &mask, NULL)) {
		vfio_set_error(&s->error, EINVAL, "umask=%s: expected octal permission bits, 000 to 777 (e.g. 007)",
			       value);
		return false;
	}
	s->o->umask = (mode_t)mask;
	s->o->has_umask = true;
	return true;
}

static bool parse_uid(struct parse_state *s, const char *value)
{
	return parse_owner(s, value, false);
}

static bool parse_gid(struct parse_state *s, const char *value)
{
	return parse_owner(s, value, true);
}

/* trace=DIR: an existing directory, where every device's trace is written. */
static bool parse_trace(struct parse_state *s, const char *value)
{
	if (!*value || !g_file_test(value, G_FILE_TEST_IS_DIR)) {
		vfio_set_error(&s->error, EINVAL, "trace=%s: expected an existing directory for the "
			       "devices' traces (DIR/NAME.trace)", value);
		return false;
	}
	g_free(s->o->trace_dir);
	s->o->trace_dir = g_canonicalize_filename(value, NULL);
	return true;
}

static bool (*const value_parsers[])(struct parse_state *s, const char *value) = {
	[KEY_DEVICE] = parse_device,
	[KEY_IOVA_MAX] = parse_iova_max,
	[KEY_INTX_EOI] = parse_intx_eoi,
	[KEY_IOMMU] = parse_iommu,
	[KEY_VFIO_USER] = parse_vfio_user,
	[KEY_VFIO_USER_DMA] = parse_vfio_user_dma,
	[KEY_VFIO_USER_TIMEOUT] = parse_vfio_user_timeout,
	[KEY_UID] = parse_uid,
	[KEY_GID] = parse_gid,
	[KEY_UMASK] = parse_umask,
	[KEY_TRACE] = parse_trace,
	[KEY_REGMAP] = parse_regmap,
};

static int on_option(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	struct parse_state *s = data;
	const char *value = strchr(arg, '=') ? strchr(arg, '=') + 1 : NULL;

	(void)outargs;
	if (s->error)
		return -1;
	if (key >= 0 && key < (int)G_N_ELEMENTS(value_parsers))
		return value_parsers[key](s, value) ? 0 : -1;
	switch (key) {
	case KEY_HELP:
		s->o->show_help = true;
		return 0;
	case KEY_VERSION:
		s->o->show_version = true;
		return 0;
	case KEY_ALLOW_OTHER:
		s->o->allow_other = true;
		return 1;  /* libfuse needs it too */
	case FUSE_OPT_KEY_NONOPT:
		g_ptr_array_add(s->positional, g_strdup(arg));
		return 0;
	default:
		return 1;  /* libfuse's own: keep it */
	}
}

static bool take_positional(struct parse_state *s, GError **err)
{
	GPtrArray *p = s->positional;

	if (p->len > 2) {
		vfio_set_error(err, EINVAL, "too many arguments: '%s' (expected [SOURCE] MOUNTPOINT)",
			       (char *)p->pdata[2]);
		return false;
	}
	if (p->len == 0) {
		vfio_set_error(err, EINVAL, "no mount point given");
		return false;
	}
	s->o->mountpoint = g_strdup(p->pdata[p->len - 1]);
	s->o->source = g_strdup(p->len == 2 ? p->pdata[0] : "vfiofs");
	return true;
}

/* fsname shows SOURCE in the mount table; subtype makes the type fuse.vfiofs. */
static void add_mount_names(struct fuse_args *args, const char *source)
{
	char *opts = NULL;

	fuse_opt_add_opt_escaped(&opts, source);
	g_autofree char *arg = g_strdup_printf("-osubtype=vfiofs,fsname=%s", opts);
	free(opts);
	fuse_opt_add_arg(args, arg);
}

/*
 * "--" ends the options (a mount point may start with '-'); on_option took
 * every word after it, so it is last in args.  fuse_opt_parse drops a last
 * "--" itself, except when it has put back the -o options it gathered for
 * libfuse (allow_other, debug, ...) as "-o OPTS" at 1 and 2: then the "--"
 * stays, and the fsname and subtype appended after it are a second mount
 * point to fuse_parse_cmdline (and an unknown option to fuse_session_new).
 * A "--" at 2 after a "-o" at 1 is not the separator but those options.
 */
static void drop_last_separator(struct fuse_args *args)
{
	int last = args->argc - 1;

	if (last < 1 || strcmp(args->argv[last], "--") != 0 ||
	    (last == 2 && strcmp(args->argv[1], "-o") == 0))
		return;
	free(args->argv[last]);
	args->argv[last] = NULL;
	args->argc = last;
}

bool vfiofs_options_parse(struct fuse_args *args, struct vfiofs_options *o, GError **err)
{
	struct parse_state s = { .o = o };
	bool ok = false;

	memset(o, 0, sizeof(*o));
	o->devices = g_ptr_array_new_with_free_func(g_free);
	o->user_sockets = g_ptr_array_new_with_free_func(g_free);
	o->regmaps = g_ptr_array_new_with_free_func(g_free);
	o->intx_eoi = VFIOFS_INTX_EOI_BAR;
	s.positional = g_ptr_array_new_with_free_func(g_free);
	if (fuse_opt_parse(args, &s, opt_spec, on_option) != 0) {
		if (s.error)
			g_propagate_error(err, s.error);
		else
			vfio_set_error(err, EINVAL, "cannot parse the command line");
		goto out;
	}
	drop_last_separator(args);
	o->hugepages = s.hugepages;
	o->noreset = s.noreset;
	if (o->show_help || o->show_version) {
		ok = true;
		goto out;
	}
	if (!take_positional(&s, err))
		goto out;
	add_mount_names(args, o->source);
	if (fuse_parse_cmdline(args, &o->fuse) != 0) {
		vfio_set_error(err, EINVAL, "cannot parse the FUSE options");
		goto out;
	}
	ok = true;
out:
	g_ptr_array_unref(s.positional);
	return ok;
}

void vfiofs_options_clear(struct vfiofs_options *o)
{
	g_clear_pointer(&o->devices, g_ptr_array_unref);
	g_clear_pointer(&o->user_sockets, g_ptr_array_unref);
	g_clear_pointer(&o->regmaps, g_ptr_array_unref);
	g_clear_pointer(&o->source, g_free);
	g_clear_pointer(&o->mountpoint, g_free);
	g_clear_pointer(&o->trace_dir, g_free);
	free(o->fuse.mountpoint);
	o->fuse.mountpoint = NULL;
}

void vfiofs_options_usage(const char *prog)
{
	printf("usage: %s [SOURCE] MOUNTPOINT [-f] [-d] [-s] [-o OPTION[,OPTION...]]\n"
	       "\n"
	       "Presents PCI devices bound to vfio-pci as directories of files.\n"
	       "\n"
	       "vfiofs options:\n"
	       "    -o device=DDDD:BB:DD.F  attach this device (repeatable); default, when no\n"
	       "                            device is named: every device bound to vfio-pci\n"
	       "    -o regmap=NAME=FILE[@barN[+OFFSET]]  name device NAME's registers from an\n"
	       "                            IP-XACT or CMSIS-SVD description (repeatable)\n"
	       "    -o vfio_user=SOCKET     attach the device a vfio-user server serves at\n"
	       "                            SOCKET (repeatable); named after the socket file\n"
	       "    -o vfio_user_dma=fd|message  map DMA buffers into vfio-user servers with\n"
	       "                            descriptors (default) or for messages only\n"
	       "    -o vfio_user_timeout=S  longest wait for a vfio-user reply (default 10)\n"
	       "    -o iova_max=ADDR        highest IOVA handed out to DMA buffers\n"
	       "    -o hugepages            back DMA buffers with huge pages\n"
	       "    -o noreset              do not reset devices on attach and detach\n"
	       "    -o trace=DIR            write every device's trace to DIR/NAME.trace\n"
	       "    -o intx_eoi=bar|manual  how a masked INTx is unmasked (default bar)\n"
	       "    -o iommu=auto|iommufd|type1  kernel interface (default auto: type1, or iommufd\n"
	       "                            where /dev/vfio/vfio is missing)\n"
	       "    -o uid=USER,gid=GROUP   owner and group of every file (names or numbers)\n"
	       "    -o umask=MASK           mode bits of every file: what it supports, for all, less MASK\n"
	       "    -h, --help              this help\n"
	       "    -V, --version           the version\n"
	       "\n", prog);
}
