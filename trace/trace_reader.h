/*
 * Reads a trace from a descriptor, line by line, in bounded memory (one
 * line of at most TRACE_LINE_MAX bytes plus a read buffer, and the names and
 * sizes of the buffers mapped at that point), and checks more than each
 * line alone: the header first, SEQ growing by one, buffers named by BUFW,
 * BUFR, DMAR, DMAW and UNMAP mapped before and accessed inside their size.
 * Every error names the line: "LABEL:N: what".
 */
#pragma once

#include "trace/trace_event.h"

/* How many buffers a trace may have mapped at once. */
#define TRACE_BUFFERS_MAX 4096

struct trace_reader;

/* Reads fd (not owned) from its current offset; label names it in messages. */
struct trace_reader *trace_reader_new(int fd, const char *label);
void trace_reader_free(struct trace_reader *r);

/*
 * The next event into ev (the caller clears it): 1, or 0 at the end, or -1
 * with err set (code an errno: EINVAL, E2BIG, ERANGE, EIO). After an error
 * the reader only returns that error again.
 */
int trace_reader_next(struct trace_reader *r, struct trace_event *ev, GError **err);

/* The header, once the first trace_reader_next has read it (NULL before). */
const struct trace_header *trace_reader_header(const struct trace_reader *r);

/* The number of the line the last event came from (the header is line 1). */
uint64_t trace_reader_line(const struct trace_reader *r);

/* Back to the start of a seekable descriptor, for a second pass. */
bool trace_reader_rewind(struct trace_reader *r, GError **err);

/* Reads the whole trace, checking every line; false at the first bad one. */
bool trace_reader_check_all(struct trace_reader *r, uint64_t *events, GError **err);
