/*
 * A device's interrupt state, shared by fs/irq.c (modes, event sources,
 * readers) and fs/irq_lease.c (vectors handed out to programs).  Every
 * field is guarded by lock.
 */
#pragma once

#include "fs/irq.h"

#include <stdint.h>

struct fs_irq_lease;

struct fs_irq {
	gint refs;                /* the device's, plus one per event source and lease */
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
};

struct fs_irq *fs_irq_ref(struct fs_irq *irq);
void fs_irq_unref(struct fs_irq *irq);

/* Lock held: takes in what vector v's eventfd counted and wakes the readers. */
void fs_irq_take_events(struct fs_irq *irq, unsigned v);
/* Lock held: starts or stops watching the daemon's eventfd of vector v. */
void fs_irq_watch(struct fs_irq *irq, unsigned v);
void fs_irq_unwatch(struct fs_irq *irq, unsigned v);

/*
 * fs/irq_lease.c, lock held.  Ends every lease: closes the programs'
 * connections (they see end of file) once VFIO no longer signals their
 * eventfds; the vectors are not watched again here.
 */
void fs_irq_leases_end(struct fs_irq *irq, const char *why);
/* Appends "irq.vector.V.handed_out PID" for vector v if it is handed out. */
void fs_irq_lease_describe(struct fs_irq *irq, unsigned v, GString *out);
