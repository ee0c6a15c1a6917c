/* The first line of a trace: "# vfiofs-trace 1 NAME VENDOR:DEVICE TRANSPORT". */
#include "trace/trace_event.h"

#include <errno.h>
#include <string.h>

#define HEADER_PREFIX "# vfiofs-trace 1 "

void trace_header_clear(struct trace_header *h)
{
	g_free(h->name);
	g_free(h->transport);
	memset(h, 0, sizeof(*h));
}

void trace_header_format(const struct trace_header *h, GString *out)
{
	g_string_append(out, HEADER_PREFIX);
	trace_name_escape(h->name, out);
	g_string_append_printf(out, " %04x:%04x %s\n", h->vendor, h->device, h->transport);
}

static bool hex16(const char *p, uint16_t *v)
{
	unsigned n = 0;

	for (int i = 0; i < 4; i++) {
		int d = g_ascii_xdigit_value(p[i]);

		if (d < 0 || g_ascii_isupper(p[i]))
			return false;
		n = n << 4 | (unsigned)d;
	}
	*v = (uint16_t)n;
	return true;
}

static bool transport_ok(const char *p, size_t len)
{
	if (len == 0 || len > 32)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!g_ascii_islower(p[i]) && !g_ascii_isdigit(p[i]) && p[i] != '-' && p[i] != '_')
			return false;
	return true;
}

bool trace_header_parse(const char *line, size_t len, struct trace_header *h, GError **err)
{
	const char *name, *ids, *transport, *end = line + len;

	memset(h, 0, sizeof(*h));
	if (len < strlen(HEADER_PREFIX) || memcmp(line, HEADER_PREFIX, strlen(HEADER_PREFIX)) != 0) {
		if (len >= 15 && memcmp(line, "# vfiofs-trace ", 15) == 0)
			g_set_error(err, TRACE_ERROR, EINVAL, "a trace of a version other than 1");
		else
			g_set_error(err, TRACE_ERROR, EINVAL,
				    "not a vfiofs trace (no '# vfiofs-trace 1' header)");
		return false;
	}
	name = line + strlen(HEADER_PREFIX);
	ids = memchr(name, ' ', (size_t)(end - name));
	if (!ids || end - ids < 11 || ids[5] != ':' || ids[10] != ' ')
		goto bad;
	transport = ids + 11;
	if (!hex16(ids + 1, &h->vendor) || !hex16(ids + 6, &h->device) ||
	    !transport_ok(transport, (size_t)(end - transport)))
		goto bad;
	h->name = trace_name_unescape(name, (size_t)(ids - name));
	if (!h->name)
		goto bad;
	h->transport = g_strndup(transport, (size_t)(end - transport));
	return true;
bad:
	trace_header_clear(h);
	g_set_error(err, TRACE_ERROR, EINVAL,
		    "the header is not '# vfiofs-trace 1 NAME VENDOR:DEVICE TRANSPORT'");
	return false;
}
