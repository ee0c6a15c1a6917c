/*
 * A device as the file system holds it: the vfio device, a lock that lets
 * file operations run side by side while detach waits for them, and a
 * reference count so open files outlive rmdir safely.
 */
#pragma once

#include "fs/fs.h"
#include "vfio/device.h"

struct fs_irq;
struct fs_node;
struct vfio_device;
struct trace_hub;
struct trace_sink;

struct fs_device {
	gint refs;
	struct fs_irq *irq;        /* interrupts and the readers of the irq file */
	struct fs_event_loop *events;  /* where work for a lost device is deferred to */
	GRWLock lock;              /* read: a file operation; write: detach */
	struct vfio_device *vdev;  /* NULL once detached */
	struct trace_hub *trace;   /* its trace (fs/trace.h), until the last reference */
	struct trace_sink *trace_sink;  /* -o trace=DIR's file, until detach */
	/*
	 * Every region access through the mount (bar files, regs/) holds it:
	 * a field's read-modify-write is atomic against all of them.
	 */
	GMutex access;
	GMutex regs_lock;          /* guards regs */
	struct fs_regs *regs;      /* the attached register description, or NULL */
	char name[VFIO_DEVICE_NAME_MAX];
};

struct fs_device *fs_device_ref(struct fs_device *dev);
void fs_device_unref(struct fs_device *dev);

/*
 * Takes the device's read lock for one operation (detach waits for it): its
 * vfio device, or NULL (ENODEV, the lock not held) if it was detached.
 * Pair with fs_device_read_unlock().  A reference is fs_device_ref()'s.
 */
struct vfio_device *fs_device_read_lock(struct fs_device *dev);
void fs_device_read_unlock(struct fs_device *dev);

/*
 * Resets the device as the reset file and the reset ioctl do: interrupts off
 * first (the kernel's reset drops their setup), then VFIO_DEVICE_RESET.
 * 0, ENOTTY without a reset method, or another errno.  Device held.
 */
int fs_device_reset(struct fs_device *dev, struct vfio_device *vdev);

/*
 * Attaches the device source names (a PCI address, a vfio-user socket's
 * path: vfio/ picks the backend) with its directory, named as vfio/ names
 * it (tree lock not held).
 */
bool fs_device_dir_attach(struct vfiofs *fs, const char *source, struct fs_node **dir_out,
			  GError **err);
/* Takes the directory out of the tree (tree lock held) and returns its device to detach. */
struct fs_device *fs_device_dir_remove(struct vfiofs *fs, struct fs_node *dir);
/* Disables and resets (unless noreset) and detaches; tree lock not held. */
void fs_device_detach(struct vfiofs *fs, struct fs_device *dev);
