/*
 * The ioctls of include/vfiofs.h.
 *
 * FUSE hands a file system only "restricted" ioctls: the kernel copies
 * _IOC_SIZE(cmd) bytes in, out or both, as the number's direction says,
 * and has already failed the call with EFAULT if it could not.  So each
 * command is checked against its number (direction, size) and its file
 * before anything happens, and device commands go through the functions
 * behind the text interface (fs_irq_apply, the reset sequence): both
 * interfaces check, change and report alike.
 */
#define G_LOG_DOMAIN "ioctl"
#include "fs/ioctl.h"
#include "fs/access.h"
#include "fs/device_dir.h"
#include "fs/dma_buffer.h"
#include "fs/irq/irq.h"
#include "vfio/container.h"
#include "vfio/device.h"
#include "vfiofs.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/*
 * 32-bit callers (FUSE_IOCTL_COMPAT) are served as they are: every field
 * sits at its natural alignment, so i386 and x86-64 lay the structures out
 * alike and encode the same numbers.
 */
G_STATIC_ASSERT(sizeof(struct vfio_region_info) == 32);
G_STATIC_ASSERT(offsetof(struct vfiofs_region_info, nr_areas) == 32);
G_STATIC_ASSERT(offsetof(struct vfiofs_region_info, areas) == 40);
G_STATIC_ASSERT(sizeof(struct vfiofs_region_info) == 40 + 16 * VFIOFS_MAX_AREAS);
G_STATIC_ASSERT(sizeof(struct vfio_irq_info) == 16);
G_STATIC_ASSERT(sizeof(struct vfiofs_irq_set) == 16);
G_STATIC_ASSERT(offsetof(struct vfiofs_dma_info, flags) == 24);
G_STATIC_ASSERT(sizeof(struct vfiofs_dma_info) == 32);

/*
 * struct vfio_device_info in its largest version (with pad); the older ones
 * (16 bytes up to num_irqs, 20 with cap_offset) are prefixes of it.
 */
struct device_info_wire {
	uint32_t argsz, flags, num_regions, num_irqs, cap_offset, pad;
};
#define DEVICE_INFO_MIN (4 * sizeof(uint32_t))
G_STATIC_ASSERT(sizeof(struct vfio_device_info) >= DEVICE_INFO_MIN);
G_STATIC_ASSERT(sizeof(struct vfio_device_info) <= sizeof(struct device_info_wire));

struct call;

struct command {
	const char *name;
	unsigned int number;    /* as include/vfiofs.h defines it */
	size_t min_size;        /* _IOC_SIZE accepted, in bytes */
	size_t max_size;
	size_t step;            /* between accepted sizes (a struct that grew by fields); 0: one size */
	bool on_dma_buffer;     /* dma/NAME; else the files of a device directory */
	bool changes;           /* changes the device */
	int (*run)(struct call *c);  /* 0 or an errno */
};

/* One ioctl being answered. */
struct call {
	fuse_req_t req;
	struct fs_handle *h;
	const struct command *cmd;
	const void *in;             /* size bytes for commands that take an argument */
	size_t size;                /* _IOC_SIZE(cmd) */
	struct vfio_device *vdev;   /* device commands: taken with fs_device_read_lock() */
	union {
		struct device_info_wire device;
		struct vfiofs_region_info region;
		struct vfio_irq_info irq;
		struct vfiofs_dma_info dma;
	} out;                      /* what goes back, size bytes of it */
};

/* "0000:00:03.0/irq" or "dma/NAME", for log lines; tree lock not held. */
static char *file_name(const struct fs_handle *h)
{
	char *name;

	if (h->dev)
		return g_strdup_printf("%s/%s", h->dev->name, h->node->name);
	/* rename replaces a buffer's name under the tree lock. */
	g_mutex_lock(&h->fs->tree.lock);
	name = g_strdup_printf("%s%s", h->node->kind == FS_DMA_BUFFER ? "dma/" : "", h->node->name);
	g_mutex_unlock(&h->fs->tree.lock);
	return name;
}

/* Logs why the call is refused and returns err. */
G_GNUC_PRINTF(3, 4)
static int refuse(const struct call *c, int err, const char *fmt, ...)
{
	g_autofree char *where = file_name(c->h);
	g_autofree char *why = NULL;
	va_list ap;

	va_start(ap, fmt);
	why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_message("%s: ioctl %s: %s", where, c->cmd->name, why);
	return err;
}

/* ---- device commands: c->vdev is held ---- */

static int device_get_info(struct call *c)
{
	struct device_info_wire *info = &c->out.device;

	/* No capability chains through vfiofs: cap_offset stays 0. */
	info->argsz = (uint32_t)c->size;  /* at most 24 */
	info->flags = c->vdev->flags & ~VFIO_DEVICE_FLAGS_CAPS;
	info->num_regions = c->vdev->num_regions;
	info->num_irqs = c->vdev->num_irqs;
	return 0;
}

static void fill_areas(struct vfiofs_region_info *out, const struct vfio_region *r)
{
	out->nr_areas = MIN(r->areas->len, VFIOFS_MAX_AREAS);
	for (unsigned i = 0; i < out->nr_areas; i++) {
		const struct vfio_mmap_area *a = &g_array_index(r->areas, struct vfio_mmap_area, i);

		out->areas[i].offset = a->offset;
		out->areas[i].size = a->size;
	}
}

static int device_get_region_info(struct call *c)
{
	struct vfiofs_region_info *out = &c->out.region;
	struct vfiofs_region_info ask;
	const struct vfio_region *r;

	memcpy(&ask, c->in, sizeof(ask));  /* the request buffer need not be aligned */
	if (ask.info.argsz < sizeof(ask))
		return refuse(c, EINVAL, "argsz %u is less than sizeof(struct vfiofs_region_info), %zu",
			      ask.info.argsz, sizeof(ask));
	r = vfio_device_region(c->vdev, ask.info.index);
	if (!r && ask.info.index < c->vdev->num_regions) {
		/* Programs ask for every index to learn which BARs exist: that is no misuse. */
		g_debug("%s: region %u is not implemented", c->h->dev->name, ask.info.index);
		return EINVAL;
	}
	if (!r)
		return refuse(c, EINVAL, "the device has no region %u (it has %u)", ask.info.index,
			      c->vdev->num_regions);
	if (r->areas->len > VFIOFS_MAX_AREAS)
		g_message("%s region %u: only the first %d of %u mmap-able areas are reported",
			  c->h->dev->name, r->index, VFIOFS_MAX_AREAS, r->areas->len);
	out->info.argsz = sizeof(*out);
	/* The sparse-mmap capability is areas[] here; the caller's offset is not the daemon's. */
	out->info.flags = r->flags & ~VFIO_REGION_INFO_FLAG_CAPS;
	out->info.index = r->index;
	out->info.size = r->size;
	fill_areas(out, r);
	return 0;
}

static int device_get_irq_info(struct call *c)
{
	struct vfio_irq_info *out = &c->out.irq;
	const struct vfio_irq_index *irq;
	struct vfio_irq_info ask;

	memcpy(&ask, c->in, sizeof(ask));
	if (ask.argsz < sizeof(ask))
		return refuse(c, EINVAL, "argsz %u is less than sizeof(struct vfio_irq_info), %zu",
			      ask.argsz, sizeof(ask));
	irq = vfio_device_irq(c->vdev, ask.index);
	if (!irq)
		return refuse(c, EINVAL, "the device has no interrupt index %u (it has %u)", ask.index,
			      c->vdev->num_irqs);
	out->argsz = sizeof(*out);
	out->flags = irq->flags;
	out->index = irq->index;
	out->count = irq->count;
	return 0;
}

/* A field an action fixes: 0, or EINVAL unless it has that value. */
static int expect_field(const struct call *c, const char *action, const char *field,
			uint32_t got, uint32_t want)
{
	if (got == want)
		return 0;
	return refuse(c, EINVAL, "%s: %s must be %u, not %u", action, field, want, got);
}

/* SET_IRQS's index names the irq file's mode (fs/irq/irq_command.c); 0, or EINVAL if none. */
static int mode_of(const struct call *c, const char *action, const struct vfiofs_irq_set *s,
		   enum fs_irq_mode *mode)
{
	*mode = fs_irq_mode_of_index(s->index);
	if (*mode != FS_IRQ_OFF)
		return 0;
	return refuse(c, EINVAL, "%s: index %u is none of INTx (%d), MSI (%d), MSI-X (%d)", action,
		      s->index, VFIO_PCI_INTX_IRQ_INDEX, VFIO_PCI_MSI_IRQ_INDEX, VFIO_PCI_MSIX_IRQ_INDEX);
}

static int enable_command(const struct call *c, const struct vfiofs_irq_set *s,
			  struct fs_irq_command *out)
{
	enum fs_irq_mode mode;
	bool counted;
	g_autofree char *what = NULL;

	if (mode_of(c, "ENABLE", s, &mode))
		return EINVAL;
	counted = fs_irq_mode_info(mode)->counted;
	what = g_strdup_printf("ENABLE of %s", fs_irq_mode_name(mode));
	if (expect_field(c, "ENABLE", "start", s->start, 0) ||
	    (!counted && expect_field(c, what, "count", s->count, 1)))
		return EINVAL;
	out->verb = FS_IRQ_CMD_SET;
	out->mode = mode;
	out->arg = counted ? s->count : 0;  /* a count of 0 is refused as "msi 0" is */
	return 0;
}

/* DISABLE and TRIGGER name the mode they mean; fs_irq_apply checks it with the state locked. */
static int command_in_mode(const struct call *c, const char *action, const struct vfiofs_irq_set *s,
			   struct fs_irq_command *out)
{
	if (mode_of(c, action, s, &out->mode))
		return EINVAL;
	out->in_mode = true;
	return 0;
}

static int disable_command(const struct call *c, const struct vfiofs_irq_set *s,
			   struct fs_irq_command *out)
{
	if (expect_field(c, "DISABLE", "start", s->start, 0) ||
	    expect_field(c, "DISABLE", "count", s->count, 0))
		return EINVAL;
	out->verb = FS_IRQ_CMD_OFF;
	return command_in_mode(c, "DISABLE", s, out);
}

static int trigger_command(const struct call *c, const struct vfiofs_irq_set *s,
			   struct fs_irq_command *out)
{
	if (expect_field(c, "TRIGGER", "count", s->count, 1))
		return EINVAL;
	out->verb = FS_IRQ_CMD_TRIGGER;
	out->arg = s->start;
	return command_in_mode(c, "TRIGGER", s, out);
}

static int unmask_command(const struct call *c, const struct vfiofs_irq_set *s,
			  struct fs_irq_command *out)
{
	if (expect_field(c, "UNMASK", "index", s->index, VFIO_PCI_INTX_IRQ_INDEX) ||
	    expect_field(c, "UNMASK", "start", s->start, 0) ||
	    expect_field(c, "UNMASK", "count", s->count, 1))
		return EINVAL;
	out->verb = FS_IRQ_CMD_UNMASK;
	return 0;
}

/* The irq file's command that s stands for; 0 or EINVAL. */
static int irq_command_of(const struct call *c, const struct vfiofs_irq_set *s,
			  struct fs_irq_command *out)
{
	out->arg = 0;
	switch (s->action) {
	case VFIOFS_IRQ_ENABLE:
		return enable_command(c, s, out);
	case VFIOFS_IRQ_DISABLE:
		return disable_command(c, s, out);
	case VFIOFS_IRQ_TRIGGER:
		return trigger_command(c, s, out);
	case VFIOFS_IRQ_UNMASK:
		return unmask_command(c, s, out);
	}
	return refuse(c, EINVAL, "unknown action %u (ENABLE %d, DISABLE %d, TRIGGER %d, UNMASK %d)",
		      s->action, VFIOFS_IRQ_ENABLE, VFIOFS_IRQ_DISABLE, VFIOFS_IRQ_TRIGGER,
		      VFIOFS_IRQ_UNMASK);
}

static int device_set_irqs(struct call *c)
{
	struct fs_irq_command command = { 0 };
	struct vfiofs_irq_set set;
	int err;

	memcpy(&set, c->in, sizeof(set));
	err = irq_command_of(c, &set, &command);
	if (err)
		return err;
	/* fs_irq_apply logs its own refusals, as for the text command. */
	return fs_irq_apply(c->h->dev->irq, c->vdev, &command);
}

static int device_reset(struct call *c)
{
	int rc = fs_device_reset(c->h->dev, c->vdev);

	if (rc == ENOTTY)
		return refuse(c, ENOTTY, "the device offers no reset method (no FLR, PM or bus reset)");
	if (rc)
		return refuse(c, rc, "reset failed: %s", g_strerror(rc));
	g_info("%s: reset", c->h->dev->name);
	return 0;
}

/* ---- dma/NAME ---- */

static int dma_get_info(struct call *c)
{
	struct vfiofs_dma_info *out = &c->out.dma;

	if (fs_dma_buffer_info(c->h->node->buffer, &out->size, &out->iova, &out->page_size))
		out->flags = VFIOFS_DMA_MAPPED;
	return 0;
}

static const struct command commands[] = {
	/* 16, 20 and 24 bytes: the versions of struct vfio_device_info, one uint32_t apart. */
	{ "DEVICE_GET_INFO", VFIOFS_DEVICE_GET_INFO, DEVICE_INFO_MIN, sizeof(struct device_info_wire),
	  sizeof(uint32_t), false, false, device_get_info },
	{ "DEVICE_GET_REGION_INFO", VFIOFS_DEVICE_GET_REGION_INFO, sizeof(struct vfiofs_region_info),
	  sizeof(struct vfiofs_region_info), 0, false, false, device_get_region_info },
	{ "DEVICE_GET_IRQ_INFO", VFIOFS_DEVICE_GET_IRQ_INFO, sizeof(struct vfio_irq_info),
	  sizeof(struct vfio_irq_info), 0, false, false, device_get_irq_info },
	{ "DEVICE_SET_IRQS", VFIOFS_DEVICE_SET_IRQS, sizeof(struct vfiofs_irq_set),
	  sizeof(struct vfiofs_irq_set), 0, false, true, device_set_irqs },
	{ "DEVICE_RESET", VFIOFS_DEVICE_RESET, 0, 0, 0, false, true, device_reset },
	{ "DMA_GET_INFO", VFIOFS_DMA_GET_INFO, sizeof(struct vfiofs_dma_info),
	  sizeof(struct vfiofs_dma_info), 0, true, false, dma_get_info },
};

/* The command with cmd's type, number and direction; its size is checked later. */
static const struct command *find_command(unsigned int cmd)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(commands); i++) {
		unsigned int n = commands[i].number;

		if (_IOC_TYPE(cmd) == _IOC_TYPE(n) && _IOC_NR(cmd) == _IOC_NR(n) &&
		    _IOC_DIR(cmd) == _IOC_DIR(n))
			return &commands[i];
	}
	return NULL;
}

/*
 * A change through an ioctl takes what the same change through the text
 * file takes (one rule, fs/access.h): SET_IRQS writing irq, RESET writing
 * reset.  0 or EACCES, logged.
 */
static int may_change(const struct call *c)
{
	const char *file = c->cmd->number == VFIOFS_DEVICE_RESET ? "reset" : "irq";

	return fs_access_node(c->req, c->h->fs, c->h->node->ino, file, W_OK, c->cmd->name);
}

static bool size_accepted(const struct command *cmd, size_t size)
{
	if (size < cmd->min_size || size > cmd->max_size)
		return false;
	return cmd->step == 0 || (size - cmd->min_size) % cmd->step == 0;
}

static int refuse_size(const struct call *c)
{
	g_autofree char *expected = c->cmd->min_size == c->cmd->max_size
		? g_strdup_printf("%zu", c->cmd->min_size)
		: g_strdup_printf("%zu to %zu in steps of %zu", c->cmd->min_size, c->cmd->max_size,
				  c->cmd->step);

	return refuse(c, EINVAL, "the number encodes a %zu-byte argument, not %s: built against "
		      "another vfiofs.h or linux/vfio.h?", c->size, expected);
}

/* The checks that need no device: the file, the sizes, the caller. */
static int check(const struct call *c, size_t in_size, size_t out_size)
{
	const struct command *cmd = c->cmd;
	bool on_buffer = c->h->node->kind == FS_DMA_BUFFER;
	unsigned dir = _IOC_DIR(cmd->number);

	if (cmd->on_dma_buffer ? !on_buffer : !c->h->dev)
		return refuse(c, ENOTTY, "applies to %s only",
			      cmd->on_dma_buffer ? "dma/NAME" : "the files of a device directory");
	if (!size_accepted(cmd, c->size))
		return refuse_size(c);
	if (in_size != ((dir & _IOC_WRITE) ? c->size : 0) || out_size != ((dir & _IOC_READ) ? c->size : 0))
		return refuse(c, EINVAL, "%zu bytes in and %zu out do not match the number's %zu",
			      in_size, out_size, c->size);
	if (cmd->changes)
		return may_change(c);
	return 0;
}

static int run(struct call *c)
{
	int err;

	if (c->cmd->on_dma_buffer)
		return c->cmd->run(c);
	c->vdev = fs_device_read_lock(c->h->dev);
	if (!c->vdev)
		return refuse(c, ENODEV, "the device was detached");
	err = c->cmd->run(c);
	fs_device_read_unlock(c->h->dev);
	return err;
}

/* A number that names no command here: not ours at all, or ours with another direction. */
static void log_unknown(struct fs_handle *h, unsigned int cmd)
{
	g_autofree char *where = file_name(h);
	bool ours = _IOC_TYPE(cmd) == VFIOFS_IOCTL_TYPE && _IOC_NR(cmd) >= VFIOFS_IOCTL_BASE &&
		    _IOC_NR(cmd) < VFIOFS_IOCTL_BASE + 0x10;  /* vfiofs.h's range */

	/* isatty() and the like probe every file (TCGETS): a message for each would bury the rest. */
	if (ours)
		g_message("%s: ioctl %#x: vfiofs.h has no such number (unknown, or another direction)",
			  where, cmd);
	else
		g_debug("%s: ioctl %#x is not vfiofs's", where, cmd);
}

void fs_ioctl(fuse_req_t req, struct fs_handle *h, unsigned int cmd, unsigned flags,
	      const void *in, size_t in_size, size_t out_size)
{
	struct call c = { .req = req, .h = h, .in = in, .size = _IOC_SIZE(cmd) };
	int err;

	/* FUSE_IOCTL_COMPAT needs nothing: the layouts are the same (see the asserts above). */
	(void)flags;
	c.cmd = find_command(cmd);
	if (!c.cmd) {
		log_unknown(h, cmd);
		fuse_reply_err(req, ENOTTY);
		return;
	}
	err = check(&c, in_size, out_size);
	if (!err)
		err = run(&c);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_ioctl(req, 0, out_size ? &c.out : NULL, out_size);
}
