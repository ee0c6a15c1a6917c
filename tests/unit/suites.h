/* Each test file registers one CUnit suite. */
#pragma once

#include <CUnit/CUnit.h>

void register_access_suite(void);
void register_pci_addr_suite(void);
void register_text_suite(void);
void register_options_suite(void);
void register_sysfs_suite(void);
void register_irq_text_suite(void);
void register_irq_lease_suite(void);
void register_iova_suite(void);
void register_container_suite(void);
void register_vfio_user_msg_suite(void);
void register_vfio_user_conn_suite(void);
void register_vfio_user_device_suite(void);
void register_permission_suite(void);
