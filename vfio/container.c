/*
 * The shared IOVA space: one allocator and one list of mappings, fed to every
 * transport's DMA space.  A device attached later gets every mapping before it
 * is usable; a mapping one space refuses is undone in the others.
 */
#define G_LOG_DOMAIN "container"
#include "vfio/container_private.h"
#include "vfio/device.h"
#include "vfio/error.h"
#include "vfio/iova.h"

#include <string.h>
#include <unistd.h>

struct vfio_container *vfio_container_new(const struct vfio_container_options *o)
{
	struct vfio_container *c = g_new0(struct vfio_container, 1);

	c->opts = *o;
	if (!c->opts.iova_max)
		c->opts.iova_max = UINT64_MAX;
	c->devices = g_ptr_array_new();
	c->mappings = g_ptr_array_new();
	c->spaces = g_ptr_array_new();
	c->iova = vfio_iova_allocator_new(c->opts.iova_max);
	c->backends = g_new0(struct vfio_backend *, vfio_backend_count);
	g_mutex_init(&c->lock);
	g_rw_lock_init(&c->map_lock);
	return c;
}

static void backend_close(struct vfio_backend *b)
{
	if (!b)
		return;
	if (b->ops->close)
		b->ops->close(b);
	g_array_unref(b->iova_ranges);
	g_free(b);
}

void vfio_container_free(struct vfio_container *c)
{
	if (!c)
		return;
	while (c->mappings->len)
		vfio_container_unmap(c, ((struct vfio_dma_mapping *)c->mappings->pdata[0])->iova, NULL);
	while (c->devices->len)
		vfio_container_detach(c, g_ptr_array_index(c->devices, c->devices->len - 1));
	for (unsigned i = 0; i < vfio_backend_count; i++)
		backend_close(c->backends[i]);
	g_free(c->backends);
	g_ptr_array_unref(c->devices);
	g_ptr_array_unref(c->mappings);
	g_ptr_array_unref(c->spaces);
	vfio_iova_allocator_free(c->iova);
	g_mutex_clear(&c->lock);
	g_rw_lock_clear(&c->map_lock);
	g_free(c);
}

static struct vfio_device *find_locked(struct vfio_container *c, const char *name)
{
	for (guint i = 0; i < c->devices->len; i++) {
		struct vfio_device *d = g_ptr_array_index(c->devices, i);

		if (strcmp(d->name, name) == 0)
			return d;
	}
	return NULL;
}

bool vfio_container_has_device(struct vfio_container *c, const char *name)
{
	bool found;

	g_mutex_lock(&c->lock);
	found = find_locked(c, name) != NULL;
	g_mutex_unlock(&c->lock);
	return found;
}

bool vfio_container_pins(struct vfio_container *c)
{
	bool pins;

	g_mutex_lock(&c->lock);
	pins = c->kernel != NULL;
	g_mutex_unlock(&c->lock);
	return pins;
}

/* The container's mappings, as the backends reach them for DMA requests. */
static ssize_t reach_mappings(void *owner, uint64_t iova, size_t len, bool whole, vfio_dma_fn fn,
			      void *data)
{
	return vfio_container_dma_access(owner, iova, len, whole, fn, data);
}

/*
 * Backend i's state, opened with its first device: no /dev/vfio for
 * vfio-user alone.  Lock held.
 */
static struct vfio_backend *backend_get(struct vfio_container *c, unsigned i, GError **err)
{
	const struct vfio_backend_ops *ops = vfio_backends[i];
	struct vfio_backend *b;

	if (c->backends[i])
		return c->backends[i];
	if (ops->kernel && c->kernel) {
		vfio_set_error(err, EBUSY, "the mount's kernel devices use %s: one kernel interface a mount",
			       c->kernel->ops->name);
		return NULL;
	}
	b = g_new0(struct vfio_backend, 1);
	*b = (struct vfio_backend){
		.ops = ops, .container = c, .reach = { reach_mappings, c },
		.timeout_ms = c->opts.user_timeout_ms, .dma_by_message = c->opts.user_dma_by_message,
		.fd = -1, .iova_ranges = g_array_new(FALSE, FALSE, sizeof(struct vfio_iova_span)),
	};
	if (ops->open && !ops->open(b, err)) {
		backend_close(b);
		return NULL;
	}
	c->backends[i] = b;
	if (ops->kernel)
		c->kernel = b;
	return b;
}

static struct vfio_device *device_new(struct vfio_container *c, const char *name)
{
	struct vfio_device *d = g_new0(struct vfio_device, 1);

	d->container = c;
	d->fd = -1;
	d->group = -1;
	g_strlcpy(d->name, name, sizeof(d->name));
	return d;
}

/* Lock held: the name is free (EEXIST otherwise). */
static bool name_free(struct vfio_container *c, const char *name, GError **err)
{
	if (!find_locked(c, name))
		return true;
	vfio_set_error(err, EEXIST, "%s is already attached", name);
	return false;
}

static int backend_of(struct vfio_container *c, const char *source, GError **err)
{
	int i = vfio_backend_for(&c->opts, source);

	if (i < 0)
		vfio_set_error(err, EINVAL, "%s: neither a PCI address (dddd:bb:dd.f) nor the absolute "
			       "path of a vfio-user socket", source);
	return i;
}

char *vfio_container_device_name(struct vfio_container *c, const char *source, GError **err)
{
	int i = backend_of(c, source, err);

	return i < 0 ? NULL : vfio_backends[i]->device_name(source, err);
}

static bool space_joined(const struct vfio_container *c, const struct vfio_dma_space *s)
{
	for (guint i = 0; i < c->spaces->len; i++)
		if (c->spaces->pdata[i] == s)
			return true;
	return false;
}

/*
 * Lock held: a backend's shared space receives the mappings exactly while
 * the backend has an IOMMU (the kernel drops every mapping with the
 * IOMMU, and a new IOMMU gets them all back).
 */
static bool sync_backend_space(struct vfio_container *c, struct vfio_backend *b, GError **err)
{
	bool joined = b->space.ops && space_joined(c, &b->space);

	if (b->space.ops && b->iommu_model && !joined)
		return vfio_container_join_space(c, &b->space, err);
	if (!b->iommu_model && joined)
		vfio_container_leave_space(c, &b->space);
	return true;
}

/* Lock held: lets go of d's DMA spaces and of d itself in b. */
static void take_down(struct vfio_container *c, struct vfio_backend *b, struct vfio_device *d)
{
	if (d->dma_space)
		vfio_container_leave_space(c, d->dma_space);
	vfio_device_teardown(d);
	b->ops->detach_device(b, d);
	sync_backend_space(c, b, NULL);
}

/*
 * Lock held: d, named and reached by b, is set up and reaches every
 * mapping before anyone can use it.
 */
static bool bring_up(struct vfio_container *c, struct vfio_backend *b, struct vfio_device *d,
		     const char *source, GError **err)
{
	if (!b->ops->attach_device(b, d, source, err))
		return false;
	d->backend = b;
	if (!sync_backend_space(c, b, err))
		goto err_take_down;
	if (!vfio_device_setup(d, err))
		goto err_take_down;
	if (d->dma_space && !vfio_container_join_space(c, d->dma_space, err)) {
		g_prefix_error(err, "%s: ", d->name);
		goto err_take_down;
	}
	/* Lost on the way (a mapping it did not take): no directory that only says ENODEV. */
	if (vfio_device_is_lost(d)) {
		vfio_set_error(err, EIO, "%s: the device was lost while it was attached (the log says why)",
			       d->name);
		goto err_take_down;
	}
	return true;

err_take_down:
	take_down(c, b, d);
	return false;
}

struct vfio_device *vfio_container_attach(struct vfio_container *c, const char *source,
					  const char *name, GError **err)
{
	struct vfio_backend *b;
	struct vfio_device *d;
	int i = backend_of(c, source, err);

	if (i < 0)
		return NULL;
	g_mutex_lock(&c->lock);
	if (!name_free(c, name, err) || !(b = backend_get(c, (unsigned)i, err)))
		goto err_unlock;
	d = device_new(c, name);
	if (!bring_up(c, b, d, source, err))
		goto err_free;
	g_ptr_array_add(c->devices, d);
	if (c->serving && b->ops->serve)
		b->ops->serve(b, d);
	g_mutex_unlock(&c->lock);
	if (d->group >= 0)
		g_info("attached %s (IOMMU group %d)", d->name, d->group);
	else
		g_info("attached %s (%s, %s)", d->name, d->ops->transport, source);
	return d;

err_free:
	g_free(d);
err_unlock:
	g_mutex_unlock(&c->lock);
	return NULL;
}

void vfio_container_serve(struct vfio_container *c)
{
	g_mutex_lock(&c->lock);
	c->serving = true;
	for (guint i = 0; i < c->devices->len; i++) {
		struct vfio_device *d = c->devices->pdata[i];

		if (d->backend->ops->serve)
			d->backend->ops->serve(d->backend, d);
	}
	g_mutex_unlock(&c->lock);
}

void vfio_container_detach(struct vfio_container *c, struct vfio_device *d)
{
	g_mutex_lock(&c->lock);
	g_ptr_array_remove(c->devices, d);
	take_down(c, d->backend, d);
	g_mutex_unlock(&c->lock);
	g_info("detached %s", d->name);
	g_free(d);
}

static void mapping_free(struct vfio_dma_mapping *m)
{
	g_free(m->label);
	g_free(m);
}

/* The index of the first mapping that ends at or after iova. */
static guint mapping_index_from(GPtrArray *mappings, uint64_t iova)
{
	guint lo = 0, hi = mappings->len;

	while (lo < hi) {
		guint mid = (lo + hi) / 2;
		const struct vfio_dma_mapping *m = mappings->pdata[mid];

		if (m->iova + m->size - 1 < iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct vfio_dma_mapping *mapping_from(const struct vfio_container *c, uint64_t iova)
{
	guint i = mapping_index_from(c->mappings, iova);

	return i < c->mappings->len ? c->mappings->pdata[i] : NULL;
}

/* Lock held: the valid IOVA ranges are the kernel IOMMU's, or all of them without one. */
static void update_ranges(struct vfio_container *c)
{
	static const struct vfio_iova_span all = { 0, UINT64_MAX };
	struct vfio_backend *k = c->kernel;

	if (k && k->iommu_model)
		vfio_iova_set_ranges(c->iova, (const struct vfio_iova_span *)k->iova_ranges->data,
				     k->iova_ranges->len);
	else
		vfio_iova_set_ranges(c->iova, &all, 1);
}

static bool take_iova(struct vfio_container *c, uint64_t size, uint64_t align,
		      const uint64_t *fixed_iova, uint64_t *iova, GError **err)
{
	update_ranges(c);
	if (!fixed_iova)
		return vfio_iova_alloc(c->iova, size, align, iova, err);
	*iova = *fixed_iova;
	return vfio_iova_reserve(c->iova, *iova, size, err);
}

bool vfio_container_check_iova(struct vfio_container *c, uint64_t iova, uint64_t size, GError **err)
{
	bool ok;

	g_mutex_lock(&c->lock);
	update_ranges(c);
	ok = vfio_iova_check(c->iova, iova, size ? size : 1, err);
	g_mutex_unlock(&c->lock);
	return ok;
}

/*
 * One transport call of a fan-out: m into (or out of) s.  A space behind a
 * round trip gets the call in two halves, so that many are in flight at
 * once and the cost is the slowest answer, not the sum of them.
 */
struct dma_job {
	struct vfio_dma_space *s;
	const struct vfio_dma_mapping *m;
	bool tried;     /* sent (or done, for a space that answers at once) */
	bool in_flight; /* sent, its answer still to collect */
	bool ok;
	GError *err;
};

/* How many mappings one space that joins late has in flight at once. */
#define JOIN_WINDOW 32u

static void job_send(struct dma_job *j, bool map)
{
	const struct vfio_dma_space_ops *o = j->s->ops;
	bool (*send)(struct vfio_dma_space *, const struct vfio_dma_mapping *, GError **) =
		map ? o->map_send : o->unmap_send;

	j->tried = true;
	if (send) {
		j->ok = send(j->s, j->m, &j->err);
		j->in_flight = j->ok;
	} else {
		j->ok = (map ? o->map : o->unmap)(j->s, j->m, &j->err);
	}
}

static void job_collect(struct dma_job *j, bool map)
{
	const struct vfio_dma_space_ops *o = j->s->ops;

	if (!j->in_flight)
		return;
	j->in_flight = false;
	j->ok = (map ? o->map_wait : o->unmap_wait)(j->s, j->m, &j->err);
}

/*
 * Runs n jobs with at most window of them in flight, answers collected in
 * the order of sending.  With stop, nothing more is sent once one failed
 * (those in flight are still collected): a map that one space refuses is
 * undone, not pushed on to the rest.
 */
static void jobs_run(struct dma_job *jobs, guint n, bool map, guint window, bool stop)
{
	guint next = 0, oldest = 0;
	bool failed = false;

	while (oldest < n) {
		struct dma_job *j;

		if (next < n && next - oldest < window && !(stop && failed)) {
			j = &jobs[next++];
			job_send(j, map);
		} else if (oldest < next) {
			j = &jobs[oldest++];
			job_collect(j, map);
		} else {
			break;
		}
		failed |= !j->ok && !j->in_flight;
	}
}

static void jobs_free(struct dma_job *jobs, guint n)
{
	for (guint i = 0; i < n; i++)
		g_clear_error(&jobs[i].err);
	g_free(jobs);
}

/* The first failed job's error goes to err (if any failed); each one is logged. */
static bool jobs_result(struct dma_job *jobs, guint n, bool log, GError **err)
{
	bool ok = true;

	for (guint i = 0; i < n; i++) {
		if (!jobs[i].tried || jobs[i].ok)
			continue;
		if (log)
			g_warning("%s: %s", jobs[i].s->name, jobs[i].err->message);
		if (ok)
			g_propagate_error(err, g_steal_pointer(&jobs[i].err));
		ok = false;
	}
	return ok;
}

/* Undoes the jobs that succeeded (unmaps what they mapped), several at a time. */
static void jobs_undo(struct dma_job *jobs, guint n, guint window)
{
	struct dma_job *undo = g_new0(struct dma_job, n);
	guint k = 0;

	for (guint i = 0; i < n; i++)
		if (jobs[i].tried && jobs[i].ok)
			undo[k++] = (struct dma_job){ .s = jobs[i].s, .m = jobs[i].m };
	jobs_run(undo, k, false, window, false);
	jobs_free(undo, k);
}

/*
 * m into (or out of) every space at once: the spaces behind a round trip
 * first, so that their requests are on the way while a space that answers
 * at once (the kernel's IOMMU, which pins the memory) does its work.
 */
static struct dma_job *jobs_for_spaces(struct vfio_container *c, const struct vfio_dma_mapping *m)
{
	struct dma_job *jobs = g_new0(struct dma_job, c->spaces->len);
	guint n = 0;

	for (int split = 1; split >= 0; split--)
		for (guint i = 0; i < c->spaces->len; i++) {
			struct vfio_dma_space *s = c->spaces->pdata[i];

			if ((s->ops->map_send != NULL) == split)
				jobs[n++] = (struct dma_job){ .s = s, .m = m };
		}
	return jobs;
}

/* Unmaps m from every space, sent to all before any answer is awaited; the first failure goes to err. */
static bool unmap_from_spaces(struct vfio_container *c, const struct vfio_dma_mapping *m, GError **err)
{
	guint n = c->spaces->len;
	struct dma_job *jobs = jobs_for_spaces(c, m);
	bool ok;

	jobs_run(jobs, n, false, n, false);
	ok = jobs_result(jobs, n, true, err);
	jobs_free(jobs, n);
	return ok;
}

/* Maps m into every space the same way; a refusal is undone in the spaces that took it. */
static bool map_into_spaces(struct vfio_container *c, const struct vfio_dma_mapping *m, GError **err)
{
	guint n = c->spaces->len;
	struct dma_job *jobs = jobs_for_spaces(c, m);
	bool ok;

	jobs_run(jobs, n, true, n, true);
	ok = jobs_result(jobs, n, false, err);
	if (!ok)
		jobs_undo(jobs, n, n);
	jobs_free(jobs, n);
	return ok;
}

bool vfio_container_map(struct vfio_container *c, void *vaddr, int fd, uint64_t size,
			uint64_t align, uint64_t page_size, const uint64_t *fixed_iova,
			const char *label, uint64_t *iova, GError **err)
{
	struct vfio_dma_mapping *m;
	bool ok = false;

	g_mutex_lock(&c->lock);
	if (!c->spaces->len) {
		vfio_set_error(err, ENODEV, "no device is attached, so there is no IOMMU to map into");
		goto out;
	}
	if (!take_iova(c, size, align, fixed_iova, iova, err))
		goto out;
	m = g_new0(struct vfio_dma_mapping, 1);
	*m = (struct vfio_dma_mapping){
		.iova = *iova, .size = size, .page_size = page_size, .vaddr = vaddr,
		.fd = fd, .fd_offset = 0, .label = g_strdup(label),
	};
	if (!map_into_spaces(c, m, err)) {
		vfio_iova_release(c->iova, *iova);
		mapping_free(m);
		goto out;
	}
	g_rw_lock_writer_lock(&c->map_lock);
	g_ptr_array_insert(c->mappings, mapping_index_from(c->mappings, *iova), m);
	g_rw_lock_writer_unlock(&c->map_lock);
	ok = true;
out:
	g_mutex_unlock(&c->lock);
	return ok;
}

bool vfio_container_unmap(struct vfio_container *c, uint64_t iova, GError **err)
{
	struct vfio_dma_mapping *m;
	guint i;
	bool ok;

	g_mutex_lock(&c->lock);
	i = mapping_index_from(c->mappings, iova);
	if (i == c->mappings->len || (m = c->mappings->pdata[i])->iova != iova) {
		vfio_set_error(err, ENOENT, "no mapping starts at IOVA %#" G_GINT64_MODIFIER "x", iova);
		g_mutex_unlock(&c->lock);
		return false;
	}
	/* Out of the list first: a server's DMA request now misses it instead of racing the unmap. */
	g_rw_lock_writer_lock(&c->map_lock);
	g_ptr_array_remove_index(c->mappings, i);
	g_rw_lock_writer_unlock(&c->map_lock);
	ok = unmap_from_spaces(c, m, err);
	vfio_iova_release(c->iova, m->iova);
	mapping_free(m);
	g_mutex_unlock(&c->lock);
	return ok;
}

void vfio_container_relabel(struct vfio_container *c, uint64_t iova, const char *label)
{
	g_mutex_lock(&c->lock);
	g_rw_lock_writer_lock(&c->map_lock);
	for (guint i = 0; i < c->mappings->len; i++) {
		struct vfio_dma_mapping *m = c->mappings->pdata[i];

		if (m->iova == iova) {
			g_free(m->label);
			m->label = g_strdup(label);
		}
	}
	g_rw_lock_writer_unlock(&c->map_lock);
	g_mutex_unlock(&c->lock);
}

bool vfio_container_join_space(struct vfio_container *c, struct vfio_dma_space *s, GError **err)
{
	guint n = c->mappings->len;
	struct dma_job *jobs = g_new0(struct dma_job, n);
	bool ok;

	for (guint i = 0; i < n; i++)
		jobs[i] = (struct dma_job){ .s = s, .m = c->mappings->pdata[i] };
	jobs_run(jobs, n, true, JOIN_WINDOW, true);
	ok = jobs_result(jobs, n, false, err);
	if (ok)
		g_ptr_array_add(c->spaces, s);
	else
		jobs_undo(jobs, n, JOIN_WINDOW);
	jobs_free(jobs, n);
	return ok;
}

void vfio_container_leave_space(struct vfio_container *c, struct vfio_dma_space *s)
{
	g_ptr_array_remove(c->spaces, s);
}

/* Map lock held: [iova, iova + len) lies in back-to-back mappings. */
static bool covered(const struct vfio_container *c, uint64_t iova, size_t len)
{
	uint64_t at = iova, end = iova + len;
	const struct vfio_dma_mapping *m;

	if (end < iova)
		return false;
	while (at < end) {
		m = mapping_from(c, at);
		if (!m || m->iova > at)
			return false;
		at = m->iova + m->size;
		if (at == 0)  /* a mapping that ends at the top of the space */
			return true;
	}
	return true;
}

ssize_t vfio_container_dma_access(struct vfio_container *c, uint64_t iova, size_t len, bool whole,
				  vfio_dma_fn fn, void *data)
{
	const struct vfio_dma_mapping *m;
	size_t done = 0;
	ssize_t rc = 0;

	g_rw_lock_reader_lock(&c->map_lock);
	m = mapping_from(c, iova);
	if (!m || m->iova > iova || (whole && !covered(c, iova, len))) {
		g_rw_lock_reader_unlock(&c->map_lock);
		return -EFAULT;
	}
	do {
		uint64_t at = iova + done;
		size_t n = MIN(len - done, m->iova + m->size - at);

		rc = fn((char *)m->vaddr + (at - m->iova), n, done, data);
		done += n;
	} while (rc >= 0 && whole && done < len && (m = mapping_from(c, iova + done)));
	g_rw_lock_reader_unlock(&c->map_lock);
	return rc < 0 ? rc : (ssize_t)done;
}

bool vfio_container_label_at(struct vfio_container *c, uint64_t iova, char *label, size_t size,
			     uint64_t *offset)
{
	const struct vfio_dma_mapping *m;
	bool found;

	g_rw_lock_reader_lock(&c->map_lock);
	m = mapping_from(c, iova);
	found = m && m->iova <= iova;
	if (found) {
		g_strlcpy(label, m->label ? m->label : "", size);
		*offset = iova - m->iova;
	}
	g_rw_lock_reader_unlock(&c->map_lock);
	return found;
}

uint64_t vfio_container_dma_size(struct vfio_container *c)
{
	struct vfio_backend *k;
	uint64_t top;

	g_mutex_lock(&c->lock);
	k = c->kernel;
	if (!c->spaces->len) {
		g_mutex_unlock(&c->lock);
		return 0;  /* no device, no IOMMU, no address space */
	}
	top = (k && k->iommu_model && k->iova_ranges->len)
		? g_array_index(k->iova_ranges, struct vfio_iova_span, k->iova_ranges->len - 1).last
		: UINT64_MAX;
	top = MIN(top, c->opts.iova_max);
	g_mutex_unlock(&c->lock);
	/* off_t is signed: the space above 2^63 cannot be addressed through a file */
	return top >= (uint64_t)INT64_MAX ? (uint64_t)INT64_MAX : top + 1;
}

off_t vfio_container_dma_seek(struct vfio_container *c, off_t off, int whence)
{
	const struct vfio_dma_mapping *m;
	uint64_t end;

	if (off < 0 || (uint64_t)off >= vfio_container_dma_size(c))
		return -ENXIO;
	g_rw_lock_reader_lock(&c->map_lock);
	m = mapping_from(c, off);
	if (whence == SEEK_DATA) {
		off = m ? (off_t)MAX((uint64_t)off, m->iova) : -ENXIO;
	} else if (m && m->iova <= (uint64_t)off) {
		/* A hole starts where a run of back-to-back mappings ends. */
		for (end = m->iova + m->size; (m = mapping_from(c, end)) && m->iova == end;)
			end += m->size;
		off = end;
	}
	g_rw_lock_reader_unlock(&c->map_lock);
	return off;
}

static void device_info_clear(gpointer p)
{
	struct vfio_container_device_info *d = p;

	g_free(d->name);
	g_free(d->transport);
}

static void mapping_info_clear(gpointer p)
{
	g_free(((struct vfio_container_mapping_info *)p)->label);
}

static void info_add_kernel(struct vfio_container_info *info, const struct vfio_backend *k)
{
	info->backend = k ? k->ops->name : "none";
	info->iommu_model = k && k->iommu_model ? k->iommu_model : "none";
	info->page_sizes = k && k->iommu_model ? k->page_sizes : 0;
	if (k && k->iommu_model)
		g_array_append_vals(info->ranges, k->iova_ranges->data, k->iova_ranges->len);
}

struct vfio_container_info *vfio_container_info_take(struct vfio_container *c)
{
	struct vfio_container_info *info = g_new0(struct vfio_container_info, 1);

	info->ranges = g_array_new(FALSE, FALSE, sizeof(struct vfio_iova_span));
	info->mappings = g_array_new(FALSE, FALSE, sizeof(struct vfio_container_mapping_info));
	g_array_set_clear_func(info->mappings, mapping_info_clear);
	info->devices = g_array_new(FALSE, FALSE, sizeof(struct vfio_container_device_info));
	g_array_set_clear_func(info->devices, device_info_clear);
	info->spaces = g_ptr_array_new_with_free_func(g_free);
	g_mutex_lock(&c->lock);
	info_add_kernel(info, c->kernel);
	/* vfio-user alone: no IOMMU limits the space; servers map whole pages of the daemon's. */
	if (c->spaces->len && !info->ranges->len) {
		g_array_append_val(info->ranges, ((struct vfio_iova_span){ 0, UINT64_MAX }));
		info->page_sizes = (uint64_t)sysconf(_SC_PAGESIZE);
	}
	for (guint i = 0; i < c->mappings->len; i++) {
		const struct vfio_dma_mapping *m = c->mappings->pdata[i];
		struct vfio_container_mapping_info mi = { m->iova, m->size, m->page_size, g_strdup(m->label) };

		g_array_append_val(info->mappings, mi);
	}
	for (guint i = 0; i < c->devices->len; i++) {
		const struct vfio_device *d = c->devices->pdata[i];
		struct vfio_container_device_info di = {
			g_strdup(d->name), g_strdup(d->ops->transport), d->group,
		};

		g_array_append_val(info->devices, di);
	}
	for (guint i = 0; i < c->spaces->len; i++)
		g_ptr_array_add(info->spaces, g_strdup(((struct vfio_dma_space *)c->spaces->pdata[i])->name));
	g_mutex_unlock(&c->lock);
	return info;
}

void vfio_container_info_free(struct vfio_container_info *info)
{
	if (!info)
		return;
	g_array_unref(info->ranges);
	g_array_unref(info->mappings);
	g_array_unref(info->devices);
	g_ptr_array_unref(info->spaces);
	g_free(info);
}
