#define G_LOG_DOMAIN "pci-addr"
#include "vfio/pci_addr.h"
#include "vfio/error.h"

#include <stdio.h>
#include <string.h>

static bool parse_hex_field(const char **p, unsigned max_digits, char sep, unsigned *out)
{
	unsigned value = 0, digits = 0;

	while (g_ascii_isxdigit(**p) && digits < max_digits) {
		value = value * 16 + g_ascii_xdigit_value(**p);
		(*p)++;
		digits++;
	}
	if (digits == 0 || **p != sep)
		return false;
	if (sep)
		(*p)++;
	*out = value;
	return true;
}

bool vfio_pci_addr_parse(const char *text, char out[VFIO_PCI_ADDR_LEN], GError **err)
{
	unsigned domain = 0, bus, dev, fn;
	const char *p = text;
	/* A domain is present when there are two colons. */
	bool has_domain = text && strchr(text, ':') && strchr(text, ':') != strrchr(text, ':');

	if (!text || (has_domain && !parse_hex_field(&p, 4, ':', &domain)) ||
	    !parse_hex_field(&p, 2, ':', &bus) || !parse_hex_field(&p, 2, '.', &dev) ||
	    !parse_hex_field(&p, 1, '\0', &fn)) {
		vfio_set_error(err, EINVAL,
			       "'%s' is not a PCI address: expected DDDD:BB:DD.F, e.g. 0000:01:00.0 (see lspci -D)",
			       text ? text : "");
		return false;
	}
	if (dev > 0x1f || fn > 7) {
		vfio_set_error(err, EINVAL,
			       "'%s' is not a PCI address: the device number is at most 1f and the function at most 7",
			       text);
		return false;
	}
	snprintf(out, VFIO_PCI_ADDR_LEN, "%04x:%02x:%02x.%x", domain, bus, dev, fn);
	return true;
}

bool vfio_pci_addr_is_canonical(const char *text)
{
	char canon[VFIO_PCI_ADDR_LEN];

	return vfio_pci_addr_parse(text, canon, NULL) && strcmp(canon, text) == 0;
}
