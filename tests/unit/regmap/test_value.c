/* Values users write and read (regmap/value.c). */
#include "suites.h"
#include "regmap/regmap.h"
#include "regmap/value.h"

#include <CUnit/CUnit.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int parse(const char *text, unsigned bits, const GArray *enums, uint64_t *v)
{
	return regmap_value_parse(text, strlen(text), bits, enums, v);
}

static void test_numbers(void)
{
	uint64_t v = 0;

	CU_ASSERT_EQUAL(parse("42", 32, NULL, &v), 0);
	CU_ASSERT_EQUAL(v, 42);
	CU_ASSERT_EQUAL(parse("0x2A\n", 32, NULL, &v), 0);
	CU_ASSERT_EQUAL(v, 42);
	CU_ASSERT_EQUAL(parse("0X2a", 32, NULL, &v), 0);
	CU_ASSERT_EQUAL(v, 42);
	CU_ASSERT_EQUAL(parse("010", 32, NULL, &v), 0);         /* decimal, not octal */
	CU_ASSERT_EQUAL(v, 10);
	CU_ASSERT_EQUAL(parse("0xffffffffffffffff", 64, NULL, &v), 0);
	CU_ASSERT_EQUAL(v, UINT64_MAX);
	CU_ASSERT_EQUAL(parse("18446744073709551615", 64, NULL, &v), 0);
	CU_ASSERT_EQUAL(parse("1", 1, NULL, &v), 0);
	CU_ASSERT_EQUAL(v, 1);
}

static void test_refusals(void)
{
	uint64_t v = 7;

	CU_ASSERT_EQUAL(parse("", 32, NULL, &v), EINVAL);
	CU_ASSERT_EQUAL(parse("\n", 32, NULL, &v), EINVAL);
	CU_ASSERT_EQUAL(parse("-1", 32, NULL, &v), EINVAL);
	CU_ASSERT_EQUAL(parse("+1", 32, NULL, &v), EINVAL);
	CU_ASSERT_EQUAL(parse(" 1", 32, NULL, &v), EINVAL);
	CU_ASSERT_EQUAL(parse("1 ", 32, NULL, &v), EINVAL);
	CU_ASSERT_EQUAL(parse("1\n\n", 32, NULL, &v), EINVAL);
	CU_ASSERT_EQUAL(parse("1\r\n", 32, NULL, &v), EINVAL);
	CU_ASSERT_EQUAL(parse("12abc", 32, NULL, &v), EINVAL);
	CU_ASSERT_EQUAL(parse("0x", 32, NULL, &v), EINVAL);
	CU_ASSERT_EQUAL(parse("0xg", 32, NULL, &v), EINVAL);
	CU_ASSERT_EQUAL(parse("0b101", 32, NULL, &v), EINVAL);
	CU_ASSERT_EQUAL(parse("RUN", 32, NULL, &v), EINVAL);
	CU_ASSERT_EQUAL(regmap_value_parse("1\0" "2", 3, 32, NULL, &v), EINVAL);
	CU_ASSERT_EQUAL(v, 7);
	/* too wide */
	CU_ASSERT_EQUAL(parse("0x100000000", 32, NULL, &v), ERANGE);
	CU_ASSERT_EQUAL(parse("4294967296", 32, NULL, &v), ERANGE);
	CU_ASSERT_EQUAL(parse("2", 1, NULL, &v), ERANGE);
	CU_ASSERT_EQUAL(parse("0x10000000000000000", 64, NULL, &v), ERANGE);
	CU_ASSERT_EQUAL(parse("99999999999999999999999", 64, NULL, &v), ERANGE);
	/* garbage after an overflow is still garbage */
	CU_ASSERT_EQUAL(parse("99999999999999999999999x", 64, NULL, &v), EINVAL);
}

static void test_enums(void)
{
	GArray *enums = g_array_new(FALSE, FALSE, sizeof(struct regmap_enum_value));
	struct regmap_enum_value run = { "RUN", 1 }, stop = { "STOP", 2 };
	uint64_t v = 0;

	g_array_append_val(enums, run);
	g_array_append_val(enums, stop);
	CU_ASSERT_EQUAL(parse("STOP\n", 2, enums, &v), 0);
	CU_ASSERT_EQUAL(v, 2);
	CU_ASSERT_EQUAL(parse("RUN", 2, enums, &v), 0);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(parse("run", 2, enums, &v), EINVAL);
	CU_ASSERT_EQUAL(parse("RUNNING", 2, enums, &v), EINVAL);
	CU_ASSERT_EQUAL(parse("RU", 2, enums, &v), EINVAL);
	CU_ASSERT_EQUAL(parse("3", 2, enums, &v), 0);
	CU_ASSERT_EQUAL(parse("4", 2, enums, &v), ERANGE);
	g_array_unref(enums);
}

static void test_format(void)
{
	char buf[REGMAP_VALUE_TEXT_MAX];

	CU_ASSERT_EQUAL(regmap_value_text(0x010000ed, 32, buf), 10);
	CU_ASSERT_STRING_EQUAL(buf, "0x010000ed");
	regmap_value_text(0xAB, 8, buf);
	CU_ASSERT_STRING_EQUAL(buf, "0xab");
	regmap_value_text(1, 16, buf);
	CU_ASSERT_STRING_EQUAL(buf, "0x0001");
	regmap_value_text(UINT64_MAX, 64, buf);
	CU_ASSERT_STRING_EQUAL(buf, "0xffffffffffffffff");
	regmap_value_text(1, 1, buf);
	CU_ASSERT_STRING_EQUAL(buf, "1");
	regmap_value_text(0, 1, buf);
	CU_ASSERT_STRING_EQUAL(buf, "0");
	regmap_value_text(5, 3, buf);
	CU_ASSERT_STRING_EQUAL(buf, "0x5");
	regmap_value_text(0x1ff, 9, buf);
	CU_ASSERT_STRING_EQUAL(buf, "0x1ff");
	/* Every width against printf, values that fit and values wider than the width. */
	for (unsigned bits = 2; bits <= 64; bits++) {
		static const uint64_t values[] = { 0, 1, 0xa5, 0x123456789abcdefull, UINT64_MAX };

		for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
			char want[32];
			size_t n = regmap_value_text(values[i], bits, buf);

			snprintf(want, sizeof(want), "0x%0*" PRIx64, (int)((bits + 3) / 4), values[i]);
			CU_ASSERT_STRING_EQUAL(buf, want);
			CU_ASSERT_EQUAL(n, strlen(want));
		}
	}
}

static CU_TestInfo tests[] = {
	{ "decimal and 0x hex, newline optional", test_numbers },
	{ "not a number: EINVAL; too wide: ERANGE", test_refusals },
	{ "enumerated value names", test_enums },
	{ "0x, zero-padded lower-case hex; one bit: 0 or 1", test_format },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_regmap_value_suite) = { .pName = "regmap/value", .pTests = tests };
