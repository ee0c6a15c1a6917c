/* PCI addresses as vfiofs names them: canonical "dddd:bb:dd.f". */
#pragma once

#include <glib.h>
#include <stdbool.h>

/* "dddd:bb:dd.f" plus the terminating NUL. */
#define VFIO_PCI_ADDR_LEN 13

/*
 * Parses "DDDD:BB:DD.F" or "BB:DD.F" (domain 0), any case, and writes the
 * canonical lower-case form into out.  Fails with a message naming what is
 * wrong, so that a typo in -o device= gets an answer a user can act on.
 */
bool vfio_pci_addr_parse(const char *text, char out[VFIO_PCI_ADDR_LEN], GError **err);

/* True if text is already a canonical address (how directory names must be spelled). */
bool vfio_pci_addr_is_canonical(const char *text);
