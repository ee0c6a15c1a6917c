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

/* user.vfio.attach: what to attach. */
struct fs_attach_target {
	char *socket;                   /* a vfio-user server's socket (absolute), or NULL */
	char addr[VFIO_PCI_ADDR_LEN];   /* else a PCI address */
};

/* Parses user.vfio.attach's value; false with err (EINVAL). t->socket is the caller's to free. */
bool fs_xattr_attach_parse(const char *value, size_t size, struct fs_attach_target *t, GError **err);
