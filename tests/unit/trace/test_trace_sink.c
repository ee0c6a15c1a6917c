/* trace/trace_sink.c: a hub's lines in a file, written out at close, started or not. */
#include "suites.h"
#include "trace/trace_sink.h"
#include "trace_text.h"

#include <glib/gstdio.h>

static char *run_sink(bool start, int events)
{
	g_autofree char *dir = g_dir_make_tmp("trace-sink-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "edu.trace", NULL);
	struct trace_hub *hub = trace_hub_new("edu", 0x4e58, 1, "vfio-user");
	struct trace_sink *s = trace_sink_open(hub, path, NULL);
	struct trace_event ev = { .kind = TRACE_RESET };
	char *text = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	if (start)
		trace_sink_start(s);
	for (int i = 0; i < events; i++)
		trace_hub_emit(hub, &ev);
	trace_sink_close(s);
	CU_ASSERT_FALSE(trace_hub_active(hub));
	g_file_get_contents(path, &text, NULL, NULL);
	g_unlink(path);
	g_rmdir(dir);
	trace_hub_free(hub);
	return text;
}

static void test_written_at_close(void)
{
	char *text = run_sink(true, 1000);
	uint64_t lines = 0;
	int fd = trace_text_fd(text);
	struct trace_reader *r = trace_reader_new(fd, "sink");

	CU_ASSERT_TRUE(g_str_has_prefix(text, "# vfiofs-trace 1 edu 4e58:0001 vfio-user\n"));
	CU_ASSERT_TRUE(trace_reader_check_all(r, &lines, NULL));
	CU_ASSERT_EQUAL(lines, 1000);
	trace_reader_free(r);
	close(fd);
	g_free(text);
	/* never started (a daemon that never ran): the lines are written at close all the same */
	text = run_sink(false, 10);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n10 "));
	g_free(text);
}

static void test_bad_path(void)
{
	struct trace_hub *hub = trace_hub_new("edu", 0x4e58, 1, "vfio-user");
	GError *err = NULL;

	CU_ASSERT_PTR_NULL(trace_sink_open(hub, "/nonexistent-dir/x.trace", &err));
	CU_ASSERT_PTR_NOT_NULL(err);
	g_clear_error(&err);
	CU_ASSERT_FALSE(trace_hub_active(hub));
	trace_hub_free(hub);
}

static CU_TestInfo tests[] = {
	{ "every line in the file at close", test_written_at_close },
	{ "a file that cannot be made", test_bad_path },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_trace_trace_sink_suite) = { .pName = "trace sink", .pTests = tests };
