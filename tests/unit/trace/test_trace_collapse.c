/* trace/trace_collapse.c: runs of reads become polls; interrupts do not split them. */
#include "suites.h"
#include "trace/trace_collapse.h"

#include <string.h>

/* Pushes the lines (without header), finishes, and prints the items as "KIND:count ...". */
static char *collapse(const char *const *lines, size_t n)
{
	struct trace_collapse *c = trace_collapse_new();
	struct trace_item item;
	GString *out = g_string_new(NULL);

	for (size_t i = 0; i < n; i++) {
		struct trace_event ev;

		CU_ASSERT_TRUE_FATAL(trace_event_parse(lines[i], strlen(lines[i]), &ev, NULL));
		trace_collapse_push(c, &ev, i + 2);
		CU_ASSERT_PTR_NULL(ev.name);    /* taken */
	}
	trace_collapse_finish(c);
	while (trace_collapse_pop(c, &item)) {
		g_string_append_printf(out, "%s%s@%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
				       out->len ? " " : "", trace_kind_name(item.ev.kind), item.line,
				       item.ev.kind == TRACE_IRQ ? item.ev.count : item.count);
		if (item.ev.kind == TRACE_R && item.ev.has_value)
			g_string_append_printf(out, "=%" G_GINT64_MODIFIER "x", item.ev.value);
		trace_item_clear(&item);
	}
	trace_collapse_free(c);
	return g_string_free(out, FALSE);
}

#define COLLAPSE(...)                                                                    \
	({                                                                               \
		static const char *const l_[] = { __VA_ARGS__ };                         \
		collapse(l_, G_N_ELEMENTS(l_));                                          \
	})

static void expect(char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n  got  %s\n  want %s\n", got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
	g_free(got);
}

static void test_poll(void)
{
	expect(COLLAPSE("1 0 W bar0 0x30 4 0x00000005", "2 0 R bar0 0x34 4 0x00000001",
			"3 0 R bar0 0x34 4 0x00000001", "4 0 R bar0 0x34 4 0x00000000",
			"5 0 R bar0 0x38 8 0x0000000000000078"),
	       "W@2:1 R@3:3=0 R@6:1=78");
}

static void test_breaks(void)
{
	/* a write between, another width, another space, a failed read: each ends the run */
	expect(COLLAPSE("1 0 R bar0 0x34 4 0x00000001", "2 0 W bar0 0x30 4 0x00000005",
			"3 0 R bar0 0x34 4 0x00000001", "4 0 R bar0 0x34 2 0x0001",
			"5 0 R bar2 0x34 4 0x00000001", "6 0 R bar2 0x34 4 ERR EIO",
			"7 0 R bar2 0x34 4 0x00000001", "8 0 MARK x", "9 0 R bar2 0x34 4 0x00000001"),
	       "R@2:1=1 W@3:1 R@4:1=1 R@5:1=1 R@6:1=1 R@7:1 R@8:1=1 MARK@9:1 R@10:1=1");
}

static void test_irq_in_poll(void)
{
	/* interrupts during a poll (until something else ends it) come after it, merged per vector */
	expect(COLLAPSE("1 0 R bar0 0x34 4 0x00000001", "2 0 IRQ msi 0 1", "3 0 IRQ msi 1 2",
			"4 0 R bar0 0x34 4 0x00000001", "5 0 IRQ msi 0 4", "6 0 R bar0 0x34 4 0x00000000",
			"7 0 IRQ msi 0 1"),
	       "R@2:3=0 IRQ@3:6 IRQ@4:2");
	/* an interrupt with no poll pending is an item in its place */
	expect(COLLAPSE("1 0 IRQ intx 0 1", "2 0 W bar0 0x0 4 0x00000000"), "IRQ@2:1 W@3:1");
}

static CU_TestInfo tests[] = {
	{ "a run of reads of one register is one poll", test_poll },
	{ "what ends a run", test_breaks },
	{ "interrupts during a poll", test_irq_in_poll },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_trace_trace_collapse_suite) = { .pName = "trace poll collapsing",
						       .pTests = tests };
