/* trace/trace_line.c, trace_header.c, trace_names.c: the line format both ways. */
#include "suites.h"
#include "trace/trace_event.h"

#include <errno.h>
#include <string.h>

/* Every kind, with and without the optional parts: printed back byte for byte. */
static const char *const round_trip[] = {
	"1 0 R bar0 0x0 4 0x56465531",
	"2 17 R bar0 0x38 8 0x0000000000000078 FACT_RESULT",
	"3 18 R config 0x2 2 0x11e8",
	"4 19 R rom 0x7 1 0xff",
	"5 20 R bar0 0x2 2 ERR EIO",
	"6 21 R bar5 0x10 4 STATUS ERR ENODEV",
	"7 22 W bar0 0x30 4 0x00000005 FACT",
	"8 23 W bar0 0x28 4 0x00000001 ERR EIO",
	"9 24 W bar2 0xfff8 8 0xffffffffffffffff",
	"10 25 IRQ msi 0 3",
	"11 26 IRQ msix 7 1",
	"12 27 IRQ intx 0 1",
	"13 28 MODE msi 1",
	"14 29 MODE msix 8",
	"15 30 MODE intx",
	"16 31 MODE off",
	"17 32 MODE msi 64 ERR EINVAL",
	"18 33 MAP buf 0x1000 4096",
	"19 34 MAP my%20buffer%25 0x10000000 2097152",
	"20 35 UNMAP buf",
	"21 36 BUFW buf 0x10 00ff10ab",
	"22 37 BUFR buf 0x0 16 374708fff7719dd5979ec875d56cd2286f6d3cf7ec317a3b25632aab28ec37bb",
	"23 38 DMAR buf 0x800 2048",
	"24 39 DMAW buf 0x0 4",
	"25 40 DMAR - 0xdead000 8 ERR EFAULT",
	"26 41 RESET",
	"27 42 RESET ERR ENOTTY",
	"28 43 MARK start: the factorial, 5! = 120",
	"29 44 MARK",
	"30 45 MARK  two  spaces kept ",
	"31 46 MARK caf\xc3\xa9",
	"32 47 LOST 12",
	"33 18446744073709551615 R bar1 0xfffffffffff8 8 0x0000000000000000 BLOCK/REG_0.x",
};

static void test_round_trip(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(round_trip); i++) {
		struct trace_event ev;
		GError *err = NULL;
		GString *out = g_string_new(NULL);
		bool ok = trace_event_parse(round_trip[i], strlen(round_trip[i]), &ev, &err);

		CU_ASSERT_TRUE(ok);
		if (!ok) {
			fprintf(stderr, "\n  refused '%s': %s\n", round_trip[i], err->message);
			g_error_free(err);
			g_string_free(out, TRUE);
			continue;
		}
		trace_event_format(&ev, out);
		CU_ASSERT_EQUAL(out->len, strlen(round_trip[i]) + 1);
		CU_ASSERT_NSTRING_EQUAL(out->str, round_trip[i], strlen(round_trip[i]));
		CU_ASSERT_EQUAL(out->str[out->len - 1], '\n');
		trace_event_clear(&ev);
		g_string_free(out, TRUE);
	}
}

static void test_fields(void)
{
	struct trace_event ev;
	const char *l = "7 22 W bar0 0x30 4 0x00000005 FACT";

	CU_ASSERT_TRUE_FATAL(trace_event_parse(l, strlen(l), &ev, NULL));
	CU_ASSERT_EQUAL(ev.seq, 7);
	CU_ASSERT_EQUAL(ev.usec, 22);
	CU_ASSERT_EQUAL(ev.kind, TRACE_W);
	CU_ASSERT_EQUAL(ev.space, TRACE_BAR0);
	CU_ASSERT_EQUAL(ev.offset, 0x30);
	CU_ASSERT_EQUAL(ev.width, 4);
	CU_ASSERT_EQUAL(ev.value, 5);
	CU_ASSERT_STRING_EQUAL(ev.name, "FACT");
	CU_ASSERT_EQUAL(ev.err, 0);
	trace_event_clear(&ev);

	l = "5 20 R bar0 0x2 2 ERR EIO";
	CU_ASSERT_TRUE_FATAL(trace_event_parse(l, strlen(l), &ev, NULL));
	CU_ASSERT_EQUAL(ev.err, EIO);
	CU_ASSERT_FALSE(ev.has_value);
	trace_event_clear(&ev);

	l = "19 34 MAP my%20buffer%25 0x10000000 2097152";
	CU_ASSERT_TRUE_FATAL(trace_event_parse(l, strlen(l), &ev, NULL));
	CU_ASSERT_STRING_EQUAL(ev.name, "my buffer%");
	CU_ASSERT_EQUAL(ev.iova, 0x10000000);
	CU_ASSERT_EQUAL(ev.size, 2097152);
	trace_event_clear(&ev);

	l = "21 36 BUFW buf 0x10 00ff10ab";
	CU_ASSERT_TRUE_FATAL(trace_event_parse(l, strlen(l), &ev, NULL));
	CU_ASSERT_EQUAL(g_bytes_get_size(ev.bytes), 4);
	CU_ASSERT_EQUAL(((const guint8 *)g_bytes_get_data(ev.bytes, NULL))[3], 0xab);
	trace_event_clear(&ev);
}

/* Each line is refused, with the errno code given. */
static const struct {
	const char *line;
	int code;
} refused[] = {
	{ "", EINVAL },
	{ "1 0", EINVAL },
	{ "1 0 ", EINVAL },
	{ "0 0 RESET", EINVAL },                        /* SEQ starts at 1 */
	{ "01 0 RESET", EINVAL },                       /* no leading zeros */
	{ "1 -3 RESET", EINVAL },
	{ "18446744073709551616 0 RESET", EINVAL },     /* 2^64 */
	{ "1 0 FOO", EINVAL },                          /* unknown kind */
	{ "1 0 r bar0 0x0 4 0x00000000", EINVAL },      /* kinds are upper case */
	{ "1 0  RESET", EINVAL },                       /* two spaces */
	{ "1 0 RESET ", EINVAL },                       /* trailing space */
	{ "1 0 RESET\t", EINVAL },
	{ "1 0 RESET extra", EINVAL },
	{ "1 0 R bar9 0x0 4 0x00000000", EINVAL },
	{ "1 0 R bar0 0x0 3 0x000000", EINVAL },        /* width */
	{ "1 0 R bar0 0x0 16 0x00000000000000000000000000000000", EINVAL },
	{ "1 0 R bar0 0x0 4 0x0", EINVAL },             /* value not padded to the width */
	{ "1 0 R bar0 0x0 4 0x000000000", EINVAL },     /* too long for the width */
	{ "1 0 R bar0 0x0 4 0x0000000A", EINVAL },      /* upper-case hex */
	{ "1 0 R bar0 0X0 4 0x00000000", EINVAL },
	{ "1 0 R bar0 16 4 0x00000000", EINVAL },       /* offsets are 0x hex */
	{ "1 0 R bar0 0x2 4 0x00000000", EINVAL },      /* unaligned */
	{ "1 0 R bar0 0x1000000000000 4 0x00000000", ERANGE },  /* absurd offset */
	{ "1 0 R bar0 0x0 4", EINVAL },                 /* a read without a value */
	{ "1 0 W bar0 0x0 4 ERR EIO", EINVAL },         /* a write without a value */
	{ "1 0 R bar0 0x0 4 0x00000000 ERR EIO", EINVAL },   /* a failed read has no value */
	{ "1 0 R bar0 0x0 4 0x00000000 ERR EWHAT", EINVAL },
	{ "1 0 R bar0 0x0 4 0x00000000 9REG", EINVAL }, /* register names */
	{ "1 0 R bar0 0x0 4 0x00000000 A B", EINVAL },
	{ "1 0 IRQ msi 0 0", EINVAL },                  /* a count of 0 */
	{ "1 0 IRQ off 0 1", EINVAL },
	{ "1 0 IRQ msi 99999 1", ERANGE },
	{ "1 0 MODE msi", ERANGE },
	{ "1 0 MODE msi 0", ERANGE },
	{ "1 0 MODE msix 4096", ERANGE },
	{ "1 0 MODE off 1", EINVAL },
	{ "1 0 MODE level", EINVAL },
	{ "1 0 MAP buf 0x1000 0", ERANGE },
	{ "1 0 MAP buf 0x1000 1099511627777", ERANGE },  /* over 1 TiB */
	{ "1 0 MAP buf 0xffffffffffffffff 4096", ERANGE },
	{ "1 0 MAP a/b 0x1000 4096", EINVAL },          /* '/' must be escaped...  */
	{ "1 0 MAP buf%0 0x1000 4096", EINVAL },        /* a cut escape */
	{ "1 0 MAP buf%00 0x1000 4096", EINVAL },       /* a NUL */
	{ "1 0 MAP buf%4G 0x1000 4096", EINVAL },
	{ "1 0 UNMAP", EINVAL },
	{ "1 0 BUFW buf 0x0 0", ERANGE },               /* odd number of digits */
	{ "1 0 BUFW buf 0x0 zz", EINVAL },
	{ "1 0 BUFW buf 0x0 AB", EINVAL },
	{ "1 0 BUFR buf 0x0 16 1234", EINVAL },
	{ "1 0 BUFR buf 0x0 0 374708fff7719dd5979ec875d56cd2286f6d3cf7ec317a3b25632aab28ec37bb", ERANGE },
	{ "1 0 DMAR buf 0x0", EINVAL },
	{ "1 0 LOST 0", EINVAL },
	{ "1 0 LOST", EINVAL },
	{ "1 0 MARK a\x01z", EINVAL },                  /* control bytes */
	{ "1 0 MARK \xff\xfe", EINVAL },                /* not UTF-8 */
	{ "1 0 R bar0 0x0 4 0x00000000 R\xc3\xa9G", EINVAL },
};

static void test_refused(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
		struct trace_event ev;
		GError *err = NULL;
		bool ok = trace_event_parse(refused[i].line, strlen(refused[i].line), &ev, &err);

		CU_ASSERT_FALSE(ok);
		if (ok) {
			fprintf(stderr, "\n  accepted '%s'\n", refused[i].line);
			trace_event_clear(&ev);
			continue;
		}
		CU_ASSERT_PTR_NOT_NULL(err);
		if (err->code != refused[i].code)
			fprintf(stderr, "\n  '%s': code %d, not %d (%s)\n", refused[i].line, err->code,
				refused[i].code, err->message);
		CU_ASSERT_EQUAL(err->code, refused[i].code);
		CU_ASSERT_PTR_NULL(ev.name);
		g_error_free(err);
	}
}

static void test_limits(void)
{
	GString *l = g_string_new("1 0 BUFW buf 0x0 ");
	struct trace_event ev;
	GError *err = NULL;

	for (int i = 0; i < TRACE_BUFW_MAX; i++)
		g_string_append(l, "a5");
	CU_ASSERT_TRUE(trace_event_parse(l->str, l->len, &ev, NULL));
	trace_event_clear(&ev);
	g_string_append(l, "a5");
	CU_ASSERT_FALSE(trace_event_parse(l->str, l->len, &ev, &err));
	CU_ASSERT_EQUAL(err ? err->code : 0, ERANGE);
	g_clear_error(&err);

	g_string_assign(l, "1 0 MARK ");
	for (int i = 0; i < TRACE_MARK_MAX; i++)
		g_string_append_c(l, 'm');
	CU_ASSERT_TRUE(trace_event_parse(l->str, l->len, &ev, NULL));
	trace_event_clear(&ev);
	g_string_append_c(l, 'm');
	CU_ASSERT_FALSE(trace_event_parse(l->str, l->len, &ev, &err));
	CU_ASSERT_EQUAL(err ? err->code : 0, E2BIG);
	g_clear_error(&err);
	g_string_free(l, TRUE);
}

static void test_header(void)
{
	struct trace_header h;
	const char *l = "# vfiofs-trace 1 0000:00:03.0 1234:11e8 vfio-pci";
	GString *out = g_string_new(NULL);
	GError *err = NULL;

	CU_ASSERT_TRUE_FATAL(trace_header_parse(l, strlen(l), &h, NULL));
	CU_ASSERT_STRING_EQUAL(h.name, "0000:00:03.0");
	CU_ASSERT_EQUAL(h.vendor, 0x1234);
	CU_ASSERT_EQUAL(h.device, 0x11e8);
	CU_ASSERT_STRING_EQUAL(h.transport, "vfio-pci");
	trace_header_format(&h, out);
	CU_ASSERT_STRING_EQUAL(out->str, "# vfiofs-trace 1 0000:00:03.0 1234:11e8 vfio-pci\n");
	trace_header_clear(&h);
	g_string_free(out, TRUE);

	static const char *const bad[] = {
		"", "# vfiofs-trace", "# vfiofs-trace 2 edu 1234:11e8 vfio-user",
		"# vfiofs-trace 1 edu 1234:11E8 vfio-user", "# vfiofs-trace 1 edu 123:11e8 vfio-user",
		"# vfiofs-trace 1 edu 1234:11e8", "# vfiofs-trace 1 edu 1234:11e8 Vfio",
		"# vfiofs-trace 1  1234:11e8 vfio-user", "1 0 RESET",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		CU_ASSERT_FALSE(trace_header_parse(bad[i], strlen(bad[i]), &h, &err));
		CU_ASSERT_PTR_NOT_NULL(err);
		g_clear_error(&err);
	}
}

static void test_names(void)
{
	GString *s = g_string_new(NULL);
	char *back, buf[16];

	trace_name_escape("a b%c\n\xc3\xa9", s);
	CU_ASSERT_STRING_EQUAL(s->str, "a%20b%25c%0a%c3%a9");
	back = trace_name_unescape(s->str, s->len);
	CU_ASSERT_STRING_EQUAL(back, "a b%c\n\xc3\xa9");
	g_free(back);
	g_string_free(s, TRUE);
	CU_ASSERT_STRING_EQUAL(trace_errno_name(EIO, buf), "EIO");
	CU_ASSERT_STRING_EQUAL(trace_errno_name(4000, buf), "E4000");
	CU_ASSERT_EQUAL(trace_errno_parse("E4000"), 4000);
	CU_ASSERT_EQUAL(trace_errno_parse("ENODEV"), ENODEV);
	CU_ASSERT_EQUAL(trace_errno_parse("E0"), 0);
	CU_ASSERT_EQUAL(trace_errno_parse("EIO2"), 0);
}

static CU_TestInfo tests[] = {
	{ "every kind prints back as parsed", test_round_trip },
	{ "fields of parsed lines", test_fields },
	{ "malformed lines refused with their errno", test_refused },
	{ "BUFW and MARK lengths at and past the limit", test_limits },
	{ "the header line", test_header },
	{ "name escaping and errno names", test_names },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_trace_trace_line_suite) = { .pName = "trace lines", .pTests = tests };
