/*
 * Access to device memory the daemon has mapped, each piece one load or
 * store of the width vfio_access_width() gives.  A fault (the kernel takes
 * BAR mappings away while memory decoding is off or a reset runs) becomes
 * -EIO instead of killing the daemon.
 */
#pragma once

#include <stddef.h>

int vfio_mmio_read(const volatile void *src, void *buf, size_t len);
int vfio_mmio_write(volatile void *dst, const void *buf, size_t len);
