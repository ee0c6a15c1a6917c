/* trace/trace_digits.c: numbers without printf, checked against printf. */
#include "suites.h"
#include "trace/trace_digits.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const uint64_t values[] = {
	0, 1, 9, 10, 15, 16, 99, 100, 255, 4096, 0x56465531, 0xffffffffull, 0x100000000ull,
	1234567890123456789ull, 0x8000000000000000ull, UINT64_MAX,
};

static void test_decimal(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
		char got[TRACE_DIGITS_MAX + 1], want[32];
		size_t n = trace_digits_dec(got, values[i]);

		got[n] = '\0';
		snprintf(want, sizeof(want), "%" PRIu64, values[i]);
		CU_ASSERT_STRING_EQUAL(got, want);
	}
}

static void test_hex_widths(void)
{
	static const unsigned widths[] = { 0, 1, 2, 4, 8, 16, 17 };

	for (size_t i = 0; i < G_N_ELEMENTS(values); i++)
		for (size_t w = 0; w < G_N_ELEMENTS(widths); w++) {
			GString *got = g_string_new(NULL);
			char want[40];

			trace_append_hex(got, values[i], widths[w]);
			snprintf(want, sizeof(want), "0x%0*" PRIx64, (int)MIN(widths[w], 16u), values[i]);
			CU_ASSERT_STRING_EQUAL(got->str, want);
			g_string_free(got, TRUE);
		}
}

static void test_hex_bytes(void)
{
	static const uint8_t bytes[] = { 0x00, 0x0f, 0xa0, 0xff, 0x5a };
	GString *got = g_string_new("x");

	trace_append_hex_bytes(got, bytes, sizeof(bytes));
	CU_ASSERT_STRING_EQUAL(got->str, "x000fa0ff5a");
	trace_append_hex_bytes(got, bytes, 0);
	CU_ASSERT_EQUAL(got->len, 11);
	trace_append_dec(got, 42);
	CU_ASSERT_STRING_EQUAL(got->str, "x000fa0ff5a42");
	g_string_free(got, TRUE);
}

static CU_TestInfo tests[] = {
	{ "decimal as printf prints it", test_decimal },
	{ "hex with minimum widths as printf prints it", test_hex_widths },
	{ "bytes as hex pairs, appended", test_hex_bytes },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_trace_trace_digits_suite) = { .pName = "trace digits", .pTests = tests };
