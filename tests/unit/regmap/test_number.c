/* Numbers in descriptions (regmap/number.c). */
#include "suites.h"
#include "regmap/number.h"

#include <CUnit/CUnit.h>

static uint64_t ok(const char *text, enum regmap_number_syntax s)
{
	uint64_t v = 0xdead;

	CU_ASSERT_TRUE(regmap_number_parse(text, s, &v));
	return v;
}

static void bad(const char *text, enum regmap_number_syntax s)
{
	uint64_t v;

	CU_ASSERT_FALSE(regmap_number_parse(text, s, &v));
}

static void test_ipxact(void)
{
	enum regmap_number_syntax s = REGMAP_NUMBER_IPXACT;

	CU_ASSERT_EQUAL(ok("16", s), 16);
	CU_ASSERT_EQUAL(ok(" 0x1F \n", s), 0x1f);
	CU_ASSERT_EQUAL(ok("0X10", s), 16);
	CU_ASSERT_EQUAL(ok("#ff", s), 255);
	CU_ASSERT_EQUAL(ok("'h110", s), 0x110);
	CU_ASSERT_EQUAL(ok("32'h0000_0110", s), 0x110);
	CU_ASSERT_EQUAL(ok("'H1A", s), 0x1a);
	CU_ASSERT_EQUAL(ok("8'b1010_0101", s), 0xa5);
	CU_ASSERT_EQUAL(ok("'o17", s), 15);
	CU_ASSERT_EQUAL(ok("'d12", s), 12);
	CU_ASSERT_EQUAL(ok("4'sd3", s), 3);
	CU_ASSERT_EQUAL(ok("4K", s), 4096);
	CU_ASSERT_EQUAL(ok("1M", s), 1 << 20);
	CU_ASSERT_EQUAL(ok("+7", s), 7);
	CU_ASSERT_EQUAL(ok("0xffffffffffffffff", s), UINT64_MAX);
	bad("", s);
	bad("0x", s);
	bad("WIDTH", s);
	bad("WIDTH-1", s);
	bad("4+4", s);
	bad("$clog2(8)", s);
	bad("'h", s);
	bad("'q12", s);
	bad("x'h12", s);
	bad("-1", s);
	bad("0x10000000000000000", s);
	bad("18446744073709551616", s);
	bad("99999999999999T", s);
	bad("'b102", s);
	bad("_1", s);
}

static void test_svd(void)
{
	enum regmap_number_syntax s = REGMAP_NUMBER_SVD;

	CU_ASSERT_EQUAL(ok("10", s), 10);
	CU_ASSERT_EQUAL(ok("0x10", s), 16);
	CU_ASSERT_EQUAL(ok("#101", s), 5);
	CU_ASSERT_EQUAL(ok("2k", s), 2048);
	bad("#12", s);
	bad("#1x", s);
	bad("'h10", s);
	bad("1.5", s);
	CU_ASSERT_EQUAL(ok("#1x1", REGMAP_NUMBER_SVD_ENUM), 5);
	CU_ASSERT_EQUAL(ok("#xx", REGMAP_NUMBER_SVD_ENUM), 0);
	bad("0x1x", REGMAP_NUMBER_SVD_ENUM);
}

static CU_TestInfo tests[] = {
	{ "IP-XACT: decimal, 0x, #hex, Verilog, K/M; expressions refused", test_ipxact },
	{ "SVD: decimal, 0x, #binary (x in enumerated values)", test_svd },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_regmap_number_suite) = { .pName = "regmap/number", .pTests = tests };
