/*
 * vfiofs-replay --perfetto TRACE...: the Chrome trace-event JSON that the
 * Perfetto UI and chrome://tracing open. One process ("vfiofs"), one track
 * (thread) per trace, that is per device: register accesses, interrupts,
 * mode changes, resets, marks and lost lines as instants; each buffer as
 * an async span from MAP to UNMAP, its CPU reads and writes and the
 * device's message DMA as instants on it. Written event by event, so a
 * trace of any size takes bounded memory.
 */
#pragma once

#include "trace/trace_reader.h"

#include <stdio.h>

/* Writes the JSON of the checked traces (readers at their start): true, or false with err. */
bool perfetto_write(struct trace_reader *const *readers, size_t count, FILE *out, GError **err);
