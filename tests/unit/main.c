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

int main(void)
{
	unsigned run, failed;

	g_log_set_default_handler(quiet_log, NULL);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	register_access_suite();
	register_permission_suite();
	register_pci_addr_suite();
	register_text_suite();
	register_options_suite();
	register_sysfs_suite();
	register_irq_text_suite();
	register_irq_lease_suite();
	register_iova_suite();
	register_container_suite();
	register_vfio_user_msg_suite();
	register_vfio_user_conn_suite();
	register_vfio_user_device_suite();
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	run = CU_get_number_of_tests_run();
	failed = CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	printf("\nunit: %u passed, %u failed\n", run - failed, failed);
	return failed ? 1 : 0;
}
