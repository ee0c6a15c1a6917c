/*
 * vfiofs-replay --diff A B: two recorded traces compared without a device,
 * the way a replay compares: polls collapsed (a count difference reported,
 * not a mismatch), interrupts matched by vector within a window wherever
 * they landed, IOVAs compared by buffer name and offset, the filter's
 * ignored and masked registers left out. An item only one side has is
 * found by looking up to TRACE_DIFF_WINDOW items ahead on both sides.
 */
#pragma once

#include "trace/trace_compare.h"
#include "trace/trace_reader.h"

#define TRACE_DIFF_WINDOW 64

/*
 * Compares b with a (readers at the start of their traces, which the
 * caller has checked) and writes the report to out: 0 when nothing
 * differs, 1 when something does, 2 with err set when a trace cannot be
 * read after all.
 */
int trace_diff(struct trace_reader *a, struct trace_reader *b, const struct trace_filter *f,
	       FILE *out, GError **err);
