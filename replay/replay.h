/*
 * Playing a checked trace against a device: each collapsed item done
 * through replay/device.c and compared with the recording, the report as
 * the diff writes it.
 */
#pragma once

#include "replay/device.h"
#include "trace/trace_compare.h"
#include "trace/trace_reader.h"

struct replay_options {
	const struct trace_filter *filter;
	int timeout_ms;         /* a poll or an interrupt waited for at most this */
	int settle_ms;          /* a single read that differs, read again for this long */
};

/*
 * Replays r (at the start of a trace the caller has checked) on d, report
 * to out: 0 when everything matched, 1 when something differed, 2 with err
 * set when the trace could not be read after all.
 */
int replay_run(struct trace_reader *r, struct replay_device *d, const struct replay_options *opt,
	       FILE *out, GError **err);
