/*
 * Recording in fs/ (SPEC "Traces"): each device's trace hub (trace/trace_hub.h)
 * lives with its struct fs_device; vfio/ records the accesses it performs
 * through vfio_device->trace, fs/ what only it sees: interrupt modes and
 * events, buffers mapped, unmapped, read and written by the CPU (in every
 * device's stream: one IOVA space), and names the buffer of a vfio-user
 * server's message DMA.  -o trace=DIR adds a file reader per device.
 */
#pragma once

#include "fs/vfiofs_private.h"
#include "trace/trace_hub.h"

struct fs_device;
struct vfio_device;

/* A new device's hub (and -o trace file); vdev records into it from now on. */
void fs_trace_attach(struct vfiofs *fs, struct fs_device *dev, struct vfio_device *vdev);
/* Detach (device lock held for writing): the file is written out and closed, readers see the end. */
void fs_trace_detach(struct vfiofs *fs, struct fs_device *dev);
/* The daemon runs (after its fork): the -o trace files' threads start. */
void fs_trace_start(struct vfiofs *fs);

/* Whether any device's trace has a reader (buffer events are made only then). */
bool fs_trace_any(struct vfiofs *fs);
/* An event for every device's stream (buffers: one IOVA space). */
void fs_trace_all(struct vfiofs *fs, const struct trace_event *ev);

/* Buffer events by name: mapped, unmapped, CPU writes (BUFW per 64 KiB) and reads (BUFR). */
void fs_trace_map(struct vfiofs *fs, const char *name, uint64_t iova, uint64_t size);
void fs_trace_unmap(struct vfiofs *fs, const char *name);
void fs_trace_buffer_io(struct vfiofs *fs, const char *name, uint64_t offset, const void *buf,
			size_t len, bool write);
/* The same by IOVA (DEV/dma): the buffer that holds it, named. */
void fs_trace_iova_io(struct vfiofs *fs, uint64_t iova, const void *buf, size_t len, bool write);

/* A new reader's first lines: a MAP line per buffer already mapped. */
void fs_trace_reader_maps(struct vfiofs *fs, struct trace_hub_reader *r);
