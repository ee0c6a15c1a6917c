/* IP-XACT descriptions (regmap/ipxact.c), both namespaces. */
#include "suites.h"
#include "regmap_test.h"

#define BLOCK(body) "<ipxact:addressBlock><ipxact:name>regs</ipxact:name>" \
	"<ipxact:baseAddress>0</ipxact:baseAddress><ipxact:range>4096</ipxact:range>\n" body \
	"</ipxact:addressBlock>\n"
#define REG(name, off, size, more) "<ipxact:register><ipxact:name>" name "</ipxact:name>" \
	"<ipxact:addressOffset>" off "</ipxact:addressOffset><ipxact:size>" size "</ipxact:size>" \
	more "</ipxact:register>\n"

static void test_edu_example(void)
{
	struct regmap_place place = { .bar = 0, .bar_size = 0x100000 };
	GError *err = NULL;
	g_autoptr(Regmap) map = regmap_load(TOP_SRCDIR "/examples/regmaps/edu.xml", &place, &err);
	const struct regmap_register *r;
	const struct regmap_field *f;

	CU_ASSERT_PTR_NULL(err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(map);
	CU_ASSERT_FALSE(map->subdirs);
	CU_ASSERT_EQUAL(map->regs->len, 11);
	r = reg_of(map, "IDENT");
	CU_ASSERT_EQUAL(r->offset, 0);
	CU_ASSERT_EQUAL(r->bytes, 4);
	CU_ASSERT_EQUAL(r->access, REGMAP_READ_ONLY);
	CU_ASSERT_TRUE(r->has_reset);
	CU_ASSERT_EQUAL(r->reset, 0x010000ed);       /* 2014: from the fields' resets */
	r = reg_of(map, "DMA_CMD");
	CU_ASSERT_EQUAL(r->offset, 0x98);
	CU_ASSERT_EQUAL(r->bytes, 8);
	f = field_of(map, "DMA_CMD.dir");
	CU_ASSERT_EQUAL(f->lsb, 1);
	CU_ASSERT_EQUAL(f->bits, 1);
	CU_ASSERT_EQUAL(f->enums->len, 2);
	f = field_of(map, "STATUS.busy");
	CU_ASSERT_EQUAL(f->access, REGMAP_READ_ONLY);
	CU_ASSERT_EQUAL(field_of(map, "STATUS.irq_when_done")->access, REGMAP_READ_WRITE);
	CU_ASSERT_EQUAL(reg_of(map, "IRQ_ACK")->access, REGMAP_WRITE_ONLY);
	/* sorted by offset */
	for (guint i = 1; i < map->regs->len; i++)
		CU_ASSERT(((struct regmap_register *)map->regs->pdata[i - 1])->offset <
			  ((struct regmap_register *)map->regs->pdata[i])->offset);
	CU_ASSERT_PTR_NULL(regmap_lookup(map, "NOPE"));
	CU_ASSERT_PTR_NULL(regmap_lookup(map, "regs/IDENT"));
}

static const char spirit_2009[] =
	"<?xml version=\"1.0\"?>\n"
	"<spirit:component xmlns:spirit=\"http://www.spiritconsortium.org/XMLSchema/SPIRIT/1685-2009\">\n"
	"<spirit:busInterfaces><spirit:busInterface><spirit:name>b</spirit:name>"
	"<spirit:endianness>big</spirit:endianness></spirit:busInterface></spirit:busInterfaces>\n"
	"<spirit:memoryMaps><spirit:memoryMap><spirit:name>m</spirit:name>\n"
	"<spirit:addressBlock><spirit:name>blk</spirit:name><spirit:baseAddress>0x4000</spirit:baseAddress>\n"
	"<spirit:register><spirit:name>CTRL</spirit:name><spirit:addressOffset>#10</spirit:addressOffset>"
	"<spirit:size>16</spirit:size><spirit:access>read-write</spirit:access>\n"
	"<spirit:reset><spirit:value>'h00a5</spirit:value><spirit:mask>0xff</spirit:mask></spirit:reset>\n"
	"<spirit:field><spirit:name>mode</spirit:name><spirit:bitOffset>0</spirit:bitOffset>"
	"<spirit:bitWidth>3</spirit:bitWidth>"
	"<spirit:enumeratedValues><spirit:enumeratedValue spirit:usage=\"read-write\"><spirit:name>RUN</spirit:name>"
	"<spirit:value>3'b101</spirit:value></spirit:enumeratedValue></spirit:enumeratedValues></spirit:field>\n"
	"<spirit:field><spirit:name>done</spirit:name><spirit:bitOffset>8</spirit:bitOffset>"
	"<spirit:bitWidth>1</spirit:bitWidth><spirit:modifiedWriteValue>oneToClear</spirit:modifiedWriteValue></spirit:field>\n"
	"<spirit:field><spirit:name>fifo</spirit:name><spirit:bitOffset>9</spirit:bitOffset>"
	"<spirit:bitWidth>1</spirit:bitWidth><spirit:access>read-only</spirit:access>"
	"<spirit:readAction>clear</spirit:readAction></spirit:field>\n"
	"</spirit:register>\n"
	"</spirit:addressBlock></spirit:memoryMap></spirit:memoryMaps></spirit:component>\n";

static void test_spirit_2009(void)
{
	GError *err = NULL;
	g_autoptr(Regmap) map = parse_in(spirit_2009, 0x1000, &err);
	const struct regmap_register *r;
	const struct regmap_field *f;

	CU_ASSERT_PTR_NULL(err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(map);
	r = reg_of(map, "CTRL");
	CU_ASSERT_EQUAL(r->address, 0x4010);    /* # is hex in IP-XACT */
	CU_ASSERT_EQUAL(r->offset, 0x10);       /* from the lowest base address, 0x4000 */
	CU_ASSERT_EQUAL(r->bytes, 2);
	CU_ASSERT_TRUE(r->big_endian);
	CU_ASSERT_TRUE(r->has_reset);
	CU_ASSERT_EQUAL(r->reset, 0xa5);
	CU_ASSERT_EQUAL(r->reset_mask, 0xff);
	CU_ASSERT_TRUE(r->read_side_effect);
	f = field_of(map, "CTRL.mode");
	CU_ASSERT_EQUAL(g_array_index(f->enums, struct regmap_enum_value, 0).value, 5);
	CU_ASSERT_EQUAL(field_of(map, "CTRL.done")->write_effect, REGMAP_ONE_TO_CLEAR);
	CU_ASSERT_EQUAL(field_of(map, "CTRL.fifo")->read_effect, REGMAP_READ_CLEARS);
}

static void test_register_files_and_dims(void)
{
	static const char text[] = IPX14_OPEN BLOCK(
		REG("R", "'h110", "32", "<ipxact:dim>2</ipxact:dim>")
		"<ipxact:registerFile><ipxact:name>CH</ipxact:name><ipxact:dim>3</ipxact:dim>"
		"<ipxact:addressOffset>0x200</ipxact:addressOffset><ipxact:range>0x20</ipxact:range>\n"
		REG("CFG", "0", "32", "")
		"<ipxact:registerFile><ipxact:name>SUB</ipxact:name><ipxact:addressOffset>0x10</ipxact:addressOffset>"
		"<ipxact:range>8</ipxact:range>" REG("X", "4", "8", "") "</ipxact:registerFile>\n"
		"</ipxact:registerFile>\n"
		REG("GONE", "0x300", "32", "<ipxact:isPresent>false</ipxact:isPresent>")) IPX14_CLOSE;
	GError *err = NULL;
	g_autoptr(Regmap) map = parse_in(text, 0x1000, &err);

	CU_ASSERT_PTR_NULL(err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(map);
	CU_ASSERT_EQUAL(map->regs->len, 2 + 3 * 2);
	CU_ASSERT_EQUAL(reg_of(map, "R0")->offset, 0x110);
	CU_ASSERT_EQUAL(reg_of(map, "R1")->offset, 0x114);
	CU_ASSERT_EQUAL(reg_of(map, "CH0_CFG")->offset, 0x200);
	CU_ASSERT_EQUAL(reg_of(map, "CH2_CFG")->offset, 0x240);
	CU_ASSERT_EQUAL(reg_of(map, "CH1_SUB_X")->offset, 0x234);
	CU_ASSERT_EQUAL(reg_of(map, "CH1_SUB_X")->bytes, 1);
	CU_ASSERT_PTR_NULL(regmap_lookup(map, "GONE"));
}

static void test_access_inheritance(void)
{
	static const char text[] = IPX14_OPEN
		"<ipxact:addressBlock><ipxact:name>b</ipxact:name><ipxact:baseAddress>0</ipxact:baseAddress>"
		"<ipxact:access>read-only</ipxact:access>\n"
		REG("A", "0", "32", "")
		REG("B", "4", "32", "<ipxact:access>write-only</ipxact:access>")
		"</ipxact:addressBlock>\n"
		"<ipxact:addressBlock><ipxact:name>c</ipxact:name><ipxact:baseAddress>0x100</ipxact:baseAddress>\n"
		REG("F", "0", "32", "<ipxact:field><ipxact:name>x</ipxact:name><ipxact:bitOffset>0</ipxact:bitOffset>"
		    "<ipxact:bitWidth>1</ipxact:bitWidth><ipxact:access>read-only</ipxact:access></ipxact:field>")
		REG("P", "4", "32", "")
		"</ipxact:addressBlock>\n" IPX14_CLOSE;
	GError *err = NULL;
	g_autoptr(Regmap) map = parse_in(text, 0x1000, &err);

	CU_ASSERT_PTR_NOT_NULL_FATAL(map);
	CU_ASSERT_TRUE(map->subdirs);
	CU_ASSERT_EQUAL(reg_of(map, "b/A")->access, REGMAP_READ_ONLY);
	CU_ASSERT_EQUAL(reg_of(map, "b/B")->access, REGMAP_WRITE_ONLY);
	/* no access anywhere: what the fields allow, else read-write */
	CU_ASSERT_EQUAL(reg_of(map, "c/F")->access, REGMAP_READ_ONLY);
	CU_ASSERT_EQUAL(reg_of(map, "c/P")->access, REGMAP_READ_WRITE);
	CU_ASSERT_EQUAL(reg_of(map, "c/P")->offset, 0x104);
	CU_ASSERT_STRING_EQUAL(reg_of(map, "c/P")->path, "c/P");
	CU_ASSERT_PTR_NOT_NULL(regmap_lookup(map, "c/F.x"));
	CU_ASSERT_PTR_NULL(regmap_lookup(map, "P"));
}

static void test_refusals(void)
{
	assert_refused(IPX14_OPEN BLOCK(REG("A", "WIDTH-4", "32", "")) IPX14_CLOSE, 5,
		       "where a number belongs");
	assert_refused(IPX14_OPEN BLOCK(REG("A", "0", "DATA_WIDTH", "")) IPX14_CLOSE, 5,
		       "'DATA_WIDTH'");
	assert_refused(IPX14_OPEN BLOCK(REG("A", "0", "24", "")) IPX14_CLOSE, 5,
		       "24 bits wide");
	assert_refused(IPX14_OPEN BLOCK(REG("A", "0x1000", "32", "")) IPX14_CLOSE, 5,
		       "past the end of bar0");
	assert_refused(IPX14_OPEN BLOCK(REG("A", "0xffe", "32", "")) IPX14_CLOSE, 5,
		       "past the end of bar0");
	assert_refused(IPX14_OPEN BLOCK(REG("A", "0", "32", "") REG("B", "2", "16", "")) IPX14_CLOSE, 6,
		       "registers A and B overlap");
	assert_refused(IPX14_OPEN BLOCK(REG("A", "0", "32", "") REG("A", "4", "32", "")) IPX14_CLOSE, 6,
		       "A is used twice");
	assert_refused(IPX14_OPEN BLOCK(REG("a/b", "0", "32", "")) IPX14_CLOSE, 5, "holds a '/'");
	assert_refused(IPX14_OPEN BLOCK(REG("A", "2", "32", "")) IPX14_CLOSE, 5, "not aligned to its 4 bytes");
	assert_refused(IPX14_OPEN BLOCK(REG("..", "0", "32", "")) IPX14_CLOSE, 5, "starts with '.'");
	assert_refused(IPX14_OPEN BLOCK(REG("a b", "0", "32", "")) IPX14_CLOSE, 5, "space");
	assert_refused(IPX14_OPEN BLOCK(REG("A", "0", "32",
		"<ipxact:field><ipxact:name>f</ipxact:name><ipxact:bitOffset>30</ipxact:bitOffset>"
		"<ipxact:bitWidth>4</ipxact:bitWidth></ipxact:field>")) IPX14_CLOSE, 5,
		"outside its 32-bit register");
	assert_refused(IPX14_OPEN BLOCK(REG("A", "0", "32",
		"<ipxact:field><ipxact:name>f</ipxact:name><ipxact:bitOffset>0</ipxact:bitOffset>"
		"<ipxact:bitWidth>4</ipxact:bitWidth></ipxact:field>"
		"<ipxact:field><ipxact:name>g</ipxact:name><ipxact:bitOffset>3</ipxact:bitOffset>"
		"<ipxact:bitWidth>1</ipxact:bitWidth></ipxact:field>")) IPX14_CLOSE, 5, "overlap");
	assert_refused(IPX14_OPEN BLOCK(REG("A", "0", "32",
		"<ipxact:field><ipxact:name>f</ipxact:name><ipxact:bitOffset>0</ipxact:bitOffset>"
		"<ipxact:bitWidth>4</ipxact:bitWidth></ipxact:field>") REG("A.f", "4", "32", "")) IPX14_CLOSE, 6,
		"A.f is used twice");
	assert_refused(IPX14_OPEN BLOCK(REG("A", "0", "32", "<ipxact:access>sometimes</ipxact:access>"))
		       IPX14_CLOSE, 5, "'sometimes'");
	assert_refused(IPX14_OPEN BLOCK(REG("A", "0", "32", "<ipxact:dim>9999999999</ipxact:dim>"))
		       IPX14_CLOSE, 5, "more than");
	assert_refused(IPX14_OPEN "<ipxact:bank><ipxact:name>x</ipxact:name></ipxact:bank>" IPX14_CLOSE, 4,
		       "not supported");
	assert_refused(IPX14_OPEN BLOCK("") IPX14_CLOSE, 1, "no registers");
	assert_refused("<?xml version=\"1.0\"?>\n<ipxact:component xmlns:ipxact=\"http://example.com/other\"/>",
		       2, "neither an IP-XACT component");
	assert_refused(IPX14_OPEN BLOCK(REG("A", "0", "32", "")), 0, "malformed XML");
}

static void test_big_lines(void)
{
	/* Line numbers past 65535 are still right in messages. */
	GString *text = g_string_new(IPX14_OPEN "<ipxact:addressBlock><ipxact:name>b</ipxact:name>"
				     "<ipxact:baseAddress>0</ipxact:baseAddress>\n");

	for (int i = 0; i < 70000; i++)
		g_string_append(text, "\n");
	g_string_append(text, REG("A", "0", "12", "") "</ipxact:addressBlock>" IPX14_CLOSE);
	assert_refused(text->str, 70005, "12 bits wide");
	g_string_free(text, TRUE);
}

static CU_TestInfo tests[] = {
	{ "the edu example (1685-2014)", test_edu_example },
	{ "SPIRIT 1685-2009: # hex, Verilog literals, reset/mask, big-endian", test_spirit_2009 },
	{ "registerFile nesting and dim arrays", test_register_files_and_dims },
	{ "access inherited block -> register -> fields; subdirs", test_access_inheritance },
	{ "every refusal is EINVAL naming the line", test_refusals },
	{ "line numbers past 65535", test_big_lines },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_regmap_ipxact_suite) = { .pName = "regmap/ipxact", .pTests = tests };
