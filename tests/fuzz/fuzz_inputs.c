/*
 * libFuzzer targets over the parsers of what users type: PCI addresses
 * (vfio/pci_addr.c, from -o device= and user.vfio.attach), addresses as
 * IOVAs (vfio_iova_parse, from -o iova_max=, user.vfio.iova and the hand-off
 * request line) and the command line with its mount options
 * (src/options.c, over libfuse's fuse_opt_parse and fuse_parse_cmdline).
 * Any bytes must be refused or parsed without a crash, an exit, a leak or
 * undefined behaviour, and what is accepted must be what the parser
 * promises.  One target per build, chosen with -DFUZZ_TARGET=N (see run.sh).
 */
#include "fuzz.h"
#include "src/options.h"
#include "vfio/error.h"
#include "vfio/iova.h"
#include "vfio/pci_addr.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The input as a C string in a buffer of exactly its size: overreads show (a NUL inside ends it). */
static char *c_string(const uint8_t *p, size_t n)
{
	char *s = g_malloc(n + 1);

	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static void fuzz_pci_addr(const uint8_t *p, size_t n)
{
	g_autofree char *text = c_string(p, n);
	char out[VFIO_PCI_ADDR_LEN], again[VFIO_PCI_ADDR_LEN];
	g_autoptr(GError) err = NULL;
	bool canonical = vfio_pci_addr_is_canonical(text);

	if (!vfio_pci_addr_parse(text, out, &err)) {
		/* Refused: with a message, and never called canonical. */
		if (!err || err->domain != VFIO_ERROR || err->code != EINVAL || !err->message[0] ||
		    canonical)
			__builtin_trap();
		return;
	}
	if (err)
		__builtin_trap();
	/* Accepted: the canonical form is 12 characters, canonical, and parses to itself. */
	if (strlen(out) != VFIO_PCI_ADDR_LEN - 1 || !vfio_pci_addr_is_canonical(out) ||
	    !vfio_pci_addr_parse(out, again, NULL) || strcmp(out, again) != 0)
		__builtin_trap();
	/* The input is canonical exactly when it is already spelled that way. */
	if (canonical != (strcmp(out, text) == 0))
		__builtin_trap();
}

/* What vfio_iova_parse accepted, printed back, must be the input less its prefix and leading zeros. */
static void fuzz_iova(const uint8_t *p, size_t n)
{
	g_autofree char *text = c_string(p, n);
	uint64_t value;
	bool hex;
	const char *digits;
	char back[32];

	if (!vfio_iova_parse(text, &value))
		return;
	hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
	digits = hex ? text + 2 : text;
	while (digits[0] == '0' && digits[1])
		digits++;
	snprintf(back, sizeof(back), hex ? "%" PRIx64 : "%" PRIu64, value);
	if (g_ascii_strcasecmp(back, digits) != 0)
		__builtin_trap();
}

/*
 * libfuse's messages ("fuse: missing argument after `-o'", ...) are not
 * printed.  Those of fuse_parse_cmdline about a non-option word mean that
 * it saw one: vfiofs takes every word that is not an option, so libfuse
 * must never get any.
 */
static bool fuse_saw_word;

static void quiet_fuse_log(enum fuse_log_level level, const char *fmt, va_list ap)
{
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);

	(void)level;
	if (g_str_has_prefix(msg, "fuse: bad mount point") ||
	    g_str_has_prefix(msg, "fuse: invalid argument"))
		fuse_saw_word = true;
}

/*
 * The input is argv after the program name, one word per NUL-terminated
 * piece (as in /proc/PID/cmdline; the last word needs no NUL), so a word
 * can hold any other byte, blanks and newlines included.
 */
static void fuzz_options(const uint8_t *p, size_t n)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct vfiofs_options o;
	g_autoptr(GError) err = NULL;
	size_t start = 0;

	fuse_set_log_func(quiet_fuse_log);
	fuse_saw_word = false;
	fuse_opt_add_arg(&args, "vfiofs");
	for (size_t i = 0; i <= n; i++) {
		if (i < n && p[i])
			continue;
		if (i < n || i > start) {
			g_autofree char *word = g_strndup((const char *)p + start, i - start);

			fuse_opt_add_arg(&args, word);
		}
		start = i + 1;
	}

	if (!vfiofs_options_parse(&args, &o, &err)) {
		if (!err || !err->message[0])
			__builtin_trap();
	} else if (err) {
		__builtin_trap();
	} else if (!o.show_help && !o.show_version) {
		/* Mounting: a mount point, a source, and only valid values taken. */
		if (!o.mountpoint || !o.source || o.fuse.mountpoint || o.umask > 0777 ||
		    (o.intx_eoi != VFIOFS_INTX_EOI_BAR && o.intx_eoi != VFIOFS_INTX_EOI_MANUAL) ||
		    (o.iommu != VFIO_IOMMU_AUTO && o.iommu != VFIO_IOMMU_TYPE1 && o.iommu != VFIO_IOMMU_IOMMUFD) ||
		    (o.user_timeout_ms && (o.user_timeout_ms < 1000 || o.user_timeout_ms > 3600000)))
			__builtin_trap();
		for (guint i = 0; i < o.devices->len; i++)
			if (!vfio_pci_addr_is_canonical(o.devices->pdata[i]))
				__builtin_trap();
		for (guint i = 0; i < o.user_sockets->len; i++)
			if (!g_path_is_absolute(o.user_sockets->pdata[i]))
				__builtin_trap();
	}
	if (fuse_saw_word)
		__builtin_trap();
	vfiofs_options_clear(&o);
	fuse_opt_free_args(&args);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fuzz_target *const targets[] = { fuzz_pci_addr, fuzz_iova, fuzz_options };

	fuzz_run(targets, G_N_ELEMENTS(targets), data, size);
	return 0;
}
