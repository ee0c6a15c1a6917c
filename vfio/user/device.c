/*
 * The vfio-user transport behind struct vfio_device_ops: a device served
 * over a UNIX socket.  Region accesses are REGION_READ/REGION_WRITE
 * messages (one per access, width unchanged), areas the server offers with
 * a descriptor are mapped, interrupts are eventfds handed over with
 * DEVICE_SET_IRQS, and the connection is a DMA space of its own that the
 * container feeds every mapping (DMA_MAP with the buffer's memfd, or
 * without one: the server then moves data with DMA_READ/DMA_WRITE, which
 * vfio_user_conn.c serves from the container).
 */
#define G_LOG_DOMAIN "vfio-user-device"
#include "trace/trace_hub.h"
#include "vfio/backend.h"
#include "vfio/device.h"
#include "vfio/dma_space.h"
#include "vfio/error.h"
#include "vfio/fault_guard.h"
#include "vfio/user/user.h"
#include "vfio/user/conn.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Largest data payload we accept from the server in one message. */
#define CLIENT_MAX_XFER (1024u * 1024u)
/* A region info reply never needs more room than this (capability chains are short). */
#define REGION_INFO_MAX 65536u

struct vu_device {
	struct vfio_device *d;
	struct vfio_user_conn *conn;
	char *socket_path;
	bool dma_by_message;
	bool descriptors;        /* as far as we know, the link carries descriptors */
	bool irq_warned;
	GArray *region_fds;      /* int: the regions' descriptors, closed in close */
	struct vfio_dma_space space;
	char *space_name;
	GQueue in_flight;        /* struct vu_pending *: DMA_MAP/UNMAP sent, answers to collect */
	struct vfio_dma_reach reach;  /* the buffers, for the server's DMA requests */
};

static struct vu_device *vu_of(const struct vfio_device *d)
{
	return d->priv;
}

/* A call with a single payload piece. */
static int call_simple(struct vu_device *vu, uint16_t command, const void *payload, size_t len,
		       struct vfio_user_call *call)
{
	struct iovec iov = { (void *)payload, len };

	*call = (struct vfio_user_call){ .command = command, .iov = &iov, .niov = len ? 1 : 0 };
	return vfio_user_conn_call(vu->conn, call);
}

/* --------------------------------------------------------- message DMA */

struct dma_copy {
	uint8_t *buf;
	bool write;
};

static int dma_copy_fn(void *mem, size_t len, size_t done, void *data)
{
	struct dma_copy *cp = data;

	/* The buffer's memfd is held by others too: a fault there is an error, not a signal. */
	if (cp->write)
		return vfio_guarded_copy(mem, cp->buf + done, len);
	return vfio_guarded_copy(cp->buf + done, mem, len);
}

/* Serves the server's DMA_READ/DMA_WRITE from the buffers mapped at that IOVA. */
static int vu_dma(void *data, uint64_t addr, void *buf, size_t count, bool write)
{
	struct vu_device *vu = data;
	struct dma_copy cp = { buf, write };
	ssize_t n;

	int rc;

	if (!vu->reach.access)
		return -EFAULT;
	n = vu->reach.access(vu->reach.owner, addr, count, true, dma_copy_fn, &cp);
	rc = n < 0 ? (int)n : (size_t)n == count ? 0 : -EFAULT;
	/* the server's DMA as a trace line (DMAR: it read our memory), its buffer named by fs/ */
	if (vu->d->trace_dma && trace_hub_active(vu->d->trace))
		vu->d->trace_dma(vu->d, addr, count, write, rc < 0 ? -rc : 0);
	return rc;
}

/* ----------------------------------------------------------------- query */

static bool query_failed(struct vu_device *vu, int rc, const char *what, GError **err)
{
	vfio_set_error(err, rc == -ENODEV || rc == -EIO ? EIO : -rc,
		       "%s: the vfio-user server did not answer %s: %s", vu->d->name, what,
		       g_strerror(-rc));
	return false;
}

static bool get_device_info(struct vu_device *vu, struct vfio_device_info *info, GError **err)
{
	struct vfio_device_info q = { .argsz = 16 };
	struct vfio_user_call call;
	const char *why = NULL;
	int rc = call_simple(vu, VFIO_USER_CMD_DEVICE_GET_INFO, &q, 16, &call);

	if (rc < 0)
		return query_failed(vu, rc, "DEVICE_GET_INFO", err);
	if (!vfio_user_device_info_parse(call.reply, call.reply_len, info, &why)) {
		vfio_user_call_clear(&call);
		vfio_user_conn_fail(vu->conn, "sent a malformed DEVICE_GET_INFO reply");
		vfio_set_error(err, EIO, "%s: the vfio-user server sent %s", vu->d->name, why);
		return false;
	}
	vfio_user_call_clear(&call);
	return true;
}

/* Asks for region index with room for argsz bytes of answer. */
static int region_info_call(struct vu_device *vu, unsigned index, uint32_t argsz,
			    struct vfio_user_call *call, struct vfio_user_region_info *ri)
{
	struct vfio_region_info q = { .argsz = argsz, .index = index };
	const char *why = NULL;
	int rc = call_simple(vu, VFIO_USER_CMD_DEVICE_GET_REGION_INFO, &q, sizeof(q), call);

	if (rc < 0)
		return rc;
	if (!vfio_user_region_info_parse(call->reply, call->reply_len, ri, &why) ||
	    ri->info.index != index) {
		vfio_user_region_info_clear(ri);
		vfio_user_call_clear(call);
		vfio_user_conn_fail(vu->conn, "sent a malformed DEVICE_GET_REGION_INFO reply");
		return -EIO;
	}
	return 0;
}

static void add_area(struct vfio_region *r, uint64_t offset, uint64_t size)
{
	struct vfio_mmap_area a = { .offset = offset, .size = size };

	g_array_append_val(r->areas, a);
}

/* Fills r from the reply; keeps the region's descriptor, if one came. */
static void fill_region(struct vu_device *vu, struct vfio_region *r, struct vfio_user_region_info *ri,
			struct vfio_user_call *call)
{
	r->flags = ri->info.flags;
	r->size = ri->info.size;
	r->fd_offset = ri->info.offset;
	if (!r->size || !(r->flags & VFIO_REGION_INFO_FLAG_MMAP))
		return;
	if (ri->sparse) {
		for (guint i = 0; i < ri->areas->len; i++) {
			const struct vfio_user_area *a = &g_array_index(ri->areas, struct vfio_user_area, i);

			add_area(r, a->offset, a->size);
		}
	} else {
		add_area(r, 0, r->size);
	}
	if (call->nreply_fds) {
		/* One descriptor per region; the reply owns the rest, closed with it. */
		r->mmap_fd = call->reply_fds[0];
		call->reply_fds[0] = -1;
		g_array_append_val(vu->region_fds, r->mmap_fd);
	} else if (ri->sparse) {
		/* Areas with a capability but no descriptor: the link dropped it. */
		vu->descriptors = false;
	}
}

static int query_region(struct vu_device *vu, struct vfio_region *r, unsigned index)
{
	struct vfio_user_region_info ri;
	struct vfio_user_call call;
	int rc;

	r->index = index;
	r->name = vfio_region_name(index);
	r->mmap_fd = -1;
	r->areas = g_array_new(FALSE, FALSE, sizeof(struct vfio_mmap_area));
	rc = region_info_call(vu, index, sizeof(struct vfio_region_info), &call, &ri);
	/* Caps and the descriptor come only when we make room for them. */
	if (rc == 0 && ri.info.argsz > sizeof(struct vfio_region_info) &&
	    ri.info.argsz <= REGION_INFO_MAX) {
		uint32_t room = ri.info.argsz;

		vfio_user_region_info_clear(&ri);
		vfio_user_call_clear(&call);
		rc = region_info_call(vu, index, room, &call, &ri);
	}
	if (rc == -ENODEV || rc == -EIO)
		return rc;
	if (rc == 0) {
		fill_region(vu, r, &ri, &call);
		vfio_user_region_info_clear(&ri);
		vfio_user_call_clear(&call);
	}
	/* A region the server refuses to describe is simply absent (size 0). */
	return 0;
}

static int query_irq(struct vu_device *vu, struct vfio_irq_index *irq, unsigned index)
{
	struct vfio_irq_info q = { .argsz = sizeof(q), .index = index }, info;
	struct vfio_user_call call;
	const char *why = NULL;
	int rc = call_simple(vu, VFIO_USER_CMD_DEVICE_GET_IRQ_INFO, &q, sizeof(q), &call);

	if (rc == -ENODEV || rc == -EIO)
		return rc;
	if (rc < 0)
		return 0;
	if (!vfio_user_irq_info_parse(call.reply, call.reply_len, &info, &why) || info.index != index) {
		vfio_user_call_clear(&call);
		vfio_user_conn_fail(vu->conn, "sent a malformed DEVICE_GET_IRQ_INFO reply");
		return -EIO;
	}
	irq->flags = info.flags;
	irq->count = info.count;
	vfio_user_call_clear(&call);
	return 0;
}

static bool vu_query(struct vfio_device *d, GError **err)
{
	struct vu_device *vu = vu_of(d);
	struct vfio_device_info info;
	int rc;

	if (!get_device_info(vu, &info, err) ||
	    !vfio_device_take_info(d, &info, "the vfio-user server does not offer a PCI device", err))
		return false;
	for (unsigned i = 0; i < d->num_regions; i++)
		if ((rc = query_region(vu, &d->regions[i], i)) < 0)
			return query_failed(vu, rc, "DEVICE_GET_REGION_INFO", err);
	for (unsigned i = 0; i < d->num_irqs; i++)
		if ((rc = query_irq(vu, &d->irqs[i], i)) < 0)
			return query_failed(vu, rc, "DEVICE_GET_IRQ_INFO", err);
	return true;
}

/* --------------------------------------------------------- region access */

/* One REGION_READ or REGION_WRITE of count bytes (at most the transfer size). */
static int access_one(struct vu_device *vu, const struct vfio_region *r, uint8_t *buf,
		      uint32_t count, uint64_t off, bool write)
{
	struct vfio_user_region_access a = { .offset = off, .region = r->index, .count = count };
	struct iovec iov[2] = { { &a, sizeof(a) }, { buf, count } };
	struct vfio_user_call call = {
		.command = write ? VFIO_USER_CMD_REGION_WRITE : VFIO_USER_CMD_REGION_READ,
		.iov = iov, .niov = write ? 2 : 1,
	};
	const char *why;
	int rc = vfio_user_conn_call(vu->conn, &call);

	if (rc == -EIO || rc == -ENODEV)
		return rc;
	if (rc < 0) {
		/* The device model refused the access: the caller sees an I/O error. */
		g_debug("%s %s: %s of %u bytes at %#" G_GINT64_MODIFIER "x refused by the server: %s",
			vu->d->name, r->name, write ? "write" : "read", count, off, g_strerror(-rc));
		return -EIO;
	}
	if (!vfio_user_region_reply_check(call.reply, call.reply_len, &a, !write, &why)) {
		vfio_user_call_clear(&call);
		vfio_user_conn_fail(vu->conn, "sent a region access reply that does not match the request");
		return -EIO;
	}
	if (!write)
		memcpy(buf, (uint8_t *)call.reply + sizeof(a), count);
	vfio_user_call_clear(&call);
	return 0;
}

/* One access of width bytes; wider than a message allows only if a caller ever asks. */
static int vu_access(struct vfio_device *d, const struct vfio_region *r, uint8_t *buf,
		     unsigned width, uint64_t off, bool write)
{
	struct vu_device *vu = vu_of(d);
	uint32_t max = vfio_user_conn_max_xfer(vu->conn);

	for (unsigned done = 0; done < width;) {
		uint32_t n = MIN(width - done, max);
		int rc = access_one(vu, r, buf + done, n, off + done, write);

		if (rc < 0)
			return rc;
		done += n;
	}
	return 0;
}

static int vu_read(struct vfio_device *d, const struct vfio_region *r, void *buf, unsigned width,
		   uint64_t off)
{
	return vu_access(d, r, buf, width, off, false);
}

static int vu_write(struct vfio_device *d, const struct vfio_region *r, const void *buf,
		    unsigned width, uint64_t off)
{
	return vu_access(d, r, (uint8_t *)buf, width, off, true);
}

/* Without the region's descriptor (r->mmap_fd -1) this is NULL and the area is reached by messages. */
static void *vu_map_area(struct vfio_device *d, const struct vfio_region *r,
			 const struct vfio_mmap_area *a)
{
	return vfio_region_map_area(d, r, a);
}

/* ------------------------------------------------------------ interrupts */

static int set_irqs_one(struct vu_device *vu, unsigned index, unsigned start, unsigned count,
			uint32_t flags, const int32_t *fds, unsigned nfds)
{
	struct vfio_irq_set s = { .argsz = sizeof(s), .flags = flags, .index = index,
				  .start = start, .count = count };
	struct iovec iov = { &s, sizeof(s) };
	struct vfio_user_call call = { .command = VFIO_USER_CMD_DEVICE_SET_IRQS, .iov = &iov, .niov = 1,
				       .fds = fds, .nfds = nfds };
	int rc = vfio_user_conn_call(vu->conn, &call);

	vfio_user_call_clear(&call);
	return rc;
}

static bool eventfds_possible(struct vu_device *vu, const char *why_not)
{
	if (!vu->irq_warned)
		g_warning("%s: vfio-user can deliver interrupts only as eventfds, and %s",
			  vu->d->name, why_not);
	vu->irq_warned = true;
	return false;
}

static int vu_set_irqs(struct vfio_device *d, unsigned index, unsigned start, unsigned count,
		       uint32_t flags, const int32_t *fds)
{
	struct vu_device *vu = vu_of(d);
	uint32_t per_msg = vfio_user_conn_caps(vu->conn)->max_msg_fds;

	if (!(flags & VFIO_IRQ_SET_DATA_EVENTFD) || count == 0)
		return set_irqs_one(vu, index, start, count, flags, NULL, 0);
	if (!vu->descriptors) {
		eventfds_possible(vu, "this link carries no descriptors");
		return -EOPNOTSUPP;
	}
	if (per_msg == 0) {
		eventfds_possible(vu, "this server accepts no descriptors");
		return -EOPNOTSUPP;
	}
	for (unsigned i = 0; i < count; i++)
		if (fds[i] < 0)
			return -EINVAL;  /* "unassign one vector" has no form on the wire */
	/* At most max_msg_fds descriptors per message: the vectors in slices. */
	for (unsigned done = 0; done < count;) {
		unsigned n = MIN(count - done, per_msg);
		int rc = set_irqs_one(vu, index, start + done, n, flags, fds + done, n);

		if (rc < 0)
			return rc;
		done += n;
	}
	return 0;
}

static int vu_reset(struct vfio_device *d)
{
	struct vu_device *vu = vu_of(d);
	struct vfio_user_call call;
	int rc;

	if (!(d->flags & VFIO_DEVICE_FLAGS_RESET))
		return -ENOTTY;
	rc = call_simple(vu, VFIO_USER_CMD_DEVICE_RESET, NULL, 0, &call);
	vfio_user_call_clear(&call);
	return rc;
}

/* ------------------------------------------------------------ info, close */

static bool dma_by_fd(const struct vu_device *vu)
{
	return !vu->dma_by_message && vu->descriptors;
}

static void vu_describe(struct vfio_device *d, GString *out)
{
	struct vu_device *vu = vu_of(d);
	const struct vfio_user_caps *caps = vfio_user_conn_caps(vu->conn);

	g_string_append_printf(out, "socket %s\n", vu->socket_path);
	g_string_append_printf(out, "vfio_user.version %u.%u\n", caps->major, caps->minor);
	g_string_append_printf(out, "vfio_user.max_data_xfer_size %u\n", vfio_user_conn_max_xfer(vu->conn));
	g_string_append_printf(out, "vfio_user.max_msg_fds %u\n", caps->max_msg_fds);
	g_string_append_printf(out, "vfio_user.twin_socket %s\n",
			       vfio_user_conn_has_twin(vu->conn) ? "yes" : "no");
	g_string_append_printf(out, "vfio_user.descriptors %s\n", vu->descriptors ? "yes" : "no");
	g_string_append_printf(out, "vfio_user.dma %s\n", dma_by_fd(vu) ? "fd" : "message");
}

static void vu_free(struct vu_device *vu)
{
	vfio_user_conn_free(vu->conn);
	for (guint i = 0; i < vu->region_fds->len; i++)
		close(g_array_index(vu->region_fds, int, i));
	g_array_free(vu->region_fds, TRUE);
	g_free(vu->socket_path);
	g_free(vu->space_name);
	g_free(vu);
}

static void vu_close(struct vfio_device *d)
{
	struct vu_device *vu = vu_of(d);

	if (!vu)
		return;
	/*
	 * The thread ends first: no DMA request is served from here on.  The
	 * regions may already be gone (teardown frees them first): their
	 * descriptors are closed from our own list.
	 */
	vu_free(vu);
	for (unsigned i = 0; i < d->num_regions; i++)
		d->regions[i].mmap_fd = -1;
	d->priv = NULL;
	d->dma_space = NULL;
}

static const struct vfio_device_ops vfio_user_device_ops = {
	.transport = "vfio-user",
	.name_key = "name",
	.query = vu_query,
	.read = vu_read,
	.write = vu_write,
	.map_area = vu_map_area,
	.set_irqs = vu_set_irqs,
	.reset = vu_reset,
	.describe = vu_describe,
	.close = vu_close,
};

/* --------------------------------------------------------------- DMA space */

static bool space_failed(struct vu_device *vu, int rc, const char *cmd, const struct vfio_dma_mapping *m,
			 GError **err)
{
	vfio_set_error(err, EIO,
		       "%s: the vfio-user server refused %s of %s at IOVA %#" G_GINT64_MODIFIER "x: %s",
		       vu->d->name, cmd, m->label ? m->label : "a buffer", m->iova, g_strerror(-rc));
	return false;
}

/*
 * A DMA_MAP or DMA_UNMAP sent and not yet answered.  The space's calls in
 * flight are a queue (answers come back in the order of sending), touched
 * only under the container's lock; the connection is held from the first
 * send to the last answer.
 */
struct vu_pending {
	struct vfio_user_call call;
	struct iovec iov;
	union {
		struct vfio_user_dma_map map;
		struct vfio_user_dma_unmap unmap;
	} msg;
	int rc;  /* the send's result: not 0, nothing is in flight */
};

static void pending_send(struct vu_device *vu, struct vu_pending *p)
{
	if (g_queue_is_empty(&vu->in_flight))
		vfio_user_conn_begin(vu->conn);
	p->rc = vfio_user_conn_send(vu->conn, &p->call);
	g_queue_push_tail(&vu->in_flight, p);
}

/* The oldest call's answer: 0 or -errno, as vfio_user_conn_call. */
static int pending_collect(struct vu_device *vu)
{
	struct vu_pending *p = g_queue_pop_head(&vu->in_flight);
	int rc = p->rc ? p->rc : vfio_user_conn_collect(vu->conn, &p->call);

	vfio_user_call_clear(&p->call);
	g_free(p);
	if (g_queue_is_empty(&vu->in_flight))
		vfio_user_conn_end(vu->conn);
	return rc;
}

static bool space_map_send(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err)
{
	struct vu_device *vu = s->priv;
	struct vu_pending *p = g_new0(struct vu_pending, 1);

	(void)err;
	p->msg.map = (struct vfio_user_dma_map){
		.argsz = sizeof(p->msg.map), .flags = VFIO_USER_DMA_READ | VFIO_USER_DMA_WRITE,
		.addr = m->iova, .size = m->size,
	};
	p->iov = (struct iovec){ &p->msg.map, sizeof(p->msg.map) };
	p->call = (struct vfio_user_call){ .command = VFIO_USER_CMD_DMA_MAP, .iov = &p->iov, .niov = 1 };
	if (dma_by_fd(vu) && m->fd >= 0) {
		p->msg.map.offset = m->fd_offset;
		p->call.fds = &m->fd;
		p->call.nfds = 1;
	}
	pending_send(vu, p);
	return true;
}

static bool space_map_wait(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err)
{
	struct vu_device *vu = s->priv;
	int rc = pending_collect(vu);

	/* A server that is gone reaches no memory: its failure must not refuse the buffer to the others. */
	if (rc < 0 && vfio_user_conn_broken(vu->conn))
		return true;
	return rc < 0 ? space_failed(vu, rc, "DMA_MAP", m, err) : true;
}

static bool space_unmap_send(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err)
{
	struct vu_device *vu = s->priv;
	struct vu_pending *p = g_new0(struct vu_pending, 1);

	(void)err;
	p->msg.unmap = (struct vfio_user_dma_unmap){
		.argsz = sizeof(p->msg.unmap), .addr = m->iova, .size = m->size,
	};
	p->iov = (struct iovec){ &p->msg.unmap, sizeof(p->msg.unmap) };
	p->call = (struct vfio_user_call){ .command = VFIO_USER_CMD_DMA_UNMAP, .iov = &p->iov, .niov = 1 };
	pending_send(vu, p);
	return true;
}

static bool space_unmap_wait(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err)
{
	struct vu_device *vu = s->priv;
	int rc = pending_collect(vu);

	/* A server that is gone holds no mapping any more: nothing left to undo. */
	if (rc < 0 && vfio_user_conn_broken(vu->conn))
		return true;
	return rc < 0 ? space_failed(vu, rc, "DMA_UNMAP", m, err) : true;
}

static bool space_map(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err)
{
	return space_map_send(s, m, err) && space_map_wait(s, m, err);
}

static bool space_unmap(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err)
{
	return space_unmap_send(s, m, err) && space_unmap_wait(s, m, err);
}

static const struct vfio_dma_space_ops vfio_user_space_ops = {
	.map = space_map,
	.unmap = space_unmap,
	.map_send = space_map_send,
	.map_wait = space_map_wait,
	.unmap_send = space_unmap_send,
	.unmap_wait = space_unmap_wait,
};

/* ---------------------------------------------------------------- connect */

static struct vfio_user_conn *connect_and_negotiate(struct vu_device *vu, const char *path,
						    const struct vfio_user_options *o, bool twin,
						    GError **err)
{
	struct vfio_user_conn_options co = {
		.name = vu->d->name,
		.timeout_ms = o && o->timeout_ms ? o->timeout_ms : VFIO_USER_DEFAULT_TIMEOUT_MS,
		.max_data_xfer_size = CLIENT_MAX_XFER,
		.dma = vu_dma,
		.dma_data = vu,
	};
	struct vfio_user_conn *c = vfio_user_conn_connect(path, &co, err);

	if (c && !vfio_user_conn_negotiate(c, twin, err)) {
		vfio_user_conn_free(c);
		return NULL;
	}
	return c;
}

/*
 * A twin socket whose descriptor never arrived: the server would send its
 * DMA requests into a socket nobody reads.  Start over without asking for
 * one, so that they come on the main socket (the server must accept a new
 * client; libvfio-user's do, one after another).
 */
static bool reconnect_without_twin(struct vu_device *vu, const char *path,
				   const struct vfio_user_options *o, GError **err)
{
	g_message("%s: the link to %s dropped the twin socket's descriptor; "
		  "reconnecting without a twin socket (no descriptors: DMA and regions by message)",
		  vu->d->name, path);
	vfio_user_conn_free(vu->conn);
	vu->descriptors = false;
	vu->conn = connect_and_negotiate(vu, path, o, false, err);
	if (!vu->conn)
		g_prefix_error(err, "%s: the link to %s drops descriptors, and the server did not take a "
			       "second connection without a twin socket (does it serve only one client?): ",
			       vu->d->name, path);
	return vu->conn != NULL;
}

/* The server is gone for good: every file of the device answers ENODEV, waiting readers too. */
static void vu_lost(void *data)
{
	vfio_device_mark_lost(data);
}

bool vfio_user_connect(struct vfio_device *d, const char *socket_path,
		       const struct vfio_user_options *o, GError **err)
{
	struct vu_device *vu = g_new0(struct vu_device, 1);

	vu->d = d;
	vu->socket_path = g_strdup(socket_path);
	vu->dma_by_message = o && o->dma_by_message;
	if (o)
		vu->reach = o->reach;
	vu->descriptors = true;
	vu->region_fds = g_array_new(FALSE, FALSE, sizeof(int));
	vu->conn = connect_and_negotiate(vu, socket_path, o, true, err);
	if (vu->conn && vfio_user_conn_twin_lost(vu->conn) &&
	    !reconnect_without_twin(vu, socket_path, o, err))
		vu->conn = NULL;
	if (!vu->conn) {
		vu_free(vu);
		return false;
	}
	vu->space_name = g_strdup_printf("vfio-user %s", d->name);
	vu->space = (struct vfio_dma_space){ .ops = &vfio_user_space_ops, .name = vu->space_name,
					     .priv = vu };
	d->ops = &vfio_user_device_ops;
	d->priv = vu;
	d->dma_space = &vu->space;
	d->fd = -1;
	d->group = -1;
	vfio_user_conn_on_broken(vu->conn, vu_lost, d);
	return true;
}

/* ------------------------------------------------------ the backend entry */

static bool user_claims(const struct vfio_container_options *o, const char *source)
{
	(void)o;
	return source[0] == '/';
}

/* The socket's file name without ".sock": /run/fpga0.sock is fpga0. */
static char *user_device_name(const char *socket_path, GError **err)
{
	g_autofree char *base = g_path_get_basename(socket_path);
	size_t len = strlen(base);

	if (g_str_has_suffix(base, ".sock") && len > 5)
		base[len - 5] = '\0';
	if (!g_path_is_absolute(socket_path) || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
	    strcmp(base, "/") == 0 || strlen(base) >= VFIO_DEVICE_NAME_MAX) {
		vfio_set_error(err, EINVAL, "%s: cannot name a device directory after this socket "
			       "(give an absolute path whose file name is not container, dma, . or ..)",
			       socket_path);
		return NULL;
	}
	return g_steal_pointer(&base);
}

static bool user_attach_device(struct vfio_backend *b, struct vfio_device *d, const char *source,
			       GError **err)
{
	struct vfio_user_options o = {
		.timeout_ms = b->timeout_ms,
		.dma_by_message = b->dma_by_message,
		.reach = b->reach,
	};

	return vfio_user_connect(d, source, &o, err);
}

void vfio_user_serve(struct vfio_device *d)
{
	vfio_user_conn_serve(vu_of(d)->conn);
}

static void user_serve(struct vfio_backend *b, struct vfio_device *d)
{
	(void)b;
	vfio_user_serve(d);
}

/* Teardown closed the connection; the server forgets its mappings with it. */
static void user_detach_device(struct vfio_backend *b, struct vfio_device *d)
{
	(void)b;
	(void)d;
}

const struct vfio_backend_ops vfio_user_backend = {
	.name = "vfio-user",
	.claims = user_claims,
	.device_name = user_device_name,
	.attach_device = user_attach_device,
	.serve = user_serve,
	.detach_device = user_detach_device,
};
