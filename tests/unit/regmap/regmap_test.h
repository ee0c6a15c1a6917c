/* What the regmap/ unit tests share: parsing a description held in a string. */
#pragma once

#include "regmap/regmap.h"

#include <CUnit/CUnit.h>
#include <errno.h>
#include <string.h>

/* Parses text into bar0 of bar_size bytes; on failure *err is set. */
static inline struct regmap *parse_in(const char *text, uint64_t bar_size, GError **err)
{
	struct regmap_place place = { .bar = 0, .bar_size = bar_size, .offset = 0 };

	return regmap_parse("test.xml", text, strlen(text), &place, err);
}

/* text is refused with EINVAL, the message naming the line and holding what. */
static inline void assert_refused(const char *text, unsigned line, const char *what)
{
	GError *err = NULL;
	struct regmap *map = parse_in(text, 0x1000, &err);
	g_autofree char *where = g_strdup_printf("test.xml:%u:", line);

	CU_ASSERT_PTR_NULL(map);
	regmap_free(map);
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	CU_ASSERT_EQUAL(err->code, EINVAL);
	if (line && !g_str_has_prefix(err->message, where))
		fprintf(stderr, "\n  expected %s, got: %s\n", where, err->message);
	CU_ASSERT(!line || g_str_has_prefix(err->message, where));
	if (!strstr(err->message, what))
		fprintf(stderr, "\n  expected '%s' in: %s\n", what, err->message);
	CU_ASSERT_PTR_NOT_NULL(strstr(err->message, what));
	g_error_free(err);
}

static inline const struct regmap_register *reg_of(const struct regmap *map, const char *path)
{
	const struct regmap_entry *e = regmap_lookup(map, path);

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_PTR_NULL(e->field);
	return e->reg;
}

static inline const struct regmap_field *field_of(const struct regmap *map, const char *path)
{
	const struct regmap_entry *e = regmap_lookup(map, path);

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e->field);
	return e->field;
}

#define IPX14_OPEN "<?xml version=\"1.0\"?>\n<ipxact:component xmlns:ipxact=\"http://www.accellera.org/XMLSchema/IPXACT/1685-2014\">\n" \
	"<ipxact:name>t</ipxact:name><ipxact:memoryMaps><ipxact:memoryMap><ipxact:name>m</ipxact:name>\n"
#define IPX14_CLOSE "</ipxact:memoryMap></ipxact:memoryMaps></ipxact:component>\n"
#define SVD_OPEN "<?xml version=\"1.0\"?>\n<device><name>d</name><size>32</size>\n<peripherals>\n"
#define SVD_CLOSE "</peripherals></device>\n"
