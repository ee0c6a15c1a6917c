/*
 * A device's trace hub: the lines of every access the daemon makes to the
 * device, fanned out to every open reader (DEV/trace files, the -o trace
 * file). Each reader has its own stream: the header line, then its own
 * SEQ from 1 and USEC since it opened, in a bounded buffer
 * (TRACE_HUB_READER_BYTES): a reader that falls behind loses lines, never
 * slows the device, and finds one "LOST N" line where they were.
 *
 * Cost: with no reader, trace_hub_active() is one relaxed atomic load and
 * the caller builds no event. With readers, an event is formatted once
 * and copied into each reader's buffer under the hub's lock.
 *
 * Threads: any thread may emit; readers are read and closed from any
 * thread. A reader's wake callback runs on the emitting thread after the
 * hub's lock is released, when the reader's buffer went from empty to not
 * empty; it may call trace_hub_read on that reader but not close it.
 * trace_hub_close waits for a wake of its reader that is running.
 */
#pragma once

#include "trace/trace_event.h"

#include <stdatomic.h>

/* What one reader may have unread before lines are lost. */
#define TRACE_HUB_READER_BYTES (1024 * 1024)

struct trace_hub {
	atomic_int readers;     /* open readers; read without the lock by trace_hub_active */
	/* the rest is private to trace_hub.c */
	GMutex lock;
	GCond woken;            /* a wake finished (trace_hub_close waits for its reader's) */
	struct trace_header header;
	GPtrArray *list;        /* struct trace_hub_reader * */
};

struct trace_hub_reader;
typedef void trace_hub_wake_fn(struct trace_hub_reader *reader, void *data);

struct trace_hub *trace_hub_new(const char *name, uint16_t vendor, uint16_t device,
				const char *transport);
/* Frees the hub; its readers must have been closed. */
void trace_hub_free(struct trace_hub *hub);

/* Whether anyone reads: the only cost of tracing when nobody does. */
static inline bool trace_hub_active(struct trace_hub *hub)
{
	return hub && atomic_load_explicit(&hub->readers, memory_order_relaxed) > 0;
}

/* Calls every reader's wake (the device went away: readers see the end). */
void trace_hub_wake_all(struct trace_hub *hub);

/* One event to every reader (its seq and usec are each reader's own). */
void trace_hub_emit(struct trace_hub *hub, const struct trace_event *ev);

/*
 * A MARK line written by a user: text without its trailing newline.
 * 0, or EMSGSIZE over TRACE_MARK_MAX bytes, EINVAL for control bytes or
 * text that is not UTF-8.
 */
int trace_hub_mark(struct trace_hub *hub, const char *text, size_t len);

/*
 * A new reader: its stream starts with the header line. wake (may be NULL)
 * is called as described above.
 */
struct trace_hub_reader *trace_hub_open(struct trace_hub *hub, trace_hub_wake_fn *wake, void *data);
/* An event for this reader alone (the buffers already mapped when it opened). */
void trace_hub_reader_emit(struct trace_hub_reader *r, const struct trace_event *ev);
/* Copies up to size bytes of the reader's stream to buf: how many (0: nothing pending). */
size_t trace_hub_read(struct trace_hub_reader *r, char *buf, size_t size);
bool trace_hub_readable(struct trace_hub_reader *r);
/* How many lines this reader lost so far (tests, info). */
uint64_t trace_hub_lost(struct trace_hub_reader *r);
void trace_hub_close(struct trace_hub_reader *r);
