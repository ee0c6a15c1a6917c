/* Register values from the bytes of one access (regmap/byteorder.c). */
#include "suites.h"
#include "regmap/byteorder.h"

#include <CUnit/CUnit.h>
#include <string.h>

static void test_little_endian(void)
{
	const uint8_t b[8] = { 0xed, 0x00, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44 };
	uint8_t out[8] = { 0 };

	CU_ASSERT_EQUAL(regmap_value_from_bytes(b, 4, false), 0x010000ed);
	CU_ASSERT_EQUAL(regmap_value_from_bytes(b, 1, false), 0xed);
	CU_ASSERT_EQUAL(regmap_value_from_bytes(b, 2, false), 0x00ed);
	CU_ASSERT_EQUAL(regmap_value_from_bytes(b, 8, false), 0x44332211010000edull);
	regmap_value_to_bytes(0x44332211010000edull, out, 8, false);
	CU_ASSERT_EQUAL(memcmp(out, b, 8), 0);
}

static void test_big_endian(void)
{
	const uint8_t b[4] = { 0x01, 0x00, 0x00, 0xed };
	uint8_t out[4] = { 0 };

	CU_ASSERT_EQUAL(regmap_value_from_bytes(b, 4, true), 0x010000ed);
	CU_ASSERT_EQUAL(regmap_value_from_bytes(b, 2, true), 0x0100);
	regmap_value_to_bytes(0x010000ed, out, 4, true);
	CU_ASSERT_EQUAL(memcmp(out, b, 4), 0);
}

static CU_TestInfo tests[] = {
	{ "little-endian, every width", test_little_endian },
	{ "big-endian", test_big_endian },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_regmap_byteorder_suite) = { .pName = "regmap/byteorder", .pTests = tests };
