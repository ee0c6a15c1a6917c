/*
 * Vectors handed out to programs (the hand-off socket's "irq" request).
 *
 * The program gets an eventfd of its own that VFIO (or the vfio-user
 * server) signals directly, so no daemon thread stands between the device
 * and its wait.  The daemon's own eventfd of that vector is unregistered
 * and no longer watched meanwhile.  Giving the program a new eventfd rather
 * than the daemon's keeps each side's file description its own: whatever
 * the program does to its eventfd (blocking reads, O_NONBLOCK changes,
 * keeping it after it let go) cannot stall the daemon's event loop.
 *
 * The connection the request came on is the program's hold: when it
 * closes, the vector comes back to the daemon; when delivery ends for
 * another reason, the daemon closes it and the program reads end of file.
 *
 * Errors are 0 or a positive errno; vfio/'s -errno is converted where it
 * is called.
 */
#define G_LOG_DOMAIN "irq-lease"
#include "fs/event_loop.h"
#include "fs/handoff/handoff_wire.h"
#include "fs/irq/irq_private.h"
#include "vfio/device.h"
#include "vfio/irq.h"

#include <errno.h>
#include <glib-unix.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

struct fs_irq_lease {
	struct fs_irq *irq;        /* reference held */
	/* Valid while the lease is: fs_irq_shutdown() ends every lease before the device goes. */
	struct vfio_device *vdev;
	unsigned vector;
	bool unmask;               /* an unmask eventfd is registered for it */
	int conn;                  /* the program's connection, its hold on the vector */
	pid_t pid;
	GSource *watch;            /* conn, on the event loop */
};

static void lease_free(gpointer data)
{
	struct fs_irq_lease *l = data;

	fs_irq_unref(l->irq);
	g_free(l);
}

/* Forgets the lease and closes the connection: the program reads end of file. Lock held. */
static void lease_close(struct fs_irq_lease *l, const char *why)
{
	struct fs_irq *irq = l->irq;
	GSource *watch = l->watch;

	g_info("vector %u of %s: no longer with process %d (%s)", l->vector, fs_irq_mode_name(irq->mode),
	       (int)l->pid, why);
	irq->leases[l->vector] = NULL;
	shutdown(l->conn, SHUT_RDWR);
	close(l->conn);
	l->conn = -1;
	/*
	 * The source owns l: destroying it frees l at once, or once a callback
	 * running now has returned.  l is not touched after this.
	 */
	g_source_destroy(watch);
	g_source_unref(watch);
}

void fs_irq_leases_end(struct fs_irq *irq, const char *why)
{
	for (unsigned v = 0; v < irq->nvec; v++)
		if (irq->leases[v])
			lease_close(irq->leases[v], why);
}

/*
 * The program let go: VFIO signals the daemon's eventfd again and the
 * irq file's readers see the vector.  An INTx the program left masked is
 * unmasked, so that an interrupt still pending reaches the readers.  Lock held.
 */
static void take_back(struct fs_irq_lease *l)
{
	struct fs_irq *irq = l->irq;
	unsigned v = l->vector;
	int err;

	/* Each step on its own: a failed one must not keep the other from being undone. */
	if (l->unmask && (err = fs_errno_of(vfio_irq_set_unmask_fd(l->vdev, irq->index, v, -1))))
		g_warning("%s: the unmask eventfd of process %d stays registered: %s", l->vdev->name,
			  (int)l->pid, g_strerror(err));
	err = fs_errno_of(vfio_irq_set_trigger(l->vdev, irq->index, v, irq->fds[v]));
	if (err)
		g_warning("%s: vector %u cannot be taken back from process %d: %s; "
			  "the irq file will not see it until the mode is set again",
			  l->vdev->name, v, (int)l->pid, g_strerror(err));
	fs_irq_watch(irq, v);
	if (irq->mode == FS_IRQ_INTX && irq->intx_automasked) {
		g_atomic_int_set(&irq->intx_on, 1);
		irq->intx_masked = false;
		vfio_irq_unmask(l->vdev, irq->index, 0);
	}
	lease_close(l, "it closed the connection");
}

/* The connection became readable: end of file (or an error) means the program let go. */
static gboolean on_conn(gint fd, GIOCondition condition, gpointer data)
{
	struct fs_irq_lease *l = data;
	struct fs_irq *irq = l->irq;
	char scratch[256];
	ssize_t n;

	(void)condition;
	g_mutex_lock(&irq->lock);
	/* Ended while this callback waited for the lock: fd may be another file now. */
	if (g_source_is_destroyed(g_main_current_source())) {
		g_mutex_unlock(&irq->lock);
		return G_SOURCE_REMOVE;
	}
	/* Bytes a program sends after its request mean nothing: they are dropped. */
	n = recv(fd, scratch, sizeof(scratch), MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		take_back(l);
	g_mutex_unlock(&irq->lock);
	return G_SOURCE_CONTINUE;
}

/* The reason a request for vector cannot be served now (*errnum: its errno), or NULL. Lock held. */
static char *refusal(struct fs_irq *irq, unsigned vector, int *errnum)
{
	if (irq->gone) {
		*errnum = ENODEV;
		return g_strdup("the device was detached");
	}
	*errnum = EINVAL;  /* as the irq file's "trigger V" answers the same mistakes */
	if (irq->mode == FS_IRQ_OFF)
		return g_strdup("interrupts are off: write msi N, msix N or intx to irq first");
	if (vector >= irq->nvec)
		return g_strdup_printf("vector %u: %s has %u vector(s) on", vector, fs_irq_mode_name(irq->mode),
				       irq->nvec);
	if (irq->leases[vector]) {
		*errnum = EBUSY;
		return g_strdup_printf("vector %u is handed out to process %d already", vector,
				       (int)irq->leases[vector]->pid);
	}
	return NULL;
}

/*
 * The eventfds a program gets: the trigger and, for an INTx the device
 * masks, the unmask.  0 with *n of them in fds, or a positive errno.
 */
static int make_eventfds(struct fs_irq *irq, int fds[FS_HANDOFF_MAX_FDS], int *n)
{
	*n = irq->mode == FS_IRQ_INTX && irq->intx_automasked ? 2 : 1;
	for (int i = 0; i < *n; i++) {
		/* Blocking: the program waits in read(2) as on any VFIO eventfd of its own. */
		fds[i] = eventfd(0, EFD_CLOEXEC);
		if (fds[i] < 0) {
			int err = errno;

			for (int j = 0; j < i; j++)
				close(fds[j]);
			*n = 0;
			return err;
		}
	}
	return 0;
}

/* Registers the program's eventfds with VFIO; 0, or an errno with the daemon's back in place. */
static int register_fds(struct fs_irq *irq, struct vfio_device *vdev, unsigned v, const int *fds,
			unsigned n)
{
	int err = fs_errno_of(vfio_irq_set_trigger(vdev, irq->index, v, fds[0]));

	if (err || n < 2)
		return err;
	err = fs_errno_of(vfio_irq_set_unmask_fd(vdev, irq->index, v, fds[1]));
	if (err)
		vfio_irq_set_trigger(vdev, irq->index, v, irq->fds[v]);
	return err;
}

static void add_lease(struct fs_irq *irq, struct vfio_device *vdev, unsigned v, int conn, pid_t pid,
		      bool unmask)
{
	struct fs_irq_lease *l = g_new0(struct fs_irq_lease, 1);

	*l = (struct fs_irq_lease){ fs_irq_ref(irq), vdev, v, unmask, conn, pid, NULL };
	l->watch = g_unix_fd_source_new(conn, G_IO_IN | G_IO_HUP | G_IO_ERR);
	g_source_set_callback(l->watch, G_SOURCE_FUNC(on_conn), l, lease_free);
	g_source_attach(l->watch, fs_event_loop_context(irq->loop));
	irq->leases[v] = l;
	/* The program ends its INTx itself now: BAR accesses must not. */
	if (irq->mode == FS_IRQ_INTX) {
		g_atomic_int_set(&irq->intx_on, 0);
		/* One the daemon took in just before is the readers'; the line must not stay masked. */
		if (irq->intx_masked)
			vfio_irq_unmask(vdev, irq->index, 0);
		irq->intx_masked = false;
	}
	g_info("%s: vector %u of %s handed out to process %d", vdev->name, v, fs_irq_mode_name(irq->mode),
	       (int)pid);
}

/*
 * Sends "ok N" with the program's eventfds; if it cannot, VFIO gets the
 * daemon's eventfd back.  0 or EPIPE.
 */
static int answer(struct fs_irq *irq, struct vfio_device *vdev, unsigned v, int conn, const int *fds,
		  int n, char **why)
{
	char line[32];

	snprintf(line, sizeof(line), "ok %d\n", n);
	if (fs_handoff_send(conn, line, fds, n, true))
		return 0;
	*why = g_strdup("the answer could not be sent");
	if (n > 1)
		vfio_irq_set_unmask_fd(vdev, irq->index, v, -1);
	vfio_irq_set_trigger(vdev, irq->index, v, irq->fds[v]);
	return EPIPE;  /* nobody left to tell: the program went away */
}

static int lend_locked(struct fs_irq *irq, struct vfio_device *vdev, unsigned v, int conn, pid_t pid,
		       char **why)
{
	int fds[FS_HANDOFF_MAX_FDS], n, err;

	*why = refusal(irq, v, &err);
	if (*why)
		return err;
	err = make_eventfds(irq, fds, &n);
	if (err) {
		*why = g_strdup_printf("no eventfd: %s", g_strerror(err));
		return err;
	}
	err = register_fds(irq, vdev, v, fds, n);
	if (err) {
		*why = g_strdup_printf("vector %u cannot be handed out: %s", v, g_strerror(err));
	} else {
		/* What the daemon's eventfd counted before the switch is the readers'. */
		fs_irq_take_events(irq, v);
		err = answer(irq, vdev, v, conn, fds, n, why);
	}
	/* VFIO (or the server) holds its own reference, the program its copy. */
	for (int i = 0; i < n; i++)
		close(fds[i]);
	if (err)
		return err;
	fs_irq_unwatch(irq, v);
	add_lease(irq, vdev, v, conn, pid, n > 1);
	return 0;
}

int fs_irq_lend(struct fs_irq *irq, struct vfio_device *vdev, unsigned vector, int conn, pid_t pid,
		char **why)
{
	int err;

	g_mutex_lock(&irq->lock);
	err = lend_locked(irq, vdev, vector, conn, pid, why);
	g_mutex_unlock(&irq->lock);
	return err;
}

void fs_irq_lease_describe(struct fs_irq *irq, unsigned v, GString *out)
{
	if (irq->leases && irq->leases[v])
		g_string_append_printf(out, "irq.vector.%u.handed_out %d\n", v, (int)irq->leases[v]->pid);
}
