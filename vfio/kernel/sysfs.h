/* What sysfs says about PCI devices: their driver, IOMMU group, and who is bound to vfio-pci. */
#pragma once

#include <glib.h>

/* Root of the sysfs tree; tests point it at a fake tree. */
extern const char *vfio_sysfs_root;

/* Name of the driver bound to the device, or NULL if none. */
char *vfio_sysfs_driver(const char *pci_addr);
/* IOMMU group number, or -1 with a message telling how to get an IOMMU. */
int vfio_sysfs_iommu_group(const char *pci_addr, GError **err);
/* Checks that the device exists and is bound to vfio-pci; the message says how to bind it. */
gboolean vfio_sysfs_check_bound(const char *pci_addr, GError **err);
/* Canonical addresses of every device bound to vfio-pci, sorted. */
GPtrArray *vfio_sysfs_vfio_pci_devices(void);
/* Addresses of the devices in an IOMMU group, sorted. */
GPtrArray *vfio_sysfs_group_devices(int group);
/*
 * The members of a group bound to a host driver, what makes it not viable
 * ("0000:00:1f.3 is bound to snd_hda_intel, ..."), or NULL if none is.
 */
char *vfio_sysfs_group_blockers(int group);
