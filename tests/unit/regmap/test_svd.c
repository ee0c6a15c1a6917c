/* CMSIS-SVD descriptions (regmap/svd.c). */
#include "suites.h"
#include "regmap_test.h"

static void test_vfu_edu_example(void)
{
	struct regmap_place place = { .bar = 0, .bar_size = 0x1000 };
	GError *err = NULL;
	g_autoptr(Regmap) map = regmap_load(TOP_SRCDIR "/examples/regmaps/vfu_edu.svd", &place, &err);

	CU_ASSERT_PTR_NULL(err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(map);
	CU_ASSERT_TRUE(map->subdirs);
	CU_ASSERT_EQUAL(reg_of(map, "core/IDENT")->reset, 0x56465531);
	CU_ASSERT_EQUAL(reg_of(map, "core/COUNT8")->offset, 0x1c);
	CU_ASSERT_EQUAL(reg_of(map, "core/COUNT2")->access, REGMAP_READ_ONLY);
	CU_ASSERT_EQUAL(reg_of(map, "core/SCRATCH")->bytes, 8);
	/* derivedFrom: IRQ_ACK takes IRQ_RAISE's access, keeps its own offset */
	CU_ASSERT_EQUAL(reg_of(map, "core/IRQ_ACK")->access, REGMAP_WRITE_ONLY);
	CU_ASSERT_EQUAL(reg_of(map, "core/IRQ_ACK")->offset, 0x48);
	/* size inherited from the peripheral */
	CU_ASSERT_EQUAL(reg_of(map, "dma/CMD")->bytes, 8);
	CU_ASSERT_EQUAL(reg_of(map, "dma/CMD")->offset, 0x98);
	CU_ASSERT_EQUAL(reg_of(map, "dma/RESULT")->bytes, 4);
	CU_ASSERT_EQUAL(field_of(map, "dma/CMD.dir")->lsb, 1);
	CU_ASSERT_EQUAL(field_of(map, "core/IRQ_STATUS.dma")->lsb, 8);
	CU_ASSERT_PTR_NULL(regmap_lookup(map, "core/IRQ_ENABLE"));
	CU_ASSERT_TRUE(reg_of(map, "core/FIFO")->read_side_effect);
	CU_ASSERT_EQUAL(field_of(map, "core/CONTROL.done")->write_effect, REGMAP_ONE_TO_CLEAR);
	CU_ASSERT_EQUAL(field_of(map, "core/CONTROL.mode")->enums->len, 3);
}

static const char inherit[] = SVD_OPEN
	"<peripheral><name>TIM0</name><baseAddress>0x40001000</baseAddress><size>16</size>"
	"<access>read-only</access><resetValue>0x5</resetValue>\n"
	"<registers>\n"
	"<register><name>CNT</name><addressOffset>0</addressOffset></register>\n"
	"<cluster><dim>2</dim><dimIncrement>0x10</dimIncrement><name>CH%s</name><addressOffset>0x10</addressOffset>"
	"<size>32</size>\n"
	"<register><name>CCR</name><addressOffset>4</addressOffset><access>read-write</access>"
	"<readAction>clear</readAction></register>\n"
	"<register><dim>3</dim><dimIncrement>1</dimIncrement><dimIndex>A-C</dimIndex><name>B_%s</name>"
	"<addressOffset>8</addressOffset><size>8</size></register>\n"
	"</cluster>\n"
	"<register><dim>2</dim><dimIncrement>4</dimIncrement><name>ARR[%s]</name><addressOffset>0x40</addressOffset>"
	"<size>32</size><access>read-write</access>\n"
	"<fields><field><name>a</name><bitRange>[3:0]</bitRange><modifiedWriteValues>oneToClear</modifiedWriteValues></field>"
	"<field><name>b</name><bitOffset>4</bitOffset><bitWidth>2</bitWidth>"
	"<enumeratedValues><enumeratedValue><name>X</name><value>#1x</value></enumeratedValue>"
	"<enumeratedValue><name>DFLT</name><isDefault>true</isDefault></enumeratedValue></enumeratedValues></field>"
	"<field><name>c</name><lsb>8</lsb><msb>15</msb></field>"
	"<field><dim>2</dim><dimIncrement>1</dimIncrement><name>f%s</name><bitOffset>16</bitOffset><bitWidth>1</bitWidth></field>"
	"</fields></register>\n"
	"</registers></peripheral>\n"
	"<peripheral derivedFrom=\"TIM0\"><name>TIM1</name><baseAddress>0x40002000</baseAddress></peripheral>\n"
	SVD_CLOSE;

static void test_inheritance_and_arrays(void)
{
	GError *err = NULL;
	g_autoptr(Regmap) map = parse_in(inherit, 0x2000, &err);
	const struct regmap_register *r;
	const struct regmap_field *f;

	CU_ASSERT_PTR_NULL(err);
	if (err)
		fprintf(stderr, "%s\n", err->message);
	CU_ASSERT_PTR_NOT_NULL_FATAL(map);
	r = reg_of(map, "TIM0/CNT");
	CU_ASSERT_EQUAL(r->bytes, 2);           /* peripheral's size */
	CU_ASSERT_EQUAL(r->access, REGMAP_READ_ONLY);
	CU_ASSERT_EQUAL(r->reset, 5);
	CU_ASSERT_EQUAL(r->offset, 0);          /* the lowest base address, 0x40001000, at 0 */
	r = reg_of(map, "TIM0/CH1_CCR");
	CU_ASSERT_EQUAL(r->offset, 0x24);
	CU_ASSERT_EQUAL(r->bytes, 4);           /* cluster's size */
	CU_ASSERT_TRUE(r->read_side_effect);
	CU_ASSERT_EQUAL(reg_of(map, "TIM0/CH0_B_C")->offset, 0x1a);
	CU_ASSERT_EQUAL(reg_of(map, "TIM0/ARR1")->offset, 0x44);
	f = field_of(map, "TIM0/ARR0.a");
	CU_ASSERT_EQUAL(f->bits, 4);
	CU_ASSERT_EQUAL(f->write_effect, REGMAP_ONE_TO_CLEAR);
	f = field_of(map, "TIM0/ARR0.b");
	CU_ASSERT_EQUAL(f->lsb, 4);
	CU_ASSERT_EQUAL(f->bits, 2);
	CU_ASSERT_EQUAL(f->enums->len, 1);      /* isDefault has no value */
	CU_ASSERT_EQUAL(g_array_index(f->enums, struct regmap_enum_value, 0).value, 2);  /* #1x: x as 0 */
	f = field_of(map, "TIM0/ARR0.c");
	CU_ASSERT_EQUAL(f->lsb, 8);
	CU_ASSERT_EQUAL(f->bits, 8);
	CU_ASSERT_EQUAL(field_of(map, "TIM0/ARR0.f1")->lsb, 17);
	/* the derived peripheral: the same registers at its own base */
	CU_ASSERT_EQUAL(reg_of(map, "TIM1/CNT")->offset, 0x1000);
	CU_ASSERT_EQUAL(reg_of(map, "TIM1/CH1_CCR")->offset, 0x1024);
	CU_ASSERT_EQUAL(reg_of(map, "TIM1/ARR1")->offset, 0x1044);
}

static void test_numbers_and_derived_path(void)
{
	static const char text[] = SVD_OPEN
		"<peripheral><name>P</name><baseAddress>0</baseAddress><registers>\n"
		"<register><name>A</name><addressOffset>#100</addressOffset><resetValue>0X1F</resetValue>"
		"<fields><field><name>x</name><bitRange>[1:0]</bitRange><access>write-only</access></field></fields></register>\n"
		"<register><name>B</name><addressOffset>16</addressOffset></register>\n"
		"</registers></peripheral>\n"
		"<peripheral><name>Q</name><baseAddress>0x100</baseAddress><registers>\n"
		"<register derivedFrom=\"P.A\"><name>C</name><addressOffset>0</addressOffset></register>\n"
		"</registers></peripheral>\n" SVD_CLOSE;
	GError *err = NULL;
	g_autoptr(Regmap) map = parse_in(text, 0x1000, &err);

	CU_ASSERT_PTR_NOT_NULL_FATAL(map);
	CU_ASSERT_EQUAL(reg_of(map, "P/A")->offset, 4);          /* # is binary in SVD */
	CU_ASSERT_EQUAL(reg_of(map, "P/A")->reset, 0x1f);
	CU_ASSERT_EQUAL(reg_of(map, "P/B")->offset, 16);
	CU_ASSERT_EQUAL(reg_of(map, "Q/C")->offset, 0x100);
	CU_ASSERT_EQUAL(reg_of(map, "Q/C")->reset, 0x1f);
	CU_ASSERT_EQUAL(field_of(map, "Q/C.x")->access, REGMAP_WRITE_ONLY);
	CU_ASSERT_EQUAL(reg_of(map, "Q/C")->access, REGMAP_WRITE_ONLY);
}

#define P(regs) "<peripheral><name>P</name><baseAddress>0</baseAddress><registers>\n" regs \
	"</registers></peripheral>\n"

static void test_refusals(void)
{
	assert_refused(SVD_OPEN P("<register><name>A</name><addressOffset>OFF+4</addressOffset></register>\n")
		       SVD_CLOSE, 5, "where a number belongs");
	assert_refused(SVD_OPEN P("<register><name>A</name><addressOffset>0</addressOffset><size>12</size></register>\n")
		       SVD_CLOSE, 5, "12 bits wide");
	assert_refused(SVD_OPEN P("<register derivedFrom=\"NOPE\"><name>A</name><addressOffset>0</addressOffset></register>\n")
		       SVD_CLOSE, 5, "names nothing");
	assert_refused(SVD_OPEN P("<register><dim>2</dim><dimIncrement>4</dimIncrement><dimIndex>A,B,C</dimIndex>"
				  "<name>R%s</name><addressOffset>0</addressOffset></register>\n")
		       SVD_CLOSE, 5, "does not name 2");
	assert_refused(SVD_OPEN P("<register><dim>2</dim><name>R%s</name><addressOffset>0</addressOffset></register>\n")
		       SVD_CLOSE, 5, "dimIncrement");
	assert_refused(SVD_OPEN P("<register><dim>2</dim><dimIncrement>2</dimIncrement><name>R%s</name>"
				  "<addressOffset>0</addressOffset><size>16</size></register>\n"
				  "<register><name>W</name><addressOffset>0</addressOffset></register>\n")
		       SVD_CLOSE, 6, "overlap");
	assert_refused(SVD_OPEN P("<register><name>A</name><addressOffset>0</addressOffset>"
				  "<fields><field><name>f</name><bitRange>[40:32]</bitRange></field></fields></register>\n")
		       SVD_CLOSE, 5, "outside its 32-bit register");
	assert_refused(SVD_OPEN P("<register><name>A</name><addressOffset>0</addressOffset>"
				  "<fields><field><name>f</name><bitRange>7:0</bitRange></field></fields></register>\n")
		       SVD_CLOSE, 5, "not [MSB:LSB]");
	assert_refused(SVD_OPEN P("<register><name>A</name><addressOffset>0</addressOffset>"
				  "<readAction>eat</readAction></register>\n") SVD_CLOSE, 5, "'eat'");
	assert_refused("<?xml version=\"1.0\"?>\n<device><name>d</name>\n<peripherals><peripheral><name>P</name>"
		       "<baseAddress>0</baseAddress><registers>\n"
		       "<register><name>A</name><addressOffset>0</addressOffset></register>\n"
		       "</registers></peripheral></peripherals></device>", 4, "no <size>");
	assert_refused(SVD_OPEN "<peripheral><name>P</name><registers/></peripheral>\n" SVD_CLOSE, 4,
		       "no <baseAddress>");
	assert_refused(SVD_OPEN P("<register><name>A</name><addressOffset>0</addressOffset></register>\n") P("<register><name>A</name><addressOffset>0</addressOffset></register>\n")
		       SVD_CLOSE, 7, "block name P is used twice");
}

static CU_TestInfo tests[] = {
	{ "the vfu_edu example", test_vfu_edu_example },
	{ "inheritance, clusters, dim/%s/dimIndex, derived peripheral, field forms", test_inheritance_and_arrays },
	{ "#binary and 0X numbers; derivedFrom by path", test_numbers_and_derived_path },
	{ "every refusal is EINVAL naming the line", test_refusals },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_regmap_svd_suite) = { .pName = "regmap/svd", .pTests = tests };
