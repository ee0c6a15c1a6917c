/* Read-modify-write of one field (regmap/rmw.c), every modifiedWriteValue kind. */
#include "suites.h"
#include "regmap_test.h"
#include "regmap/rmw.h"

/* A 32-bit register CTRL: mode [3:0] plain, then a sibling of the given kind at [15:8]. */
static struct regmap *with_sibling(const char *sibling_xml)
{
	g_autofree char *text = g_strdup_printf(IPX14_OPEN
		"<ipxact:addressBlock><ipxact:name>b</ipxact:name><ipxact:baseAddress>0</ipxact:baseAddress>\n"
		"<ipxact:register><ipxact:name>CTRL</ipxact:name><ipxact:addressOffset>0</ipxact:addressOffset>"
		"<ipxact:size>32</ipxact:size>\n"
		"<ipxact:field><ipxact:name>mode</ipxact:name><ipxact:bitOffset>0</ipxact:bitOffset>"
		"<ipxact:bitWidth>4</ipxact:bitWidth></ipxact:field>\n"
		"<ipxact:field><ipxact:name>s</ipxact:name><ipxact:bitOffset>8</ipxact:bitOffset>"
		"<ipxact:bitWidth>8</ipxact:bitWidth>%s</ipxact:field>\n"
		"</ipxact:register></ipxact:addressBlock>\n" IPX14_CLOSE, sibling_xml);
	GError *err = NULL;
	struct regmap *map = parse_in(text, 0x1000, &err);

	CU_ASSERT_PTR_NOT_NULL_FATAL(map);
	return map;
}

/* Writing mode = 0x5 over old: the word written. */
static uint64_t word_for(const char *sibling_xml, uint64_t old)
{
	g_autoptr(Regmap) map = with_sibling(sibling_xml);
	const struct regmap_field *f = field_of(map, "CTRL.mode");
	g_autofree char *why = NULL;

	CU_ASSERT_EQUAL(regmap_rmw_check(f, &why), 0);
	CU_ASSERT_TRUE(regmap_rmw_needs_read(f));
	return regmap_rmw_word(f, old, 5);
}

static int refusal_for(const char *sibling_xml)
{
	g_autoptr(Regmap) map = with_sibling(sibling_xml);
	g_autofree char *why = NULL;
	int e = regmap_rmw_check(field_of(map, "CTRL.mode"), &why);

	CU_ASSERT(e == 0 || why != NULL);
	return e;
}

#define MWV(kind) "<ipxact:modifiedWriteValue>" kind "</ipxact:modifiedWriteValue>"

static void test_plain_keeps_what_was_read(void)
{
	/* bits outside every field and a plain sibling keep what was read */
	CU_ASSERT_EQUAL(word_for("", 0xa5a5a5ff), 0xa5a5a5f5);
}

static void test_one_to_kinds_written_zero(void)
{
	CU_ASSERT_EQUAL(word_for(MWV("oneToClear"), 0xffffffff), 0xffff00f5);
	CU_ASSERT_EQUAL(word_for(MWV("oneToSet"), 0xffffffff), 0xffff00f5);
	CU_ASSERT_EQUAL(word_for(MWV("oneToToggle"), 0xffffffff), 0xffff00f5);
}

static void test_zero_to_kinds_written_one(void)
{
	CU_ASSERT_EQUAL(word_for(MWV("zeroToClear"), 0), 0x0000ff05);
	CU_ASSERT_EQUAL(word_for(MWV("zeroToSet"), 0), 0x0000ff05);
	CU_ASSERT_EQUAL(word_for(MWV("zeroToToggle"), 0), 0x0000ff05);
}

static void test_no_noop_refused(void)
{
	CU_ASSERT_EQUAL(refusal_for(MWV("clear")), EOPNOTSUPP);
	CU_ASSERT_EQUAL(refusal_for(MWV("set")), EOPNOTSUPP);
	CU_ASSERT_EQUAL(refusal_for(MWV("modify")), EOPNOTSUPP);
	CU_ASSERT_EQUAL(refusal_for("<ipxact:access>write-only</ipxact:access>"), EOPNOTSUPP);
	CU_ASSERT_EQUAL(refusal_for("<ipxact:access>writeOnce</ipxact:access>"), EOPNOTSUPP);
	CU_ASSERT_EQUAL(refusal_for("<ipxact:access>read-writeOnce</ipxact:access>"), EOPNOTSUPP);
	/* a read side effect anywhere in the register: it is never read to write a field */
	CU_ASSERT_EQUAL(refusal_for("<ipxact:readAction>clear</ipxact:readAction>"), EOPNOTSUPP);
	CU_ASSERT_EQUAL(refusal_for("<ipxact:readAction>modify</ipxact:readAction>"), EOPNOTSUPP);
	/* a read-only sibling is written back as read: harmless */
	CU_ASSERT_EQUAL(refusal_for("<ipxact:access>read-only</ipxact:access>"), 0);
}

static void test_read_only_field_and_unreadable_register(void)
{
	g_autoptr(Regmap) map = with_sibling("<ipxact:access>read-only</ipxact:access>");
	g_autofree char *why = NULL;

	CU_ASSERT_EQUAL(regmap_rmw_check(field_of(map, "CTRL.s"), &why), EACCES);
	CU_ASSERT_PTR_NOT_NULL(why);
}

static void test_whole_register_field_needs_no_read(void)
{
	static const char text[] = IPX14_OPEN
		"<ipxact:addressBlock><ipxact:name>b</ipxact:name><ipxact:baseAddress>0</ipxact:baseAddress>\n"
		"<ipxact:register><ipxact:name>FIFO</ipxact:name><ipxact:addressOffset>0</ipxact:addressOffset>"
		"<ipxact:size>16</ipxact:size>\n"
		"<ipxact:field><ipxact:name>data</ipxact:name><ipxact:bitOffset>0</ipxact:bitOffset>"
		"<ipxact:bitWidth>16</ipxact:bitWidth><ipxact:readAction>modify</ipxact:readAction></ipxact:field>\n"
		"</ipxact:register></ipxact:addressBlock>\n" IPX14_CLOSE;
	GError *err = NULL;
	g_autoptr(Regmap) map = parse_in(text, 0x1000, &err);
	const struct regmap_field *f = field_of(map, "FIFO.data");
	g_autofree char *why = NULL;

	CU_ASSERT_FALSE(regmap_rmw_needs_read(f));
	CU_ASSERT_EQUAL(regmap_rmw_check(f, &why), 0);
	CU_ASSERT_EQUAL(regmap_rmw_word(f, 0, 0xbeef), 0xbeef);
}

static void test_target_bits_masked(void)
{
	g_autoptr(Regmap) map = with_sibling("");
	const struct regmap_field *f = field_of(map, "CTRL.s");

	/* value bits beyond the field never leak (the value parser refuses them first) */
	CU_ASSERT_EQUAL(regmap_rmw_word(f, 0x12345678, 0x1ab), 0x1234ab78);
}

static CU_TestInfo tests[] = {
	{ "plain siblings and unnamed bits keep what was read", test_plain_keeps_what_was_read },
	{ "oneToClear/Set/Toggle siblings written 0", test_one_to_kinds_written_zero },
	{ "zeroToClear/Set/Toggle siblings written 1", test_zero_to_kinds_written_one },
	{ "no no-op value, write-once, read side effect: EOPNOTSUPP", test_no_noop_refused },
	{ "read-only field: EACCES", test_read_only_field_and_unreadable_register },
	{ "a field as wide as its register: no read", test_whole_register_field_needs_no_read },
	{ "the field's bits replaced", test_target_bits_masked },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_regmap_rmw_suite) = { .pName = "regmap/rmw", .pTests = tests };
