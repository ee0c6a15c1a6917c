/* The mount root: mkdir attaches a device; attributes tell the hand-off socket and attach by socket or address. */
#define G_LOG_DOMAIN "root-dir"
#include "fs/device_dir.h"
#include "fs/file_ops.h"
#include "fs/handoff/handoff.h"
#include "fs/xattr_value.h"
#include "vfio/error.h"
#include "vfio/pci_addr.h"
#include "vfiofs.h"

static char *socket_get(struct vfiofs *fs, struct fs_node *n)
{
	(void)n;
	return g_strdup(fs_handoff_path(fs->handoff));
}

/*
 * user.vfio.attach: a shell can attach what mkdir cannot name, a vfio-user
 * server's socket (an absolute path), or a PCI address.
 */
static int attach_set(struct vfiofs *fs, struct fs_node *n, const char *value, size_t size)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *source = fs_xattr_attach_parse(value, size, &err);

	(void)n;
	if (source && fs_device_dir_attach(fs, source, NULL, &err))
		return 0;
	g_warning("attach %s: %s", source ? source : "(bad value)", err->message);
	return vfio_error_errno(err);
}

/* mkdir DDDD:BB:DD.F: attach the device at that PCI address. */
static int attach_mkdir(struct vfiofs *fs, const char *name, struct fs_node **out)
{
	g_autoptr(GError) err = NULL;

	if (!vfio_pci_addr_is_canonical(name)) {
		g_message("mkdir %s: a device directory is named by its PCI address, "
			  "lower case: dddd:bb:dd.f", name);
		return EINVAL;
	}
	if (!fs_device_dir_attach(fs, name, out, &err)) {
		g_warning("mkdir %s: %s", name, err->message);
		return vfio_error_errno(err);
	}
	return 0;
}

static const struct fs_xattr root_xattrs[] = {
	{ VFIOFS_XATTR_SOCKET, socket_get, NULL, NULL },
	{ VFIOFS_XATTR_ATTACH, NULL, attach_set, NULL },
	{ NULL },
};

const struct fs_file_ops fs_root_dir_ops = {
	.mkdir = attach_mkdir,
	.xattrs = root_xattrs,
};
