/*
 * vfiofs-replay: plays a vfiofs trace against a device directory, compares
 * two traces, or draws one for Perfetto (SPEC.md "Traces", doc/vfiofs.1).
 *
 *     vfiofs-replay [--timeout S] [--ignore SPACE:OFFSET]... [--mask SPACE:OFFSET:MASK]... TRACE DEV
 *     vfiofs-replay --diff [--ignore ...] [--mask ...] A B
 *     vfiofs-replay --perfetto TRACE... > out.json
 *
 * Exit status: 0 nothing differs, 1 something does, 2 bad input (a bad
 * line of a trace, a bad argument, a device directory that is not one).
 * Every trace is read and checked to its end before anything else happens:
 * a bad line anywhere means no device access at all.
 */
#include "replay/device.h"
#include "replay/perfetto.h"
#include "replay/replay.h"
#include "trace/trace_diff.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <unistd.h>

enum { EXIT_SAME = 0, EXIT_DIFFER = 1, EXIT_BAD = 2 };

static void say(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("vfiofs-replay: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A copy of a pipe in an unlinked temporary file, so that it can be read twice: fd or -1. */
static int spool(int in)
{
	char buf[65536];
	int fd = open(g_get_tmp_dir(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(fd, buf, (size_t)n) != n) {
			close(fd);
			return -1;
		}
	}
	if (n < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

struct trace_file {
	int fd;
	struct trace_reader *reader;
};

/* Opens and checks a whole trace, then rewinds it: false (and a message) on bad input. */
static bool trace_open(const char *path, struct trace_file *t)
{
	GError *err = NULL;
	int fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);

	t->fd = -1;
	t->reader = NULL;
	if (fd < 0) {
		say("%s: %s", path, g_strerror(errno));
		return false;
	}
	if (lseek(fd, 0, SEEK_CUR) < 0) {
		int copy = spool(fd);

		close(fd);
		if (copy < 0) {
			say("%s: cannot keep a copy to read it twice: %s", path, g_strerror(errno));
			return false;
		}
		fd = copy;
	}
	t->fd = fd;
	t->reader = trace_reader_new(fd, path);
	if (!trace_reader_check_all(t->reader, NULL, &err) || !trace_reader_rewind(t->reader, &err)) {
		say("%s", err->message);
		g_error_free(err);
		return false;
	}
	return true;
}

static void trace_close(struct trace_file *t)
{
	trace_reader_free(t->reader);
	if (t->fd >= 0)
		close(t->fd);
}

static int run_replay(char **args, const struct replay_options *opt)
{
	struct trace_file t;
	struct replay_device *dev;
	GError *err = NULL;
	int rc = EXIT_BAD;

	if (!trace_open(args[0], &t))
		goto close_trace;
	dev = replay_device_open(args[1], &err);
	if (!dev) {
		say("%s", err->message);
		g_error_free(err);
		goto close_trace;
	}
	rc = replay_run(t.reader, dev, opt, stdout, &err);
	if (rc == EXIT_BAD) {
		say("%s", err->message);
		g_error_free(err);
	}
	replay_device_close(dev);
close_trace:
	trace_close(&t);
	return rc;
}

static int run_diff(char **args, const struct trace_filter *filter)
{
	struct trace_file a, b = { .fd = -1 };
	GError *err = NULL;
	int rc = EXIT_BAD;

	if (trace_open(args[0], &a) && trace_open(args[1], &b)) {
		rc = trace_diff(a.reader, b.reader, filter, stdout, &err);
		if (rc == EXIT_BAD) {
			say("%s", err->message);
			g_error_free(err);
		}
	}
	trace_close(&a);
	trace_close(&b);
	return rc;
}

static int run_perfetto(char **args, int count)
{
	struct trace_file *t = g_new0(struct trace_file, count);
	struct trace_reader **readers = g_new0(struct trace_reader *, count);
	GError *err = NULL;
	int rc = EXIT_SAME, opened = 0;

	for (; opened < count; opened++) {
		if (!trace_open(args[opened], &t[opened])) {
			opened++;
			rc = EXIT_BAD;
			goto close_traces;
		}
		readers[opened] = t[opened].reader;
	}
	if (!perfetto_write(readers, (size_t)count, stdout, &err)) {
		say("%s", err ? err->message : g_strerror(errno));
		g_clear_error(&err);
		rc = EXIT_BAD;
	}
close_traces:
	for (int i = 0; i < opened; i++)
		trace_close(&t[i]);
	g_free(readers);
	g_free(t);
	return rc;
}

int main(int argc, char *argv[])
{
	gboolean diff = FALSE, perfetto = FALSE, ignore_data = FALSE;
	double timeout = 5.0, settle = 1.0;
	char **ignores = NULL, **masks = NULL, **args = NULL;
	GOptionEntry entries[] = {
		{ "diff", 0, 0, G_OPTION_ARG_NONE, &diff, "compare two recorded traces A B", NULL },
		{ "perfetto", 0, 0, G_OPTION_ARG_NONE, &perfetto,
		  "write Chrome trace-event JSON of the traces to stdout", NULL },
		{ "ignore", 0, 0, G_OPTION_ARG_STRING_ARRAY, &ignores,
		  "leave the register at SPACE:OFFSET out of the compare", "SPACE:OFFSET" },
		{ "mask", 0, 0, G_OPTION_ARG_STRING_ARRAY, &masks,
		  "compare only the bits of MASK at SPACE:OFFSET", "SPACE:OFFSET:MASK" },
		{ "ignore-data", 0, 0, G_OPTION_ARG_NONE, &ignore_data,
		  "compare buffer contents by length only (a script that writes random data)", NULL },
		{ "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &timeout,
		  "seconds a poll or an interrupt is waited for (default 5)", "SECONDS" },
		{ "settle", 0, 0, G_OPTION_ARG_DOUBLE, &settle,
		  "seconds a single read that differs is read again (default 1; 0: never)", "SECONDS" },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new("TRACE DEV | --diff A B | --perfetto TRACE...");
	struct trace_filter *filter = trace_filter_new();
	struct replay_options opt = { .filter = filter };
	GError *err = NULL;
	int nargs, rc = EXIT_BAD;

	setlocale(LC_ALL, "");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_summary(ctx, "Replays a vfiofs trace on a device directory, compares "
				     "two traces, or draws one for Perfetto.\nExit status: 0 nothing "
				     "differs, 1 something does, 2 bad input.");
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		say("%s", err->message);
		goto out;
	}
	for (char **s = ignores; s && *s; s++)
		if (!trace_filter_add_ignore(filter, *s, &err))
			goto bad_option;
	for (char **s = masks; s && *s; s++)
		if (!trace_filter_add_mask(filter, *s, &err))
			goto bad_option;
	trace_filter_ignore_data(filter, ignore_data);
	if (!(timeout > 0 && timeout <= 86400)) {
		say("--timeout takes seconds, more than 0 and at most a day");
		goto out;
	}
	if (!(settle >= 0 && settle <= timeout)) {
		say("--settle takes seconds, from 0 up to the --timeout");
		goto out;
	}
	opt.timeout_ms = (int)(timeout * 1000);
	opt.settle_ms = (int)(settle * 1000);
	nargs = args ? (int)g_strv_length(args) : 0;
	if (diff && perfetto) {
		say("--diff and --perfetto do not go together");
	} else if (perfetto) {
		if (nargs >= 1)
			rc = run_perfetto(args, nargs);
		else
			say("usage: vfiofs-replay --perfetto TRACE... > out.json");
	} else if (nargs != 2) {
		say("usage: vfiofs-replay [OPTION...] TRACE DEV | --diff A B (see --help)");
	} else {
		rc = diff ? run_diff(args, filter) : run_replay(args, &opt);
	}
	goto out;
bad_option:
	say("%s", err->message);
out:
	g_clear_error(&err);
	g_strfreev(ignores);
	g_strfreev(masks);
	g_strfreev(args);
	trace_filter_free(filter);
	g_option_context_free(ctx);
	return rc;
}
