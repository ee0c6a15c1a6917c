#define G_LOG_DOMAIN "xattr-value"
#include "fs/xattr_value.h"
#include "vfio/error.h"
#include "vfio/iova.h"

#include <errno.h>
#include <string.h>

char *fs_xattr_text(const char *value, size_t size)
{
	if (size == 0)
		return g_strdup("");  /* value may be NULL then: touch nothing */
	if (value[size - 1] == '\0')
		size--;
	/* "0x1000\0junk" is not 0x1000: a NUL inside means the caller sent something else. */
	if (memchr(value, '\0', size))
		return NULL;
	return g_strstrip(g_strndup(value, size));
}

bool fs_xattr_iova_parse(const char *value, size_t size, uint64_t page, uint64_t *iova)
{
	g_autofree char *text = fs_xattr_text(value, size);

	return text && vfio_iova_parse(text, iova) && page && *iova % page == 0;
}

char *fs_xattr_attach_parse(const char *value, size_t size, GError **err)
{
	g_autofree char *text = fs_xattr_text(value, size);
	char addr[VFIO_PCI_ADDR_LEN];

	if (!text) {
		vfio_set_error(err, EINVAL, "user.vfio.attach: the value holds a NUL byte");
		return NULL;
	}
	if (text[0] == '/')
		return g_steal_pointer(&text);
	return vfio_pci_addr_parse(text, addr, err) ? g_strdup(addr) : NULL;
}
