/*
 * Each test file tests one source file and is named after it:
 * tests/unit/fs/test_access.c tests fs/access.c, and exports its suite as
 * test_fs_access_suite (a CU_SuiteInfo over its CU_TestInfo table).
 */
#pragma once

#include <CUnit/CUnit.h>

extern const CU_SuiteInfo test_fs_access_suite;
extern const CU_SuiteInfo test_fs_container_text_suite;
extern const CU_SuiteInfo test_fs_handoff_wire_suite;
extern const CU_SuiteInfo test_fs_info_text_suite;
extern const CU_SuiteInfo test_fs_irq_command_suite;
extern const CU_SuiteInfo test_fs_irq_lease_suite;
extern const CU_SuiteInfo test_fs_tree_suite;
extern const CU_SuiteInfo test_src_options_suite;
extern const CU_SuiteInfo test_trace_trace_collapse_suite;
extern const CU_SuiteInfo test_trace_trace_diff_suite;
extern const CU_SuiteInfo test_trace_trace_hub_suite;
extern const CU_SuiteInfo test_trace_trace_iova_suite;
extern const CU_SuiteInfo test_trace_trace_line_suite;
extern const CU_SuiteInfo test_trace_trace_reader_suite;
extern const CU_SuiteInfo test_trace_trace_sink_suite;
extern const CU_SuiteInfo test_vfio_access_suite;
extern const CU_SuiteInfo test_vfio_container_suite;
extern const CU_SuiteInfo test_vfio_iova_suite;
extern const CU_SuiteInfo test_vfio_pci_addr_suite;
extern const CU_SuiteInfo test_vfio_sysfs_suite;
extern const CU_SuiteInfo test_vfio_vfio_user_conn_suite;
extern const CU_SuiteInfo test_vfio_vfio_user_device_suite;
extern const CU_SuiteInfo test_vfio_vfio_user_msg_suite;
