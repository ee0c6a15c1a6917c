/*
 * Each test file tests one source file and is named after it:
 * tests/unit/fs/test_access.c tests fs/access.c. It registers its suite
 * itself, by ending with
 *
 *	UNIT_SUITE(test_fs_access_suite) = { .pName = "permissions", .pTests = tests };
 *
 * (a CU_SuiteInfo over its CU_TestInfo table). So a new test file takes one
 * line besides itself: its path in Makefile.am's tests_unit_unit_tests_SOURCES.
 *
 * How: UNIT_SUITE puts a pointer to the suite into the linker section
 * "unit_suites"; the linker collects every object's entries there and
 * defines __start_unit_suites and __stop_unit_suites around them, and main.c
 * runs the suites in between (in link order: the order of the source list).
 */
#pragma once

#include <CUnit/CUnit.h>

#define UNIT_SUITE(name)                                                 \
	static const CU_SuiteInfo name;                                  \
	static const CU_SuiteInfo *const name##_entry                    \
		__attribute__((used, section("unit_suites"))) = &name;   \
	static const CU_SuiteInfo name
