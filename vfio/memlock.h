/*
 * The locked-memory budget: the kernel's VFIO pins every DMA buffer and
 * counts it against RLIMIT_MEMLOCK (unless the process has CAP_IPC_LOCK).
 * Checked before a buffer is allocated, so that a refusal costs nothing.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* Whether size more bytes can be pinned; ENOMEM naming the figures when not. */
bool vfio_memlock_check(uint64_t size, GError **err);
