/*
 * libFuzzer targets over the trace format (trace/), what vfiofs-replay reads
 * from untrusted files:
 *   1 trace_line   one line through trace_event_parse; what parses prints
 *                  back to a line that parses to the same text again; a
 *                  BUFW's bytes through the replay's address rewriting
 *                  (a buffer moved), which keeps their length
 *   2 trace_file   a whole trace through the reader; one that reads fine
 *                  diffs against itself with nothing differing
 */
#include "fuzz.h"
#include "trace/trace_diff.h"
#include "trace/trace_iova.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* What vfiofs-replay does to a BUFW's bytes once a buffer lies elsewhere. */
static void rewrite_bufw(const struct trace_event *ev)
{
	struct trace_iova_map *m;
	GBytes *out;

	if (ev->kind != TRACE_BUFW)
		return;
	m = trace_iova_map_new();
	trace_iova_map_add(m, "moved", 0x1000, 0x100000);
	trace_iova_map_set_now(m, "moved", 0x7000000);
	trace_iova_map_add(m, ev->name, ev->offset, 0x1000);
	out = trace_iova_rewrite_bytes(m, ev->bytes, ev->offset);
	if (out && g_bytes_get_size(out) != g_bytes_get_size(ev->bytes))
		__builtin_trap();
	if (out)
		g_bytes_unref(out);
	trace_iova_map_free(m);
}

static void trace_line(const uint8_t *data, size_t size)
{
	struct trace_event ev, again;
	GString *out = g_string_new(NULL), *out2 = g_string_new(NULL);

	if (trace_event_parse((const char *)data, size, &ev, NULL)) {
		rewrite_bufw(&ev);
		trace_event_format(&ev, out);
		/* the printed line (without its newline) is accepted and prints the same */
		if (!trace_event_parse(out->str, out->len - 1, &again, NULL))
			__builtin_trap();
		trace_event_format(&again, out2);
		if (strcmp(out->str, out2->str) != 0)
			__builtin_trap();
		trace_event_clear(&again);
		trace_event_clear(&ev);
	}
	g_string_free(out, TRUE);
	g_string_free(out2, TRUE);
}

static int memfd_of(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0)
		__builtin_trap();
	return fd;
}

static void trace_file(const uint8_t *data, size_t size)
{
	int a = memfd_of(data, size), b = memfd_of(data, size);
	struct trace_reader *ra = trace_reader_new(a, "a"), *rb = trace_reader_new(b, "b");
	FILE *out = fopen("/dev/null", "w");

	if (trace_reader_check_all(ra, NULL, NULL)) {
		if (!trace_reader_rewind(ra, NULL) || trace_diff(ra, rb, NULL, out, NULL) != 0) {
			/* a trace with LOST lines differs from itself by design */
			if (!memmem(data, size, " LOST ", 6))
				__builtin_trap();
		}
	}
	fclose(out);
	trace_reader_free(ra);
	trace_reader_free(rb);
	close(a);
	close(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fuzz_target *const targets[] = { trace_line, trace_file };

	fuzz_run(targets, G_N_ELEMENTS(targets), data, size);
	return 0;
}
