/*
 * IOVA rewriting by buffer name: a trace records the IOVA each buffer had
 * (MAP); on another mount the buffer of that name has another. A value
 * written to the device that fell inside a recorded buffer's range is the
 * same place in that buffer now. Only 4- and 8-byte values are rewritten
 * (narrower ones are lengths and flags far more often than addresses).
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct trace_iova_map;

struct trace_iova_map *trace_iova_map_new(void);
void trace_iova_map_free(struct trace_iova_map *m);

/* A buffer the trace mapped: its name, recorded IOVA and size. */
void trace_iova_map_add(struct trace_iova_map *m, const char *name, uint64_t iova, uint64_t size);
/* The IOVA the buffer of that name has now (replay). */
void trace_iova_map_set_now(struct trace_iova_map *m, const char *name, uint64_t iova);
void trace_iova_map_remove(struct trace_iova_map *m, const char *name);

/*
 * The buffer whose recorded range holds value, and the offset in it; false
 * when none does or the width is narrower than 4. The name stays the map's.
 */
bool trace_iova_locate(const struct trace_iova_map *m, uint64_t value, unsigned width,
		       const char **name, uint64_t *offset);

/* value, rewritten to the same place in the same buffer now, when it is inside one. */
uint64_t trace_iova_rewrite(const struct trace_iova_map *m, uint64_t value, unsigned width);

/*
 * Bytes a script wrote into a buffer at offset (a BUFW line) with every
 * 8-byte little-endian word at an 8-byte aligned offset of the buffer that
 * points into a recorded buffer rewritten, as trace_iova_rewrite does for a
 * register write: the addresses in a descriptor ring.  NULL when nothing
 * changes, which is always the case while every buffer has its recorded
 * IOVA (a replay on a fresh mount), so data is never touched there.
 * Narrower words are left alone (lengths and flags, as for registers).
 */
GBytes *trace_iova_rewrite_bytes(const struct trace_iova_map *m, GBytes *bytes, uint64_t offset);
