/*
 * libFuzzer targets over the parsers of what a local user sends: the
 * hand-off request line (fs/handoff/handoff_wire.c) and the values of
 * user.vfio.iova and user.vfio.attach (fs/xattr_value.c).  Any bytes must
 * be refused or parsed without a crash, a leak or undefined behaviour.
 * One target per build, chosen with -DFUZZ_TARGET=N (see run.sh).
 */
#include "fuzz.h"
#include "fs/handoff/handoff_wire.h"
#include "fs/xattr_value.h"

#include <stdint.h>
#include <string.h>

/* The daemon parses the line it read, NUL-terminated, without its newline. */
static void fuzz_request(const uint8_t *p, size_t n)
{
	g_autofree char *line = g_strndup((const char *)p, n);
	struct fs_handoff_request r;
	const char *why;

	if (fs_handoff_parse(line, &r, &why)) {
		/* A parsed path is never empty and holds no NUL it could hide a suffix behind. */
		if (!r.path[0])
			__builtin_trap();
		g_free(r.path);
	} else if (r.path || !why) {
		__builtin_trap();
	}
}

static void fuzz_iova(const uint8_t *p, size_t n)
{
	g_autofree char *value = g_memdup2(p, n);  /* exactly n bytes: overreads show */
	uint64_t iova;

	if (fs_xattr_iova_parse(value, n, 4096, &iova) && iova % 4096)
		__builtin_trap();
}

static void fuzz_attach(const uint8_t *p, size_t n)
{
	g_autofree char *value = g_memdup2(p, n);
	g_autoptr(GError) err = NULL;
	g_autofree char *source = fs_xattr_attach_parse(value, n, &err);

	/* A socket's absolute path, or a canonical PCI address. */
	if (source && source[0] != '/' && !vfio_pci_addr_is_canonical(source))
		__builtin_trap();
	if (!source && !err)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fuzz_target *const targets[] = { fuzz_request, fuzz_iova, fuzz_attach };

	fuzz_run(targets, G_N_ELEMENTS(targets), data, size);
	return 0;
}
