/* The file system's state, shared by the files of fs/. */
#pragma once

#include "fs/fs.h"
#include "fs/tree.h"

struct fs_event_loop;
struct fs_handoff;

#include <time.h>

struct vfiofs {
	struct vfio_container *container;
	struct vfiofs_config cfg;
	struct fs_tree tree;
	struct fs_event_loop *events;  /* where interrupt eventfds are watched */
	struct fs_handoff *handoff;    /* direct mapping, once mounted */
	struct timespec mount_time;
	/* The devices whose streams get buffer events (fs/trace.c), under trace_lock. */
	GMutex trace_lock;
	GPtrArray *traced;             /* struct fs_device *, a reference each */
	bool trace_started;            /* the daemon runs: -o trace files' threads may start */
};

/* Open-file state: fi->fh points to one. */
struct fs_handle {
	struct vfiofs *fs;
	struct fs_node *node;
	struct fs_device *dev;  /* reference, for files inside a device directory */
	void *priv;             /* the kind's own, freed by its release (fs/file_ops.h) */
	int flags;              /* the file's flags as of the current request */
};
