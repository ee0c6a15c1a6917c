/* The registers dump (regmap/dump.c): side-effect and write-only registers never read. */
#include "suites.h"
#include "regmap_test.h"
#include "regmap/dump.h"

struct reads {
	GPtrArray *seen;
	int fail_at;            /* offset whose read fails, -1 for none */
};

static int fake_read(const struct regmap_register *r, uint64_t *value, void *data)
{
	struct reads *rd = data;

	g_ptr_array_add(rd->seen, (gpointer)r);
	if ((int)r->offset == rd->fail_at)
		return -EIO;
	*value = 0x1000 + r->offset;
	return 0;
}

static const char text[] = IPX14_OPEN
	"<ipxact:addressBlock><ipxact:name>b</ipxact:name><ipxact:baseAddress>0</ipxact:baseAddress>\n"
	"<ipxact:register><ipxact:name>STATUS</ipxact:name><ipxact:addressOffset>4</ipxact:addressOffset>"
	"<ipxact:size>32</ipxact:size>"
	"<ipxact:field><ipxact:name>ready</ipxact:name><ipxact:bitOffset>2</ipxact:bitOffset><ipxact:bitWidth>1</ipxact:bitWidth></ipxact:field>"
	"<ipxact:field><ipxact:name>code</ipxact:name><ipxact:bitOffset>4</ipxact:bitOffset><ipxact:bitWidth>8</ipxact:bitWidth></ipxact:field>"
	"<ipxact:field><ipxact:name>go</ipxact:name><ipxact:bitOffset>16</ipxact:bitOffset><ipxact:bitWidth>1</ipxact:bitWidth>"
	"<ipxact:access>write-only</ipxact:access></ipxact:field>"
	"</ipxact:register>\n"
	"<ipxact:register><ipxact:name>ID</ipxact:name><ipxact:addressOffset>0</ipxact:addressOffset>"
	"<ipxact:size>16</ipxact:size></ipxact:register>\n"
	"<ipxact:register><ipxact:name>FIFO</ipxact:name><ipxact:addressOffset>8</ipxact:addressOffset>"
	"<ipxact:size>32</ipxact:size><ipxact:field><ipxact:name>d</ipxact:name><ipxact:bitOffset>0</ipxact:bitOffset>"
	"<ipxact:bitWidth>8</ipxact:bitWidth><ipxact:readAction>modify</ipxact:readAction></ipxact:field></ipxact:register>\n"
	"<ipxact:register><ipxact:name>KICK</ipxact:name><ipxact:addressOffset>0xc</ipxact:addressOffset>"
	"<ipxact:size>8</ipxact:size><ipxact:access>write-only</ipxact:access></ipxact:register>\n"
	"<ipxact:register><ipxact:name>WIDE</ipxact:name><ipxact:addressOffset>0x10</ipxact:addressOffset>"
	"<ipxact:size>64</ipxact:size></ipxact:register>\n"
	"</ipxact:addressBlock>\n" IPX14_CLOSE;

static void test_dump_lines(void)
{
	GError *err = NULL;
	g_autoptr(Regmap) map = parse_in(text, 0x1000, &err);
	struct reads rd = { g_ptr_array_new(), -1 };
	g_autofree char *out = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(map);
	out = regmap_dump(map, fake_read, &rd);
	CU_ASSERT_STRING_EQUAL(out,
		"ID 0x0000 0x1000\n"
		"STATUS 0x0004 0x00001004 ready=1 code=0x00 go=-\n"
		"FIFO 0x0008 - d=-\n"
		"KICK 0x000c -\n"
		"WIDE 0x0010 0x0000000000001010\n");
	/* exactly one read each of ID, STATUS and WIDE; never FIFO or KICK */
	CU_ASSERT_EQUAL(rd.seen->len, 3);
	for (guint i = 0; i < rd.seen->len; i++) {
		const struct regmap_register *r = rd.seen->pdata[i];

		CU_ASSERT(strcmp(r->name, "FIFO") && strcmp(r->name, "KICK"));
	}
	g_ptr_array_unref(rd.seen);
}

static void test_dump_failed_read(void)
{
	GError *err = NULL;
	g_autoptr(Regmap) map = parse_in(text, 0x1000, &err);
	struct reads rd = { g_ptr_array_new(), 4 };
	g_autofree char *out = regmap_dump(map, fake_read, &rd);

	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nSTATUS 0x0004 ?\n"));
	g_ptr_array_unref(rd.seen);
}

static void test_dumpable(void)
{
	GError *err = NULL;
	g_autoptr(Regmap) map = parse_in(text, 0x1000, &err);

	CU_ASSERT_TRUE(regmap_register_dumpable(reg_of(map, "ID")));
	CU_ASSERT_FALSE(regmap_register_dumpable(reg_of(map, "FIFO")));
	CU_ASSERT_FALSE(regmap_register_dumpable(reg_of(map, "KICK")));
}

static CU_TestInfo tests[] = {
	{ "NAME OFFSET VALUE FIELD=VALUE, side effects and write-only unread", test_dump_lines },
	{ "a failed read shows ?", test_dump_failed_read },
	{ "which registers may be read in bulk", test_dumpable },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_regmap_dump_suite) = { .pName = "regmap/dump", .pTests = tests };
