/* FILE[@barN[+OFFSET]] (regmap/spec.c). */
#include "suites.h"
#include "regmap/spec.h"

#include <CUnit/CUnit.h>
#include <errno.h>

static void test_forms(void)
{
	struct regmap_spec s;
	GError *err = NULL;

	CU_ASSERT_TRUE(regmap_spec_parse("/x/regs.xml", &s, &err));
	CU_ASSERT_STRING_EQUAL(s.file, "/x/regs.xml");
	CU_ASSERT_EQUAL(s.bar, 0);
	CU_ASSERT_EQUAL(s.offset, 0);
	regmap_spec_clear(&s);
	CU_ASSERT_TRUE(regmap_spec_parse("regs.xml@bar2", &s, &err));
	CU_ASSERT_STRING_EQUAL(s.file, "regs.xml");
	CU_ASSERT_EQUAL(s.bar, 2);
	regmap_spec_clear(&s);
	CU_ASSERT_TRUE(regmap_spec_parse("regs.xml@bar2+0x1000", &s, &err));
	CU_ASSERT_EQUAL(s.bar, 2);
	CU_ASSERT_EQUAL(s.offset, 0x1000);
	regmap_spec_clear(&s);
	CU_ASSERT_TRUE(regmap_spec_parse("a@b/regs.xml@bar5+64", &s, &err));
	CU_ASSERT_STRING_EQUAL(s.file, "a@b/regs.xml");
	CU_ASSERT_EQUAL(s.bar, 5);
	CU_ASSERT_EQUAL(s.offset, 64);
	regmap_spec_clear(&s);
	/* an @ that is not @barN belongs to the file */
	CU_ASSERT_TRUE(regmap_spec_parse("me@host.xml", &s, &err));
	CU_ASSERT_STRING_EQUAL(s.file, "me@host.xml");
	regmap_spec_clear(&s);
	CU_ASSERT_PTR_NULL(err);
}

static void test_refusals(void)
{
	static const char *const bad[] = { "", "@bar0", "r.xml@bar6", "r.xml@bar0+", "r.xml@bar0+x",
					   "r.xml@bar0-4", "r.xml@bar01", "r.xml@bar0+0x",
					   "r.xml@bar0+99999999999999999999" };

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		struct regmap_spec s;
		GError *err = NULL;

		CU_ASSERT_FALSE(regmap_spec_parse(bad[i], &s, &err));
		CU_ASSERT_EQUAL(err ? err->code : 0, EINVAL);
		CU_ASSERT_PTR_NULL(s.file);
		g_clear_error(&err);
	}
}

static CU_TestInfo tests[] = {
	{ "FILE, FILE@barN, FILE@barN+OFFSET", test_forms },
	{ "malformed suffixes: EINVAL", test_refusals },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_regmap_spec_suite) = { .pName = "regmap/spec", .pTests = tests };
