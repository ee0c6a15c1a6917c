/* Numbers in trace lines: decimal and hex without printf (trace_digits.h). */
#include "trace/trace_digits.h"

static const char hex_digit[] = "0123456789abcdef";

size_t trace_digits_dec(char *dst, uint64_t v)
{
	char tmp[TRACE_DIGITS_MAX];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		dst[i] = tmp[n - 1 - i];
	return n;
}

/* v in lower-case hex at dst, at least min_digits digits, no "0x" (no NUL); its length. */
static size_t digits_hex(char *dst, uint64_t v, unsigned min_digits)
{
	size_t n = 1;

	while (n < 16 && (v >> (4 * n)))
		n++;
	if (min_digits > 16)
		min_digits = 16;
	if (n < min_digits)
		n = min_digits;
	for (size_t i = 0; i < n; i++)
		dst[n - 1 - i] = hex_digit[(v >> (4 * i)) & 0xf];
	return n;
}

void trace_append_dec(GString *out, uint64_t v)
{
	char buf[TRACE_DIGITS_MAX];

	g_string_append_len(out, buf, (gssize)trace_digits_dec(buf, v));
}

void trace_append_hex(GString *out, uint64_t v, unsigned min_digits)
{
	char buf[2 + 16] = { '0', 'x' };

	g_string_append_len(out, buf, (gssize)(2 + digits_hex(buf + 2, v, min_digits)));
}

void trace_append_hex_bytes(GString *out, const uint8_t *p, size_t n)
{
	gsize at = out->len;

	g_string_set_size(out, at + 2 * n);
	for (size_t i = 0; i < n; i++) {
		out->str[at + 2 * i] = hex_digit[p[i] >> 4];
		out->str[at + 2 * i + 1] = hex_digit[p[i] & 0xf];
	}
}
