/*
 * A device's interrupts as the file system keeps them: the mode set through
 * the irq file, one eventfd per vector registered with VFIO and watched on
 * the event loop, per-vector counts, and the open irq files (readers), each
 * of which sees every interrupt that arrives after it was opened.
 *
 * A read with nothing pending is answered later, when an interrupt comes:
 * the request waits in its reader's queue, not in a thread.
 *
 * Kept by fs/irq/irq_mode.c (lifetime, modes), fs/irq/irq_source.c (eventfds),
 * fs/irq/irq_reader.c (readers) and fs/irq/irq_lease.c (vectors handed out), which
 * share fs/irq/irq_private.h.  Errors are 0 or a positive errno, as libfuse's.
 */
#pragma once

#include "fs/fs.h"

#include "fs/irq/irq_command.h"

struct fs_event_loop;
struct fs_irq;
struct trace_hub;
struct fs_irq_reader;
struct vfio_device;

/* Interrupts off, no reader; the caller holds the one reference. */
struct fs_irq *fs_irq_new(struct fs_event_loop *loop);
/* Mode changes and interrupts go to the device's trace from now until shutdown. */
void fs_irq_set_trace(struct fs_irq *irq, struct trace_hub *trace);
/*
 * Drops a reference (NULL: nothing).  The device drops its own after
 * fs_irq_shutdown(); the last one, once no event source, reader or lease
 * is left, frees what is left.
 */
void fs_irq_unref(struct fs_irq *irq);

/* Carries out a parsed command on vdev; 0 or a positive errno (EINVAL: nothing changed). */
int fs_irq_apply(struct fs_irq *irq, struct vfio_device *vdev, const struct fs_irq_command *cmd);
/* Turns interrupts off (why: for the log); waiting readers get end of file (0 bytes). */
void fs_irq_off(struct fs_irq *irq, struct vfio_device *vdev, const char *why);
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

/*
 * Hands vector of the current mode to the program at the other end of conn
 * (fs/irq/irq_lease.c): answers "ok N" there with the vector's eventfd (and,
 * for an INTx the device masks, an unmask eventfd) and keeps conn as the
 * program's hold on the vector.  0: conn is the lease's now.  A positive
 * errno with *why (free it): nothing changed, conn is still the caller's.
 */
int fs_irq_lend(struct fs_irq *irq, struct vfio_device *vdev, unsigned vector, int conn, pid_t pid,
		char **why);

/* Appends "irq.mode", "irq.vectors" and per-vector count lines for info. */
void fs_irq_describe(struct fs_irq *irq, GString *out);

struct fs_irq_reader *fs_irq_reader_new(struct fs_irq *irq);
void fs_irq_reader_free(struct fs_irq_reader *r);
/* Replies now with the pending events, EAGAIN if nonblock, or later. */
void fs_irq_reader_read(struct fs_irq_reader *r, fuse_req_t req, size_t size, bool nonblock);
/* Replies to a poll; keeps ph to notify when an interrupt arrives. */
void fs_irq_reader_poll(struct fs_irq_reader *r, fuse_req_t req, struct fuse_pollhandle *ph);
