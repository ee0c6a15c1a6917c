/*
 * A device's interrupts as the file system keeps them: the mode set through
 * the irq file, one eventfd per vector registered with VFIO and watched on
 * the event loop, per-vector counts, and the open irq files (readers), each
 * of which sees every interrupt that arrives after it was opened.
 *
 * A read with nothing pending is answered later, when an interrupt comes:
 * the request waits in its reader's queue, not in a thread.
 */
#pragma once

#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>
#include <glib.h>

#include "fs/irq_command.h"

struct fs_event_loop;
struct fs_irq;
struct fs_irq_reader;
struct vfio_device;

struct fs_irq *fs_irq_new(struct fs_event_loop *loop);
/* Frees what is left after fs_irq_shutdown(); no reader may remain. */
void fs_irq_free(struct fs_irq *irq);

/* Carries out a parsed command on vdev; 0 or -errno (EINVAL: nothing changed). */
int fs_irq_apply(struct fs_irq *irq, struct vfio_device *vdev, const struct fs_irq_command *cmd);
/* Turns interrupts off; waiting readers get end of file (0 bytes). */
void fs_irq_off(struct fs_irq *irq, struct vfio_device *vdev);
/* The device is going away: interrupts off, waiting readers get ENODEV, pollers wake. */
void fs_irq_shutdown(struct fs_irq *irq, struct vfio_device *vdev);
/* The transport lost the device: waiting readers get ENODEV, pollers wake; no VFIO call. */
void fs_irq_lost(struct fs_irq *irq);
/*
 * intx_eoi=bar: before a BAR access, whether an INTx interrupt is waiting for
 * its end; if so, fs_irq_eoi_end() after the access unmasks it.
 */
bool fs_irq_eoi_begin(struct fs_irq *irq);
void fs_irq_eoi_end(struct fs_irq *irq, struct vfio_device *vdev);

/* Appends "irq.mode", "irq.vectors" and per-vector count lines for info. */
void fs_irq_describe(struct fs_irq *irq, GString *out);

struct fs_irq_reader *fs_irq_reader_new(struct fs_irq *irq);
void fs_irq_reader_free(struct fs_irq_reader *r);
/* Replies now with the pending events, EAGAIN if nonblock, or later. */
void fs_irq_reader_read(struct fs_irq_reader *r, fuse_req_t req, size_t size, bool nonblock);
/* Replies to a poll; keeps ph to notify when an interrupt arrives. */
void fs_irq_reader_poll(struct fs_irq_reader *r, fuse_req_t req, struct fuse_pollhandle *ph);
