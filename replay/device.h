/*
 * The device a trace is replayed on, reached only through the files of a
 * vfiofs mount: DEV/config, DEV/barN, DEV/rom (pread/pwrite of the
 * recorded width), DEV/irq (mode commands, interrupt events), DEV/reset,
 * DEV/trace (marks), MOUNT/dma/NAME (buffers: created, sized, read and
 * written, their IOVA from the xattr user.vfio.iova).
 */
#pragma once

#include "trace/trace_event.h"

struct replay_device;

/* Opens DEV (a device directory of a mount): NULL with err when it is not one. */
struct replay_device *replay_device_open(const char *dir, GError **err);
/* Closes everything and removes the buffers the replay created. */
void replay_device_close(struct replay_device *d);

/* One access of width bytes (little-endian value): 0 or -errno. */
int replay_device_read(struct replay_device *d, enum trace_space space, uint64_t offset,
		       unsigned width, uint64_t *value);
int replay_device_write(struct replay_device *d, enum trace_space space, uint64_t offset,
			unsigned width, uint64_t value);

/* An interrupt mode (count vectors for msi and msix): 0 or -errno. */
int replay_device_mode(struct replay_device *d, enum trace_irq_mode mode, uint64_t count);
int replay_device_reset(struct replay_device *d);
/* A MARK into the device's trace file, when it has one (nothing otherwise). */
void replay_device_mark(struct replay_device *d, const char *text);

/*
 * Waits until an interrupt of that mode and vector has arrived since the
 * device was opened and not been waited for, at most timeout_ms: the count
 * that arrived, 0 at the timeout, -errno on failure.
 */
int64_t replay_device_wait_irq(struct replay_device *d, enum trace_irq_mode mode, uint32_t vector,
			       int timeout_ms);

/*
 * A buffer NAME of size bytes, at the IOVA it had when recorded if it can
 * be (else where the allocator puts it): 0 and its IOVA now, or -errno.
 */
int replay_device_map(struct replay_device *d, const char *name, uint64_t iova, uint64_t size,
		      uint64_t *iova_now);
int replay_device_unmap(struct replay_device *d, const char *name);
int replay_device_buffer_write(struct replay_device *d, const char *name, uint64_t offset,
			       GBytes *bytes);
/* The SHA-256 (lower-case hex) of len bytes at offset: 0 or -errno. */
int replay_device_buffer_sha256(struct replay_device *d, const char *name, uint64_t offset,
				uint64_t len, char sha256[65]);
