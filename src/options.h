/* The command line: vfiofs [SOURCE] MOUNTPOINT [-f] [-d] [-s] [-o OPTION[,OPTION...]] */
#pragma once

#include "fs/fs.h"
#include "vfio/container.h"

#include <glib.h>
#include <stdbool.h>

struct vfiofs_options {
	GPtrArray *devices;        /* canonical PCI addresses from -o device=, in order */
	GPtrArray *user_sockets;   /* absolute paths from -o vfio_user=, in order */
	GPtrArray *regmaps;        /* -o regmap=NAME=SPEC: "NAME=SPEC", SPEC's file made absolute */
	bool user_dma_by_message;  /* -o vfio_user_dma=message */
	unsigned user_timeout_ms;  /* -o vfio_user_timeout=; 0: the default */
	char *source;              /* shown in the mount table only */
	char *mountpoint;
	uint64_t iova_max;         /* 0: the top of the kernel's IOVA ranges */
	enum vfio_iommu_choice iommu;  /* -o iommu=; 0 is auto */
	bool hugepages;
	bool noreset;
	char *trace_dir;           /* -o trace=DIR, canonical; NULL: no trace files */
	bool allow_other;          /* also passed on to libfuse */
	enum vfiofs_intx_eoi intx_eoi;
	bool has_uid, has_gid, has_umask;  /* -o uid=, gid=, umask= given */
	uid_t uid;
	gid_t gid;
	mode_t umask;
	bool show_help;
	bool show_version;
	struct fuse_cmdline_opts fuse;  /* -f, -d, -s and friends, as libfuse parses them */
};

/*
 * Parses argv: takes out vfiofs's own options and the positional arguments,
 * leaves in args what libfuse's session takes (plus fsname and subtype).
 */
bool vfiofs_options_parse(struct fuse_args *args, struct vfiofs_options *o, GError **err);
void vfiofs_options_clear(struct vfiofs_options *o);
void vfiofs_options_usage(const char *prog);
