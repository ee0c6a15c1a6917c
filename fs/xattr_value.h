/*
 * The values a caller writes to vfiofs's extended attributes
 * (user.vfio.iova, user.vfio.attach): outside input, parsed here without
 * FUSE so that tests/fuzz/ can reach the very code the mount runs.
 */
#pragma once

#include "vfio/pci_addr.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * The text of a value: without surrounding white space and one trailing
 * NUL (C callers often send strlen + 1); NULL if a NUL is inside it.
 */
char *fs_xattr_text(const char *value, size_t size);
/* user.vfio.iova: an address, hex with 0x or decimal, a multiple of page; false if not. */
bool fs_xattr_iova_parse(const char *value, size_t size, uint64_t page, uint64_t *iova);

/*
 * Parses user.vfio.attach's value: an absolute path (a vfio-user server's
 * socket) as it is, or a PCI address in canonical form; the caller frees
 * it.  NULL with err (EINVAL).
 */
char *fs_xattr_attach_parse(const char *value, size_t size, GError **err);
