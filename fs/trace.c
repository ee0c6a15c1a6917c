/* Recording in fs/ (see fs/trace.h). */
#define G_LOG_DOMAIN "trace"
#include "fs/trace.h"
#include "fs/device_dir.h"
#include "fs/regs/regs.h"
#include "regmap/regmap.h"
#include "trace/trace_sink.h"
#include "vfio/container.h"
#include "vfio/device.h"

#include <string.h>

/* vfio/user's message DMA: name the buffer (never waits on a transport) and record it. */
static void on_message_dma(struct vfio_device *vdev, uint64_t iova, uint64_t len, bool write,
			   int err)
{
	struct vfiofs *fs = vdev->trace_data;
	struct trace_event ev = { .kind = write ? TRACE_DMAW : TRACE_DMAR, .size = len, .err = err };
	char label[256];

	if (vfio_container_label_at(fs->container, iova, label, sizeof(label), &ev.offset) &&
	    label[0]) {
		ev.name = label;
	} else {
		ev.name = (char *)"-";
		ev.offset = iova;
	}
	if (ev.size == 0)
		return;
	trace_hub_emit(vdev->trace, &ev);
}

/* -o trace=DIR: DIR/NAME.trace, from now on (its thread starts with the daemon). */
static void open_file(struct vfiofs *fs, struct fs_device *dev)
{
	g_autofree char *path = NULL;
	g_autoptr(GError) err = NULL;

	if (!fs->cfg.trace_dir)
		return;
	path = g_strdup_printf("%s/%s.trace", fs->cfg.trace_dir, dev->name);
	dev->trace_sink = trace_sink_open(dev->trace, path, &err);
	if (!dev->trace_sink) {
		g_warning("%s: not recorded: %s", dev->name, err->message);
		return;
	}
	fs_trace_reader_maps(fs, trace_sink_reader(dev->trace_sink));
}

/* The name regs/ gives the register at offset (exactly, of that width), for R and W lines. */
static bool register_name(void *data, unsigned region, uint64_t offset, unsigned width, char *name,
			  size_t size)
{
	struct fs_device *dev = data;
	bool found = false;

	g_mutex_lock(&dev->regs_lock);
	if (dev->regs && dev->regs->region == region) {
		GPtrArray *regs = dev->regs->map->regs;
		guint lo = 0, hi = regs->len;

		/* by offset, no two overlapping: a binary search */
		while (lo < hi) {
			guint mid = lo + (hi - lo) / 2;
			const struct regmap_register *r = regs->pdata[mid];

			if (r->offset < offset) {
				lo = mid + 1;
			} else if (r->offset > offset) {
				hi = mid;
			} else {
				found = r->bytes == width;
				if (found)
					g_strlcpy(name, r->path, size);
				break;
			}
		}
	}
	g_mutex_unlock(&dev->regs_lock);
	return found;
}

void fs_trace_attach(struct vfiofs *fs, struct fs_device *dev, struct vfio_device *vdev)
{
	dev->trace = trace_hub_new(vdev->name, vdev->ids.vendor, vdev->ids.device,
				   vdev->ops->transport);
	vdev->trace_dma = on_message_dma;
	vdev->trace_data = fs;
	vdev->trace_name = register_name;
	vdev->trace_name_data = dev;
	vdev->trace = dev->trace;
	open_file(fs, dev);
	/* lock order: the container's lock is never taken under trace_lock */
	g_mutex_lock(&fs->trace_lock);
	g_ptr_array_add(fs->traced, fs_device_ref(dev));
	if (fs->trace_started && dev->trace_sink)
		trace_sink_start(dev->trace_sink);
	g_mutex_unlock(&fs->trace_lock);
}

void fs_trace_detach(struct vfiofs *fs, struct fs_device *dev)
{
	g_mutex_lock(&fs->trace_lock);
	if (g_ptr_array_remove(fs->traced, dev))
		fs_device_unref(dev);
	g_mutex_unlock(&fs->trace_lock);
	trace_sink_close(dev->trace_sink);
	dev->trace_sink = NULL;
}

void fs_trace_start(struct vfiofs *fs)
{
	g_mutex_lock(&fs->trace_lock);
	fs->trace_started = true;
	for (guint i = 0; i < fs->traced->len; i++) {
		struct fs_device *dev = fs->traced->pdata[i];

		if (dev->trace_sink)
			trace_sink_start(dev->trace_sink);
	}
	g_mutex_unlock(&fs->trace_lock);
}

bool fs_trace_any(struct vfiofs *fs)
{
	bool any = false;

	g_mutex_lock(&fs->trace_lock);
	for (guint i = 0; !any && i < fs->traced->len; i++)
		any = trace_hub_active(((struct fs_device *)fs->traced->pdata[i])->trace);
	g_mutex_unlock(&fs->trace_lock);
	return any;
}

void fs_trace_all(struct vfiofs *fs, const struct trace_event *ev)
{
	g_mutex_lock(&fs->trace_lock);
	for (guint i = 0; i < fs->traced->len; i++)
		trace_hub_emit(((struct fs_device *)fs->traced->pdata[i])->trace, ev);
	g_mutex_unlock(&fs->trace_lock);
}

void fs_trace_map(struct vfiofs *fs, const char *name, uint64_t iova, uint64_t size)
{
	struct trace_event ev = { .kind = TRACE_MAP, .name = (char *)name, .iova = iova, .size = size };

	fs_trace_all(fs, &ev);
}

void fs_trace_unmap(struct vfiofs *fs, const char *name)
{
	struct trace_event ev = { .kind = TRACE_UNMAP, .name = (char *)name };

	fs_trace_all(fs, &ev);
}

void fs_trace_buffer_io(struct vfiofs *fs, const char *name, uint64_t offset, const void *buf,
			size_t len, bool write)
{
	struct trace_event ev = { .name = (char *)name, .offset = offset };

	if (!len || !fs_trace_any(fs))
		return;
	if (!write) {
		g_autofree char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, buf, len);

		ev.kind = TRACE_BUFR;
		ev.size = len;
		g_strlcpy(ev.sha256, sum, sizeof(ev.sha256));
		fs_trace_all(fs, &ev);
		return;
	}
	/* a BUFW line carries at most 64 KiB: a larger write is one line per 64 KiB */
	ev.kind = TRACE_BUFW;
	for (size_t done = 0; done < len; done += TRACE_BUFW_MAX) {
		size_t n = MIN(len - done, (size_t)TRACE_BUFW_MAX);

		ev.offset = offset + done;
		ev.bytes = g_bytes_new_static((const guint8 *)buf + done, n);
		fs_trace_all(fs, &ev);
		g_bytes_unref(ev.bytes);
	}
}

void fs_trace_iova_io(struct vfiofs *fs, uint64_t iova, const void *buf, size_t len, bool write)
{
	char label[256];
	uint64_t offset;

	if (!len || !fs_trace_any(fs))
		return;
	if (vfio_container_label_at(fs->container, iova, label, sizeof(label), &offset) && label[0])
		fs_trace_buffer_io(fs, label, offset, buf, len, write);
}

void fs_trace_reader_maps(struct vfiofs *fs, struct trace_hub_reader *r)
{
	g_autoptr(vfio_container_info) info = vfio_container_info_take(fs->container);

	for (guint i = 0; info && i < info->mappings->len; i++) {
		const struct vfio_container_mapping_info *m =
			&g_array_index(info->mappings, struct vfio_container_mapping_info, i);
		struct trace_event ev = { .kind = TRACE_MAP, .name = m->label, .iova = m->iova,
					  .size = m->size };

		if (m->label && m->label[0])
			trace_hub_reader_emit(r, &ev);
	}
}
