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
	CU_SuiteInfo suites[] = {
		test_vfio_access_suite,
		test_fs_access_suite,
		test_fs_handoff_wire_suite,
		test_vfio_pci_addr_suite,
		test_fs_info_text_suite,
		test_fs_container_text_suite,
		test_src_options_suite,
		test_vfio_sysfs_suite,
		test_fs_irq_command_suite,
		test_fs_irq_lease_suite,
		test_fs_tree_suite,
		test_vfio_iova_suite,
		test_vfio_container_suite,
		test_vfio_vfio_user_msg_suite,
		test_vfio_vfio_user_conn_suite,
		test_vfio_vfio_user_device_suite,
		test_trace_trace_line_suite,
		test_trace_trace_reader_suite,
		test_trace_trace_collapse_suite,
		test_trace_trace_iova_suite,
		test_trace_trace_diff_suite,
		test_trace_trace_hub_suite,
		test_trace_trace_sink_suite,
		CU_SUITE_INFO_NULL,
	};
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
