/* Runs every unit suite; the last line is "unit: N passed, N failed". */
#include "suites.h"

#include <CUnit/Basic.h>
#include <glib.h>
#include <stdio.h>

/* Messages the code under test logs are expected; keep the output to CUnit's. */
static void quiet_log(const char *domain, GLogLevelFlags level, const char *msg, gpointer data)
{
	(void)domain, (void)level, (void)msg, (void)data;
}

/* Where UNIT_SUITE put every suite's entry (suites.h); the linker defines both. */
extern const CU_SuiteInfo *const __start_unit_suites[];
extern const CU_SuiteInfo *const __stop_unit_suites[];

/* The registered suites as CUnit wants them: an array ending in CU_SUITE_INFO_NULL (zeros). */
static CU_SuiteInfo *registered_suites(void)
{
	size_t n = (size_t)(__stop_unit_suites - __start_unit_suites);
	CU_SuiteInfo *suites = g_new0(CU_SuiteInfo, n + 1);

	for (size_t i = 0; i < n; i++)
		suites[i] = *__start_unit_suites[i];
	return suites;
}

int main(void)
{
	g_autofree CU_SuiteInfo *suites = registered_suites();
	unsigned run, failed;

	g_log_set_default_handler(quiet_log, NULL);
	if (CU_initialize_registry() != CUE_SUCCESS || CU_register_suites(suites) != CUE_SUCCESS)
		return 2;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	run = CU_get_number_of_tests_run();
	failed = CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	printf("\nunit: %u passed, %u failed\n", run - failed, failed);
	return failed ? 1 : 0;
}
