/* The vfiofs file system over the vfio layer: what the daemon (src/) sees of fs/. */
#pragma once

/* The one definition of the libfuse API version, for fs/ and src/. */
#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct vfio_container;

enum vfiofs_intx_eoi {
	VFIOFS_INTX_EOI_BAR,     /* any BAR access unmasks INTx (as QEMU does) */
	VFIOFS_INTX_EOI_MANUAL,  /* only the irq file's "unmask" does */
};

struct vfiofs_config {
	bool noreset;            /* do not reset devices on attach and detach */
	bool hugepages;          /* back DMA buffers with huge pages */
	enum vfiofs_intx_eoi intx_eoi;
	uid_t uid;               /* owner of every file: the mounting user, or -o uid= */
	gid_t gid;
	/*
	 * -o umask=: every file's mode is what it supports (r, w, rwx for a
	 * directory) for owner, group and others, less umask.  Without it,
	 * files are their owner's alone (directories 0755).
	 */
	bool own_modes;
	mode_t umask;
	/* -o trace=DIR: every device's trace into DIR/NAME.trace; NULL: none.  Not owned. */
	const char *trace_dir;
};

struct vfiofs;

struct vfiofs *vfiofs_new(struct vfio_container *c, const struct vfiofs_config *cfg);
/* Detaches every device (resetting it unless noreset) and frees the tree. */
void vfiofs_free(struct vfiofs *fs);
/*
 * Attaches the device source names (a PCI address, or the absolute path of
 * a vfio-user server's socket) and gives it a directory; err says why not.
 */
bool vfiofs_attach(struct vfiofs *fs, const char *source, GError **err);
unsigned vfiofs_device_count(struct vfiofs *fs);
/*
 * Names the registers of the device whose directory is name from the
 * description spec names (FILE[@barN[+OFFSET]], FILE absolute); false (and
 * the device as it was) if it cannot.
 */
bool vfiofs_attach_regmap(struct vfiofs *fs, const char *name, const char *spec, GError **err);
/*
 * Starts direct mapping (the hand-off socket) for the mounted file system;
 * call after the daemon is in the background.  Without it the mount works,
 * only direct mapping does not.
 */
bool vfiofs_start_handoff(struct vfiofs *fs, const char *mountpoint, bool allow_other, GError **err);
/* The daemon runs (in the background if it forked): threads of fs/ may start (-o trace files). */
void vfiofs_started(struct vfiofs *fs);

/* The low-level operations; the session's userdata is the struct vfiofs. */
extern const struct fuse_lowlevel_ops vfiofs_ops;
