/*
 * A trace written to a file (-o trace=DIR): a reader of the hub drained by
 * a thread of its own into the file, so that a slow disk loses lines (LOST)
 * instead of slowing the device. Closing it writes what is left and closes
 * the file: at detach, at unmount and on SIGTERM (which ends in unmount).
 */
#pragma once

#include "trace/trace_hub.h"

struct trace_sink;

/*
 * Creates (truncates) path and starts recording the hub into it: NULL with
 * err on failure.  Lines wait in the reader's buffer until trace_sink_start
 * starts the writing thread (a daemon forks after its devices are attached,
 * and threads do not survive a fork).
 */
struct trace_sink *trace_sink_open(struct trace_hub *hub, const char *path, GError **err);
void trace_sink_start(struct trace_sink *s);
/* Writes everything pending, closes the file and ends the thread (started or not). */
void trace_sink_close(struct trace_sink *s);
/* The sink's reader (for the MAP lines of buffers mapped before it opened). */
struct trace_hub_reader *trace_sink_reader(struct trace_sink *s);
