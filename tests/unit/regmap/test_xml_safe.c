/* Untrusted XML (regmap/xml_safe.c): no entities, no DTD, no network, a size limit. */
#include "suites.h"
#include "regmap_test.h"
#include "regmap/xml_safe.h"

#include <fcntl.h>
#include <unistd.h>

static void test_entities_refused(void)
{
	assert_refused("<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
		       "<device>&x;</device>", 2, "DOCTYPE");
	assert_refused("<?xml version=\"1.0\"?>\n<!DOCTYPE d SYSTEM \"http://example.com/d.dtd\">\n<device/>",
		       2, "DOCTYPE");
	/* the billion laughs never get expanded */
	assert_refused("<?xml version=\"1.0\"?>\n<!DOCTYPE l [\n<!ENTITY a \"aaaaaaaaaa\">\n"
		       "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
		       "]>\n<device>&c;</device>", 2, "DOCTYPE");
	/* an undeclared entity in a document without DTD */
	assert_refused("<?xml version=\"1.0\"?>\n<device>\n<name>&ext;</name></device>", 3, "entit");
}

static void test_predefined_entities_fine(void)
{
	GError *err = NULL;
	xmlDoc *doc = regmap_xml_parse("t", "<a>&lt;&amp;&#65;</a>", 21, &err);
	g_autofree char *text = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	text = regmap_xml_text(xmlDocGetRootElement(doc));
	CU_ASSERT_STRING_EQUAL(text, "<&A");
	xmlFreeDoc(doc);
}

static void test_malformed(void)
{
	assert_refused("<?xml version=\"1.0\"?>\n<device>\n<name>x</nme></device>", 3, "malformed XML");
	assert_refused("", 0, "malformed XML");
	assert_refused("not xml at all", 1, "malformed XML");
}

static void test_size_limit(void)
{
	char path[] = "/tmp/regmap-test-XXXXXX";
	struct regmap_place place = { .bar_size = 0x1000 };
	int fd = mkstemp(path);
	GError *err = NULL;

	CU_ASSERT_FATAL(fd >= 0);
	/* sparse: costs no disk */
	CU_ASSERT_EQUAL(ftruncate(fd, REGMAP_MAX_FILE_SIZE), 0);
	CU_ASSERT_PTR_NULL(regmap_load(path, &place, &err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	CU_ASSERT_EQUAL(err->code, EFBIG);
	g_clear_error(&err);
	CU_ASSERT_EQUAL(ftruncate(fd, 300u << 20), 0);
	CU_ASSERT_PTR_NULL(regmap_load(path, &place, &err));
	CU_ASSERT_EQUAL(err ? err->code : 0, EFBIG);
	g_clear_error(&err);
	/* just under the limit: read, then refused as XML */
	CU_ASSERT_EQUAL(ftruncate(fd, REGMAP_MAX_FILE_SIZE - 1), 0);
	CU_ASSERT_PTR_NULL(regmap_load(path, &place, &err));
	CU_ASSERT_EQUAL(err ? err->code : 0, EINVAL);
	g_clear_error(&err);
	close(fd);
	unlink(path);
}

static void test_not_a_file(void)
{
	struct regmap_place place = { .bar_size = 0x1000 };
	GError *err = NULL;

	CU_ASSERT_PTR_NULL(regmap_load("/dev/zero", &place, &err));
	CU_ASSERT_EQUAL(err ? err->code : 0, EINVAL);
	g_clear_error(&err);
	CU_ASSERT_PTR_NULL(regmap_load("/nonexistent/regs.xml", &place, &err));
	CU_ASSERT_EQUAL(err ? err->code : 0, EINVAL);
	CU_ASSERT_PTR_NOT_NULL(err ? strstr(err->message, "/nonexistent/regs.xml") : NULL);
	g_clear_error(&err);
	CU_ASSERT_PTR_NULL(regmap_load("/tmp", &place, &err));
	CU_ASSERT_EQUAL(err ? err->code : 0, EINVAL);
	g_clear_error(&err);
}

static CU_TestInfo tests[] = {
	{ "DOCTYPE, entity declarations and references refused", test_entities_refused },
	{ "predefined and character entities are plain text", test_predefined_entities_fine },
	{ "malformed XML names the line", test_malformed },
	{ "64 MiB or more: EFBIG", test_size_limit },
	{ "devices, directories, missing files: EINVAL", test_not_a_file },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_regmap_xml_safe_suite) = { .pName = "regmap/xml_safe", .pTests = tests };
