#include "assert_text.h"

#include <CUnit/CUnit.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

void assert_has_line(const char *text, const char *line)
{
	g_autofree char *needle = g_strdup_printf("\n%s\n", line);
	g_autofree char *hay = g_strdup_printf("\n%s", text);

	if (!strstr(hay, needle))
		fprintf(stderr, "\nmissing line '%s' in:\n%s", line, text);
	CU_ASSERT_PTR_NOT_NULL(strstr(hay, needle));
}
