/*
 * A device's interrupt state, shared by the files that keep it:
 *
 *   fs/irq/irq_mode.c    the struct's lifetime and the mode set through the
 *                    irq file (set, off, shutdown, lost, INTx EOI, describe)
 *   fs/irq/irq_source.c  the daemon's eventfds per vector, their watches on the
 *                    event loop, and the counting of what they signal
 *   fs/irq/irq_reader.c  the open irq files: reader queues, deferred reads, poll
 *   fs/irq/irq_lease.c   vectors handed out to programs
 *
 * Every field is guarded by lock.  Like the rest of fs/, the functions here
 * return 0 or a positive errno; vfio/ results (-errno) are converted where
 * they are called, with fs_errno_of() (fs/vfio_result.h).
 */
#pragma once

#include "fs/irq/irq.h"
#include "fs/vfio_result.h"

#include <stdint.h>

struct fs_irq_lease;
struct trace_hub;

struct fs_irq {
	gint refs;                /* the device's, plus one per event source, reader and lease */
	GMutex lock;
	struct fs_event_loop *loop;
	enum fs_irq_mode mode;
	unsigned index;           /* VFIO irq index of mode */
	unsigned nvec;
	int32_t *fds;             /* the daemon's eventfds, nvec of them */
	GSource **sources;        /* watching fds on the event loop; NULL for a vector handed out */
	uint64_t *counts;         /* interrupts per vector since mode was set */
	struct fs_irq_lease **leases;  /* per vector: the program holding it, or NULL */
	guint epoch;              /* bumped at every mode change */
	gint intx_on;             /* mode is an automasked INTx the daemon ends; atomic for the EOI fast path */
	bool intx_masked;         /* INTx fired (VFIO masked it) and has not been ended */
	bool intx_automasked;     /* the device masks INTx when it fires (its flags say so) */
	bool gone;                /* the device was detached */
	GList *readers;           /* struct fs_irq_reader * */
	struct trace_hub *trace;  /* the device's trace (fs/trace.h), NULL once it is detached */
};


/* fs/irq/irq_mode.c.  Takes a reference; fs_irq_unref() (fs/irq/irq.h) drops it. */
struct fs_irq *fs_irq_ref(struct fs_irq *irq);

/*
 * fs/irq/irq_source.c.  n new nonblocking eventfds in *fds: 0, or a positive
 * errno with none left open.
 */
int fs_irq_eventfds_new(unsigned n, int32_t **fds);
/* Closes n eventfds (those that are open) and frees the array. */
void fs_irq_eventfds_close(int32_t *fds, unsigned n);
/*
 * Lock held, irq->nvec set for the new mode: fds (irq->nvec eventfds, now
 * irq's) become the vectors' event sources, counts start at 0, and every
 * vector is watched.
 */
void fs_irq_sources_start(struct fs_irq *irq, int32_t *fds);
/* Lock held: stops watching, closes the eventfds and forgets the counts. */
void fs_irq_sources_stop(struct fs_irq *irq);
/* Lock held: takes in what vector v's eventfd counted and wakes the readers. */
void fs_irq_take_events(struct fs_irq *irq, unsigned v);
/*
 * Lock held: takes in what every vector's eventfd has counted but the
 * event loop not yet read, so a read or poll right after an interrupt sees it.
 */
void fs_irq_take_all_events(struct fs_irq *irq);
/* Lock held: starts or stops watching the daemon's eventfd of vector v. */
void fs_irq_watch(struct fs_irq *irq, unsigned v);
void fs_irq_unwatch(struct fs_irq *irq, unsigned v);

/*
 * fs/irq/irq_reader.c, lock held.  Answers the waiting reads that now have
 * events and notifies the pollers of readers with events.
 */
void fs_irq_readers_wake(struct fs_irq *irq);
/*
 * Answers every waiting read with end of file (err 0) or err (a positive
 * errno); a reader not waiting now gets its end of file at its next read,
 * so that "cat irq" ends at "off" whenever it comes.  Pollers wake.
 */
void fs_irq_readers_release(struct fs_irq *irq, int err);

/*
 * fs/irq/irq_lease.c, lock held.  Ends every lease: closes the programs'
 * connections (they see end of file) once VFIO no longer signals their
 * eventfds; the vectors are not watched again here.
 */
void fs_irq_leases_end(struct fs_irq *irq, const char *why);
/* Appends "irq.vector.V.handed_out PID" for vector v if it is handed out. */
void fs_irq_lease_describe(struct fs_irq *irq, unsigned v, GString *out);
