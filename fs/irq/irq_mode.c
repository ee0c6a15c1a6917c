/*
 * A device's interrupt mode: the struct's lifetime, the commands written to
 * the irq file (or sent as SET_IRQS), turning interrupts off when the
 * device is reset, detached or lost, the end of an INTx interrupt
 * (intx_eoi=bar), and the info lines.  The event sources are
 * fs/irq/irq_source.c's, the readers fs/irq/irq_reader.c's.
 */
#define G_LOG_DOMAIN "irq-mode"
#include "fs/irq/irq.h"
#include "fs/irq/irq_private.h"
#include "trace/trace_hub.h"
#include "vfio/device.h"
#include "vfio/irq.h"

#include <errno.h>
#include <linux/vfio.h>

struct fs_irq *fs_irq_ref(struct fs_irq *irq)
{
	g_atomic_int_inc(&irq->refs);
	return irq;
}

void fs_irq_unref(struct fs_irq *irq)
{
	if (!irq || !g_atomic_int_dec_and_test(&irq->refs))
		return;
	g_mutex_clear(&irq->lock);
	g_free(irq);
}

struct fs_irq *fs_irq_new(struct fs_event_loop *loop)
{
	struct fs_irq *irq = g_new0(struct fs_irq, 1);

	irq->refs = 1;
	g_mutex_init(&irq->lock);
	irq->loop = loop;
	return irq;
}

/* ---- mode changes, with irq->lock held ---- */

/* Forgets the current mode's vectors (VFIO already told); the mode becomes off. */
static void drop_vectors(struct fs_irq *irq, const char *why)
{
	if (irq->leases)
		fs_irq_leases_end(irq, why);
	g_clear_pointer(&irq->leases, g_free);
	fs_irq_sources_stop(irq);
	irq->nvec = 0;
	irq->mode = FS_IRQ_OFF;
	irq->epoch++;
	g_atomic_int_set(&irq->intx_on, 0);
	irq->intx_masked = false;
}

/*
 * A new mode failed after the old one was disabled: enable the old one
 * again with the daemon's own eventfds.  A program's eventfd is not
 * signalled any more, so its lease ends; its vector is watched again.
 */
static void restore_mode(struct fs_irq *irq, struct vfio_device *vdev)
{
	if (vfio_irq_enable(vdev, irq->index, irq->nvec, irq->fds) < 0) {
		drop_vectors(irq, "the interrupt mode could not be restored");
		return;
	}
	fs_irq_leases_end(irq, "the interrupt mode changed");
	for (unsigned v = 0; v < irq->nvec; v++)
		if (!irq->sources[v])
			fs_irq_watch(irq, v);
}

/* Switches to mode with nvec vectors; on failure the old mode is put back. 0 or a positive errno. */
static int set_mode(struct fs_irq *irq, struct vfio_device *vdev, enum fs_irq_mode mode,
		    unsigned nvec)
{
	unsigned index = fs_irq_mode_info(mode)->vfio_index;
	int32_t *fds;
	int err = fs_irq_eventfds_new(nvec, &fds);

	if (err)
		return err;
	if (irq->mode != FS_IRQ_OFF)
		vfio_irq_disable(vdev, irq->index);
	err = fs_errno_of(vfio_irq_enable(vdev, index, nvec, fds));
	if (err) {
		g_warning("%s: enabling %u %s vector(s) failed: %s", vdev->name, nvec,
			  fs_irq_mode_name(mode), g_strerror(err));
		fs_irq_eventfds_close(fds, nvec);
		if (irq->mode != FS_IRQ_OFF)
			restore_mode(irq, vdev);
		return err;
	}
	drop_vectors(irq, "the interrupt mode changed");
	irq->mode = mode;
	irq->index = index;
	irq->nvec = nvec;
	irq->leases = g_new0(struct fs_irq_lease *, nvec);
	irq->intx_automasked = mode == FS_IRQ_INTX &&
		(vfio_device_irq(vdev, VFIO_PCI_INTX_IRQ_INDEX)->flags & VFIO_IRQ_INFO_AUTOMASKED);
	g_atomic_int_set(&irq->intx_on, irq->intx_automasked);
	fs_irq_sources_start(irq, fds);
	/* An MSI is a memory write by the device: without bus mastering it is dropped. */
	if (mode != FS_IRQ_INTX && vfio_device_enable_bus_master(vdev) < 0)
		g_warning("%s: cannot enable bus mastering; MSI messages may be lost", vdev->name);
	g_info("%s: interrupts: %s, %u vector(s)", vdev->name, fs_irq_mode_name(mode), nvec);
	return 0;
}

static void turn_off(struct fs_irq *irq, struct vfio_device *vdev, const char *why)
{
	if (irq->mode != FS_IRQ_OFF)
		vfio_irq_disable(vdev, irq->index);
	drop_vectors(irq, why);
}

/* How many vectors of this mode the device offers. */
static unsigned offered(struct vfio_device *vdev, enum fs_irq_mode mode)
{
	const struct vfio_irq_index *info = vfio_device_irq(vdev, fs_irq_mode_info(mode)->vfio_index);

	return info ? info->count : 0;
}

/* Logs why a command is refused; EINVAL. */
static int refuse(struct vfio_device *vdev, const char *why)
{
	g_message("%s/irq: %s", vdev->name, why);
	return EINVAL;
}

/* "intx" (one vector), "msi N", "msix N": n is checked against what the device offers. */
static int set_mode_as_asked(struct fs_irq *irq, struct vfio_device *vdev, enum fs_irq_mode mode,
			     unsigned n)
{
	const struct fs_irq_mode_info *m = fs_irq_mode_info(mode);
	unsigned have = offered(vdev, mode);
	g_autofree char *why = NULL;

	if (!have)
		return refuse(vdev, m->none_offered);
	if (!m->counted)
		return set_mode(irq, vdev, mode, 1);
	if (n < 1 || n > have) {
		why = g_strdup_printf("%s %u: the device offers %u %s vector(s)", m->name, n, have, m->name);
		return refuse(vdev, why);
	}
	return set_mode(irq, vdev, mode, n);
}

void fs_irq_set_trace(struct fs_irq *irq, struct trace_hub *trace)
{
	g_mutex_lock(&irq->lock);
	irq->trace = trace;
	g_mutex_unlock(&irq->lock);
}

/* Lock held: a mode command as a trace line, after it, with its result (a positive errno). */
static int record_mode(struct fs_irq *irq, const struct fs_irq_command *cmd, int err)
{
	if (trace_hub_active(irq->trace)) {
		/* enum fs_irq_mode and enum trace_irq_mode list the modes in the same order */
		struct trace_event ev = { .kind = TRACE_MODE, .err = err,
					  .mode = cmd->verb == FS_IRQ_CMD_OFF ? TRACE_IRQ_OFF
									      : (enum trace_irq_mode)cmd->mode };

		if (ev.mode == TRACE_IRQ_MSI || ev.mode == TRACE_IRQ_MSIX)
			ev.count = cmd->arg;
		trace_hub_emit(irq->trace, &ev);
	}
	return err;
}

/* 0 or a positive errno. */
static int apply_locked(struct fs_irq *irq, struct vfio_device *vdev, const struct fs_irq_command *cmd)
{
	g_autofree char *why = NULL;

	/* "off" while off is fine whatever mode was named. */
	if (cmd->in_mode && irq->mode != cmd->mode &&
	    !(cmd->verb == FS_IRQ_CMD_OFF && irq->mode == FS_IRQ_OFF)) {
		why = g_strdup_printf("the command names %s, but the interrupts are %s",
				      fs_irq_mode_name(cmd->mode), fs_irq_mode_name(irq->mode));
		return refuse(vdev, why);
	}
	switch (cmd->verb) {
	case FS_IRQ_CMD_SET:
		return record_mode(irq, cmd, set_mode_as_asked(irq, vdev, cmd->mode, cmd->arg));
	case FS_IRQ_CMD_OFF:
		turn_off(irq, vdev, "interrupts were turned off");
		fs_irq_readers_release(irq, 0);
		return record_mode(irq, cmd, 0);
	case FS_IRQ_CMD_UNMASK:
		if (irq->mode != FS_IRQ_INTX)
			return refuse(vdev, "unmask: INTx is not enabled");
		if (!(vfio_device_irq(vdev, VFIO_PCI_INTX_IRQ_INDEX)->flags & VFIO_IRQ_INFO_MASKABLE))
			return refuse(vdev, "unmask: this device's INTx is not maskable (nothing to unmask)");
		irq->intx_masked = false;
		return fs_errno_of(vfio_irq_unmask(vdev, irq->index, 0));
	case FS_IRQ_CMD_TRIGGER:
		if (irq->mode == FS_IRQ_OFF || cmd->arg >= irq->nvec) {
			why = g_strdup_printf("trigger %u: %s", cmd->arg,
					      irq->mode == FS_IRQ_OFF ? "interrupts are off"
								      : "no such vector in this mode");
			return refuse(vdev, why);
		}
		return fs_errno_of(vfio_irq_trigger(vdev, irq->index, cmd->arg));
	}
	return EINVAL;
}

int fs_irq_apply(struct fs_irq *irq, struct vfio_device *vdev, const struct fs_irq_command *cmd)
{
	int err;

	g_mutex_lock(&irq->lock);
	err = apply_locked(irq, vdev, cmd);
	g_mutex_unlock(&irq->lock);
	return err;
}

void fs_irq_off(struct fs_irq *irq, struct vfio_device *vdev, const char *why)
{
	g_mutex_lock(&irq->lock);
	turn_off(irq, vdev, why);
	fs_irq_readers_release(irq, 0);
	g_mutex_unlock(&irq->lock);
}

void fs_irq_shutdown(struct fs_irq *irq, struct vfio_device *vdev)
{
	g_mutex_lock(&irq->lock);
	turn_off(irq, vdev, "the device was detached");
	irq->gone = true;
	irq->trace = NULL;
	fs_irq_readers_release(irq, ENODEV);
	g_mutex_unlock(&irq->lock);
}

void fs_irq_lost(struct fs_irq *irq)
{
	g_mutex_lock(&irq->lock);
	/* Nobody will signal a program's eventfd any more: its delivery has ended. */
	if (irq->leases)
		fs_irq_leases_end(irq, "the device was lost");
	irq->gone = true;
	fs_irq_readers_release(irq, ENODEV);
	g_mutex_unlock(&irq->lock);
}

/*
 * The end of an INTx interrupt is a BAR access that begins after the
 * interrupt fired: the write that raises it does not end it, the write that
 * acknowledges it does.  So the eventfd is read here too, in case the
 * acknowledge comes before the event loop has taken the interrupt in.
 */
bool fs_irq_eoi_begin(struct fs_irq *irq)
{
	bool pending = false;

	if (!g_atomic_int_get(&irq->intx_on))
		return false;
	g_mutex_lock(&irq->lock);
	if (irq->mode == FS_IRQ_INTX) {
		fs_irq_take_events(irq, 0);
		pending = irq->intx_masked;
	}
	g_mutex_unlock(&irq->lock);
	return pending;
}

void fs_irq_eoi_end(struct fs_irq *irq, struct vfio_device *vdev)
{
	g_mutex_lock(&irq->lock);
	if (irq->mode == FS_IRQ_INTX && irq->intx_masked && vfio_irq_unmask(vdev, irq->index, 0) == 0)
		irq->intx_masked = false;
	g_mutex_unlock(&irq->lock);
}

void fs_irq_describe(struct fs_irq *irq, GString *out)
{
	g_mutex_lock(&irq->lock);
	g_string_append_printf(out, "irq.mode %s\n", fs_irq_mode_name(irq->mode));
	g_string_append_printf(out, "irq.vectors %u\n", irq->nvec);
	for (unsigned v = 0; v < irq->nvec; v++) {
		g_string_append_printf(out, "irq.vector.%u.count %" G_GUINT64_FORMAT "\n", v, irq->counts[v]);
		fs_irq_lease_describe(irq, v, out);
	}
	g_mutex_unlock(&irq->lock);
}
