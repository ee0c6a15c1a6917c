/*
 * The names a trace line uses for kinds, spaces, interrupt modes and errnos,
 * both ways, and the escaping of buffer and register names.
 */
#include "trace/trace_event.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK(vfiofs-trace-error-quark, trace_error)

static const char *const kind_names[] = {
	[TRACE_R] = "R",         [TRACE_W] = "W",         [TRACE_IRQ] = "IRQ",
	[TRACE_MODE] = "MODE",   [TRACE_MAP] = "MAP",     [TRACE_UNMAP] = "UNMAP",
	[TRACE_BUFW] = "BUFW",   [TRACE_BUFR] = "BUFR",   [TRACE_DMAR] = "DMAR",
	[TRACE_DMAW] = "DMAW",   [TRACE_RESET] = "RESET", [TRACE_MARK] = "MARK",
	[TRACE_LOST] = "LOST",
};

static const char *const space_names[TRACE_SPACES] = {
	"config", "bar0", "bar1", "bar2", "bar3", "bar4", "bar5", "rom",
};

static const char *const mode_names[] = {
	[TRACE_IRQ_OFF] = "off", [TRACE_IRQ_INTX] = "intx",
	[TRACE_IRQ_MSI] = "msi", [TRACE_IRQ_MSIX] = "msix",
};

/* The errnos a device access, a buffer or a mode change can end with. */
static const struct {
	int err;
	const char *name;
} errno_names[] = {
	{ EPERM, "EPERM" },     { ENOENT, "ENOENT" },       { EINTR, "EINTR" },
	{ EIO, "EIO" },         { ENXIO, "ENXIO" },         { E2BIG, "E2BIG" },
	{ EBADF, "EBADF" },     { EAGAIN, "EAGAIN" },       { ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" },   { EFAULT, "EFAULT" },       { EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" },   { ENODEV, "ENODEV" },       { EINVAL, "EINVAL" },
	{ ENOTTY, "ENOTTY" },   { EFBIG, "EFBIG" },         { ENOSPC, "ENOSPC" },
	{ EROFS, "EROFS" },     { EPIPE, "EPIPE" },         { ERANGE, "ERANGE" },
	{ ENOSYS, "ENOSYS" },   { EOVERFLOW, "EOVERFLOW" }, { EPROTO, "EPROTO" },
	{ EMSGSIZE, "EMSGSIZE" }, { EOPNOTSUPP, "EOPNOTSUPP" },
	{ ECONNRESET, "ECONNRESET" }, { ENOTCONN, "ENOTCONN" },
	{ ETIMEDOUT, "ETIMEDOUT" }, { ECANCELED, "ECANCELED" },
};

const char *trace_kind_name(enum trace_kind kind)
{
	return kind <= TRACE_LOST ? kind_names[kind] : "?";
}

const char *trace_space_name(enum trace_space space)
{
	return space < TRACE_SPACES ? space_names[space] : "?";
}

const char *trace_irq_mode_name(enum trace_irq_mode mode)
{
	return mode <= TRACE_IRQ_MSIX ? mode_names[mode] : "?";
}

bool trace_space_parse(const char *name, enum trace_space *space)
{
	for (int i = 0; i < TRACE_SPACES; i++) {
		if (strcmp(name, space_names[i]) == 0) {
			*space = i;
			return true;
		}
	}
	return false;
}

const char *trace_errno_name(int err, char buf[16])
{
	for (size_t i = 0; i < G_N_ELEMENTS(errno_names); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	snprintf(buf, 16, "E%d", err);
	return buf;
}

int trace_errno_parse(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(errno_names); i++)
		if (strcmp(errno_names[i].name, name) == 0)
			return errno_names[i].err;
	/* E and a number: an errno the table does not name */
	if (name[0] == 'E' && name[1] >= '1' && name[1] <= '9' && strlen(name) <= 5) {
		guint64 n;

		if (g_ascii_string_to_unsigned(name + 1, 10, 1, 4095, &n, NULL))
			return (int)n;
	}
	return 0;
}

static bool plain_name_byte(unsigned char c)
{
	return c > ' ' && c <= '~' && c != '%';
}

void trace_name_escape(const char *name, GString *out)
{
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (plain_name_byte(*p))
			g_string_append_c(out, (char)*p);
		else
			g_string_append_printf(out, "%%%02x", *p);
	}
}

/* NULL when the field is not a valid escaped name (or names the empty string or a NUL). */
char *trace_name_unescape(const char *field, size_t len)
{
	GString *s;

	if (len == 0 || len > TRACE_NAME_MAX * 3)
		return NULL;
	s = g_string_sized_new(len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)field[i];
		int hi, lo;

		if (c != '%') {
			if (!plain_name_byte(c))
				goto bad;
			g_string_append_c(s, (char)c);
			continue;
		}
		if (i + 2 >= len)
			goto bad;
		hi = g_ascii_xdigit_value(field[i + 1]);
		lo = g_ascii_xdigit_value(field[i + 2]);
		if (hi < 0 || lo < 0 || g_ascii_isupper(field[i + 1]) || g_ascii_isupper(field[i + 2]) ||
		    (hi == 0 && lo == 0))
			goto bad;
		g_string_append_c(s, (char)(hi << 4 | lo));
		i += 2;
	}
	if (s->len > TRACE_NAME_MAX)
		goto bad;
	return g_string_free(s, FALSE);
bad:
	g_string_free(s, TRUE);
	return NULL;
}
