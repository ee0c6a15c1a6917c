/*
 * The event line: "SEQ USEC KIND ..." printed and parsed. The parser reads
 * untrusted traces (vfiofs-replay), so it is strict: one space between
 * fields, lower-case hex of the documented lengths, widths 1, 2, 4, 8,
 * bounded offsets, sizes and names, printable ASCII (MARK text: UTF-8).
 * What the printer writes the parser reads back to the same event.
 */
#include "trace/trace_event.h"
#include "trace/trace_digits.h"

#include <errno.h>
#include <string.h>

#define MAX_FIELDS 12

void trace_event_clear(struct trace_event *ev)
{
	g_free(ev->name);
	g_free(ev->text);
	if (ev->bytes)
		g_bytes_unref(ev->bytes);
	memset(ev, 0, sizeof(*ev));
}

void trace_event_copy(struct trace_event *dst, const struct trace_event *src)
{
	*dst = *src;
	dst->name = g_strdup(src->name);
	dst->text = g_strdup(src->text);
	if (src->bytes)
		dst->bytes = g_bytes_ref(src->bytes);
}

/* ---- printing ---------------------------------------------------------- */

/* " N": a space, then N in decimal. */
static void append_dec_field(GString *out, uint64_t v)
{
	g_string_append_c(out, ' ');
	trace_append_dec(out, v);
}

/* " 0xN": a space, then N in hex of at least min_digits digits. */
static void append_hex_field(GString *out, uint64_t v, unsigned min_digits)
{
	g_string_append_c(out, ' ');
	trace_append_hex(out, v, min_digits);
}

static void append_err(const struct trace_event *ev, GString *out)
{
	char buf[16];

	if (ev->err) {
		g_string_append(out, " ERR ");
		g_string_append(out, trace_errno_name(ev->err, buf));
	}
}

static void append_name(const char *name, GString *out)
{
	g_string_append_c(out, ' ');
	trace_name_escape(name ? name : "", out);
}

static void append_access(const struct trace_event *ev, GString *out)
{
	g_string_append_c(out, ' ');
	g_string_append(out, trace_space_name(ev->space));
	append_hex_field(out, ev->offset, 1);
	append_dec_field(out, ev->width);
	if (ev->has_value)
		append_hex_field(out, ev->value, ev->width * 2);
	if (ev->name)
		append_name(ev->name, out);
}

static void append_hex(GBytes *bytes, GString *out)
{
	gsize n;
	const guint8 *p = bytes ? g_bytes_get_data(bytes, &n) : NULL;

	if (!p)
		n = 0;
	g_string_append_c(out, ' ');
	trace_append_hex_bytes(out, p, n);
}

void trace_event_format_body(const struct trace_event *ev, GString *out)
{
	g_string_append(out, trace_kind_name(ev->kind));
	switch (ev->kind) {
	case TRACE_R:
	case TRACE_W:
		append_access(ev, out);
		break;
	case TRACE_IRQ:
		g_string_append_c(out, ' ');
		g_string_append(out, trace_irq_mode_name(ev->mode));
		append_dec_field(out, ev->vector);
		append_dec_field(out, ev->count);
		break;
	case TRACE_MODE:
		g_string_append_c(out, ' ');
		g_string_append(out, trace_irq_mode_name(ev->mode));
		if (ev->mode == TRACE_IRQ_MSI || ev->mode == TRACE_IRQ_MSIX)
			append_dec_field(out, ev->count);
		break;
	case TRACE_MAP:
		append_name(ev->name, out);
		append_hex_field(out, ev->iova, 1);
		append_dec_field(out, ev->size);
		break;
	case TRACE_UNMAP:
		append_name(ev->name, out);
		break;
	case TRACE_BUFW:
		append_name(ev->name, out);
		append_hex_field(out, ev->offset, 1);
		append_hex(ev->bytes, out);
		break;
	case TRACE_BUFR:
		append_name(ev->name, out);
		append_hex_field(out, ev->offset, 1);
		append_dec_field(out, ev->size);
		g_string_append_c(out, ' ');
		g_string_append(out, ev->sha256);
		break;
	case TRACE_DMAR:
	case TRACE_DMAW:
		append_name(ev->name, out);
		append_hex_field(out, ev->offset, 1);
		append_dec_field(out, ev->size);
		break;
	case TRACE_RESET:
		break;
	case TRACE_MARK:
		if (ev->text) {
			g_string_append_c(out, ' ');
			g_string_append(out, ev->text);
		}
		break;
	case TRACE_LOST:
		append_dec_field(out, ev->count);
		break;
	}
	append_err(ev, out);
}

void trace_event_format(const struct trace_event *ev, GString *out)
{
	trace_append_dec(out, ev->seq);
	append_dec_field(out, ev->usec);
	g_string_append_c(out, ' ');
	trace_event_format_body(ev, out);
	g_string_append_c(out, '\n');
}

/* ---- parsing ----------------------------------------------------------- */

struct field {
	const char *p;
	size_t len;
};

static bool fail(GError **err, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static bool fail(GError **err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (err)
		*err = g_error_new_valist(TRACE_ERROR, code, fmt, ap);
	va_end(ap);
	return false;
}

static bool field_is(const struct field *f, const char *s)
{
	return f->len == strlen(s) && memcmp(f->p, s, f->len) == 0;
}

/* A decimal number without sign or leading zeros (0 itself is fine). */
static bool parse_dec(const struct field *f, uint64_t *v)
{
	uint64_t n = 0;

	if (f->len == 0 || f->len > 20 || (f->len > 1 && f->p[0] == '0'))
		return false;
	for (size_t i = 0; i < f->len; i++) {
		unsigned d = (unsigned char)f->p[i] - '0';

		if (d > 9 || n > (UINT64_MAX - d) / 10)
			return false;
		n = n * 10 + d;
	}
	*v = n;
	return true;
}

/* "0x" and 1 to 16 lower-case hex digits; digits == 0 means any count. */
static bool parse_hex(const struct field *f, size_t digits, uint64_t *v)
{
	uint64_t n = 0;
	size_t nd = f->len - 2;

	if (f->len < 3 || f->p[0] != '0' || f->p[1] != 'x' || nd > 16 || (digits && nd != digits))
		return false;
	for (size_t i = 2; i < f->len; i++) {
		char c = f->p[i];
		int d = g_ascii_xdigit_value(c);

		if (d < 0 || g_ascii_isupper(c))
			return false;
		n = n << 4 | (unsigned)d;
	}
	*v = n;
	return true;
}

/* A byte count: decimal, or 0x hex for those who write sizes that way. */
static bool parse_count(const struct field *f, uint64_t *v)
{
	return parse_dec(f, v) || parse_hex(f, 0, v);
}

/* Register names: a letter or '_' first, then letters, digits, "_.[]/-". */
static char *parse_register(const struct field *f)
{
	if (f->len == 0 || f->len > TRACE_NAME_MAX || !(g_ascii_isalpha(f->p[0]) || f->p[0] == '_'))
		return NULL;
	for (size_t i = 1; i < f->len; i++) {
		char c = f->p[i];

		if (!g_ascii_isalnum(c) && !strchr("_.[]/-", c))
			return NULL;
	}
	return g_strndup(f->p, f->len);
}

static bool parse_buffer_name(const struct field *f, struct trace_event *ev, GError **err)
{
	/* a file name in dma/: no '/', not "." or ".." */
	ev->name = trace_name_unescape(f->p, f->len);
	if (ev->name && !strchr(ev->name, '/') && strcmp(ev->name, ".") != 0 &&
	    strcmp(ev->name, "..") != 0)
		return true;
	g_clear_pointer(&ev->name, g_free);
	return fail(err, EINVAL, "bad buffer name '%.*s'", (int)MIN(f->len, 64), f->p);
}

static bool parse_offset(const struct field *f, uint64_t *v, GError **err)
{
	if (!parse_hex(f, 0, v))
		return fail(err, EINVAL, "offset '%.*s' is not 0x and lower-case hex",
			    (int)MIN(f->len, 64), f->p);
	if (*v >= TRACE_OFFSET_MAX)
		return fail(err, ERANGE, "offset 0x%" G_GINT64_MODIFIER "x is absurd", *v);
	return true;
}

static bool parse_size(const struct field *f, uint64_t max, uint64_t *v, GError **err)
{
	if (!parse_count(f, v))
		return fail(err, EINVAL, "length '%.*s' is not a number", (int)MIN(f->len, 64), f->p);
	if (*v == 0 || *v > max)
		return fail(err, ERANGE, "length %" G_GUINT64_FORMAT " is absurd", *v);
	return true;
}

/*
 * Strips a trailing "ERR NAME" (kinds that may fail): *n shrinks by two.
 * The last two fields must be exactly that to count as an error.
 */
static bool take_err(struct field *f, size_t *n, size_t min, struct trace_event *ev, GError **err)
{
	char name[32];

	if (*n < min + 2 || !field_is(&f[*n - 2], "ERR"))
		return true;
	if (f[*n - 1].len >= sizeof(name))
		return fail(err, EINVAL, "unknown errno name");
	memcpy(name, f[*n - 1].p, f[*n - 1].len);
	name[f[*n - 1].len] = '\0';
	ev->err = trace_errno_parse(name);
	if (!ev->err)
		return fail(err, EINVAL, "unknown errno name '%s'", name);
	*n -= 2;
	return true;
}

static bool want_fields(size_t n, size_t lo, size_t hi, const struct trace_event *ev, GError **err)
{
	if (n < lo || n > hi)
	{
		if (hi > lo)
			return fail(err, EINVAL, "%s takes %zu to %zu fields, not %zu",
				    trace_kind_name(ev->kind), lo, hi, n);
		return fail(err, EINVAL, "%s takes %zu fields, not %zu", trace_kind_name(ev->kind), lo, n);
	}
	return true;
}

/* R/W SPACE OFFSET WIDTH [VALUE] [REGISTER] [ERR NAME] */
static bool parse_access(struct field *f, size_t n, struct trace_event *ev, GError **err)
{
	uint64_t width;
	size_t i = 3;
	char space[8];

	if (!take_err(f, &n, 3, ev, err) || !want_fields(n, 3, 5, ev, err))
		return false;
	if (f[0].len >= sizeof(space))
		return fail(err, EINVAL, "unknown space");
	memcpy(space, f[0].p, f[0].len);
	space[f[0].len] = '\0';
	if (!trace_space_parse(space, &ev->space))
		return fail(err, EINVAL, "unknown space '%s'", space);
	if (!parse_offset(&f[1], &ev->offset, err))
		return false;
	if (!parse_dec(&f[2], &width) || (width != 1 && width != 2 && width != 4 && width != 8))
		return fail(err, EINVAL, "width '%.*s' is not 1, 2, 4 or 8", (int)MIN(f[2].len, 32),
			    f[2].p);
	ev->width = (unsigned)width;
	if (ev->offset % width)
		return fail(err, EINVAL, "offset 0x%" G_GINT64_MODIFIER "x is not aligned to its width",
			    ev->offset);
	if (i < n && f[i].len > 2 && f[i].p[0] == '0' && f[i].p[1] == 'x') {
		if (!parse_hex(&f[i], width * 2, &ev->value))
			return fail(err, EINVAL, "value '%.*s' is not 0x and %u lower-case hex digits",
				    (int)MIN(f[i].len, 40), f[i].p, (unsigned)width * 2);
		ev->has_value = true;
		i++;
	}
	/* A write always says what it wrote; a read only when it succeeded. */
	if (!ev->has_value && (ev->kind == TRACE_W || !ev->err))
		return fail(err, EINVAL, "%s without a value", trace_kind_name(ev->kind));
	if (ev->has_value && ev->kind == TRACE_R && ev->err)
		return fail(err, EINVAL, "a failed read has no value");
	if (i < n) {
		ev->name = parse_register(&f[i]);
		if (!ev->name)
			return fail(err, EINVAL, "bad register name '%.*s'", (int)MIN(f[i].len, 64),
				    f[i].p);
		i++;
	}
	return i == n ? true : fail(err, EINVAL, "too many fields");
}

static bool parse_mode_name(const struct field *f, enum trace_irq_mode *mode)
{
	for (enum trace_irq_mode m = TRACE_IRQ_OFF; m <= TRACE_IRQ_MSIX; m++) {
		if (field_is(f, trace_irq_mode_name(m))) {
			*mode = m;
			return true;
		}
	}
	return false;
}

/* IRQ MODE VECTOR COUNT */
static bool parse_irq(struct field *f, size_t n, struct trace_event *ev, GError **err)
{
	uint64_t vector;

	if (!want_fields(n, 3, 3, ev, err))
		return false;
	if (!parse_mode_name(&f[0], &ev->mode) || ev->mode == TRACE_IRQ_OFF)
		return fail(err, EINVAL, "IRQ mode is not intx, msi or msix");
	if (!parse_dec(&f[1], &vector) || vector > 2047)
		return fail(err, ERANGE, "IRQ vector is not 0 to 2047");
	ev->vector = (uint32_t)vector;
	if (!parse_dec(&f[2], &ev->count) || ev->count == 0)
		return fail(err, EINVAL, "IRQ count is not a positive number");
	return true;
}

/* MODE intx|msi N|msix N|off [ERR NAME] */
static bool parse_mode(struct field *f, size_t n, struct trace_event *ev, GError **err)
{
	if (!take_err(f, &n, 1, ev, err) || !want_fields(n, 1, 2, ev, err))
		return false;
	if (!parse_mode_name(&f[0], &ev->mode))
		return fail(err, EINVAL, "MODE is not intx, msi N, msix N or off");
	if (ev->mode == TRACE_IRQ_MSI || ev->mode == TRACE_IRQ_MSIX) {
		if (n != 2 || !parse_dec(&f[1], &ev->count) || ev->count == 0 || ev->count > 2048)
			return fail(err, ERANGE, "MODE %s needs a vector count of 1 to 2048",
				    trace_irq_mode_name(ev->mode));
	} else if (n != 1) {
		return fail(err, EINVAL, "MODE %s takes no count", trace_irq_mode_name(ev->mode));
	}
	return true;
}

/* BUFW BUFFER OFFSET HEXBYTES */
static bool parse_bufw(struct field *f, size_t n, struct trace_event *ev, GError **err)
{
	guint8 *bytes;
	size_t len;

	if (!want_fields(n, 3, 3, ev, err) || !parse_buffer_name(&f[0], ev, err) ||
	    !parse_offset(&f[1], &ev->offset, err))
		return false;
	if (f[2].len == 0 || f[2].len % 2 || f[2].len / 2 > TRACE_BUFW_MAX)
		return fail(err, ERANGE, "BUFW carries 1 to %d bytes as pairs of hex digits",
			    TRACE_BUFW_MAX);
	len = f[2].len / 2;
	bytes = g_malloc(len);
	for (size_t i = 0; i < len; i++) {
		char a = f[2].p[2 * i], b = f[2].p[2 * i + 1];
		int hi = g_ascii_xdigit_value(a), lo = g_ascii_xdigit_value(b);

		if (hi < 0 || lo < 0 || g_ascii_isupper(a) || g_ascii_isupper(b)) {
			g_free(bytes);
			return fail(err, EINVAL, "BUFW bytes are not lower-case hex");
		}
		bytes[i] = (guint8)(hi << 4 | lo);
	}
	ev->bytes = g_bytes_new_take(bytes, len);
	ev->size = len;
	return true;
}

/* BUFR BUFFER OFFSET LEN SHA256 */
static bool parse_bufr(struct field *f, size_t n, struct trace_event *ev, GError **err)
{
	if (!want_fields(n, 4, 4, ev, err) || !parse_buffer_name(&f[0], ev, err) ||
	    !parse_offset(&f[1], &ev->offset, err) || !parse_size(&f[2], TRACE_SIZE_MAX, &ev->size, err))
		return false;
	if (f[3].len != 64)
		return fail(err, EINVAL, "BUFR's SHA256 is not 64 hex digits");
	for (size_t i = 0; i < 64; i++)
		if (g_ascii_xdigit_value(f[3].p[i]) < 0 || g_ascii_isupper(f[3].p[i]))
			return fail(err, EINVAL, "BUFR's SHA256 is not lower-case hex");
	memcpy(ev->sha256, f[3].p, 64);
	ev->sha256[64] = '\0';
	return true;
}

/* DMAR/DMAW BUFFER OFFSET LEN [ERR NAME]; BUFFER "-" when outside every buffer (offset = IOVA). */
static bool parse_dma(struct field *f, size_t n, struct trace_event *ev, GError **err)
{
	if (!take_err(f, &n, 3, ev, err) || !want_fields(n, 3, 3, ev, err) ||
	    !parse_buffer_name(&f[0], ev, err))
		return false;
	if (!parse_hex(&f[1], 0, &ev->offset))
		return fail(err, EINVAL, "DMA offset is not 0x and lower-case hex");
	return parse_size(&f[2], TRACE_SIZE_MAX, &ev->size, err);
}

/* MAP BUFFER IOVA SIZE */
static bool parse_map(struct field *f, size_t n, struct trace_event *ev, GError **err)
{
	if (!want_fields(n, 3, 3, ev, err) || !parse_buffer_name(&f[0], ev, err))
		return false;
	if (!parse_hex(&f[1], 0, &ev->iova))
		return fail(err, EINVAL, "MAP's IOVA is not 0x and lower-case hex");
	if (!parse_size(&f[2], TRACE_SIZE_MAX, &ev->size, err))
		return false;
	if (ev->iova + ev->size < ev->iova)
		return fail(err, ERANGE, "MAP's range wraps around");
	return true;
}

/* Every byte printable ASCII; the MARK text (from text on) also UTF-8. */
static bool check_bytes(const char *line, size_t len, size_t text, GError **err)
{
	for (size_t i = 0; i < MIN(len, text); i++) {
		unsigned char c = (unsigned char)line[i];

		if (c < ' ' || c > '~')
			return fail(err, EINVAL, "byte 0x%02x at column %zu is not printable ASCII", c,
				    i + 1);
	}
	if (text < len) {
		for (size_t i = text; i < len; i++) {
			unsigned char c = (unsigned char)line[i];

			if (c < ' ' || c == 0x7f)
				return fail(err, EINVAL, "control byte 0x%02x in MARK text at column %zu",
					    c, i + 1);
		}
		if (!g_utf8_validate(line + text, (gssize)(len - text), NULL))
			return fail(err, EINVAL, "MARK text is not UTF-8");
	}
	return true;
}

static size_t split(const char *line, size_t len, struct field *f, size_t max, GError **err)
{
	size_t n = 0, start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && line[i] != ' ')
			continue;
		if (i == start) {
			fail(err, EINVAL, "empty field at column %zu (one space between fields)", i + 1);
			return 0;
		}
		if (n == max) {
			fail(err, EINVAL, "too many fields");
			return 0;
		}
		f[n].p = line + start;
		f[n].len = i - start;
		n++;
		start = i + 1;
	}
	return n;
}

static const struct {
	const char *name;
	enum trace_kind kind;
	bool (*parse)(struct field *f, size_t n, struct trace_event *ev, GError **err);
} kinds[] = {
	{ "R", TRACE_R, parse_access },       { "W", TRACE_W, parse_access },
	{ "IRQ", TRACE_IRQ, parse_irq },      { "MODE", TRACE_MODE, parse_mode },
	{ "MAP", TRACE_MAP, parse_map },      { "UNMAP", TRACE_UNMAP, NULL },
	{ "BUFW", TRACE_BUFW, parse_bufw },   { "BUFR", TRACE_BUFR, parse_bufr },
	{ "DMAR", TRACE_DMAR, parse_dma },    { "DMAW", TRACE_DMAW, parse_dma },
	{ "RESET", TRACE_RESET, NULL },       { "MARK", TRACE_MARK, NULL },
	{ "LOST", TRACE_LOST, NULL },
};

static bool parse_rest(struct field *f, size_t n, struct trace_event *ev, GError **err)
{
	switch (ev->kind) {
	case TRACE_UNMAP:
		return want_fields(n, 1, 1, ev, err) && parse_buffer_name(&f[0], ev, err);
	case TRACE_RESET:
		return take_err(f, &n, 0, ev, err) && want_fields(n, 0, 0, ev, err);
	case TRACE_LOST:
		if (!want_fields(n, 1, 1, ev, err))
			return false;
		if (!parse_dec(&f[0], &ev->count) || ev->count == 0)
			return fail(err, EINVAL, "LOST count is not a positive number");
		return true;
	default:
		for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
			if (kinds[i].kind == ev->kind)
				return kinds[i].parse(f, n, ev, err);
		return fail(err, EINVAL, "unknown kind");
	}
}

/* Finds the kind in the third field; *rest is where its fields start. */
static bool parse_prefix(const char *line, size_t len, struct trace_event *ev, size_t *rest,
			 GError **err)
{
	struct field f[3];
	size_t n = 0, start = 0, i;

	for (i = 0; i <= len && n < 3; i++) {
		if (i < len && line[i] != ' ')
			continue;
		if (i == start)
			return fail(err, EINVAL, "empty field at column %zu (one space between fields)",
				    i + 1);
		f[n].p = line + start;
		f[n].len = i - start;
		n++;
		start = i + 1;
	}
	if (n < 3)
		return fail(err, EINVAL, "not SEQ USEC KIND");
	if (!parse_dec(&f[0], &ev->seq) || ev->seq == 0)
		return fail(err, EINVAL, "SEQ is not a positive decimal number");
	if (!parse_dec(&f[1], &ev->usec))
		return fail(err, EINVAL, "USEC is not a decimal number");
	for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++) {
		if (field_is(&f[2], kinds[k].name)) {
			ev->kind = kinds[k].kind;
			*rest = MIN(i, len);
			return true;
		}
	}
	return fail(err, EINVAL, "unknown kind '%.*s'", (int)MIN(f[2].len, 32), f[2].p);
}

bool trace_event_parse(const char *line, size_t len, struct trace_event *ev, GError **err)
{
	struct field f[MAX_FIELDS];
	size_t rest = 0, n = 0;
	const char *mark;

	memset(ev, 0, sizeof(*ev));
	if (len > TRACE_LINE_MAX)
		return fail(err, E2BIG, "longer than %d bytes", TRACE_LINE_MAX);
	/* MARK's text may hold any UTF-8; everything before it is ASCII */
	mark = len >= 6 ? g_strstr_len(line, (gssize)MIN(len, 48), " MARK") : NULL;
	if (!check_bytes(line, len, mark && (size_t)(mark - line) + 5 <= len ?
					    (size_t)(mark - line) + 5 : len, err))
		return false;
	if (!parse_prefix(line, len, ev, &rest, err))
		goto bad;
	if (ev->kind == TRACE_MARK) {
		/* the rest of the line, as written */
		if (rest < len && len - rest > TRACE_MARK_MAX) {
			fail(err, E2BIG, "MARK text longer than %d bytes", TRACE_MARK_MAX);
			goto bad;
		}
		if (rest < len)
			ev->text = g_strndup(line + rest, len - rest);
		if (rest == len && line[len - 1] == ' ') {
			fail(err, EINVAL, "a trailing space after MARK");
			goto bad;
		}
		return true;
	}
	if (rest < len) {
		n = split(line + rest, len - rest, f, MAX_FIELDS, err);
		if (n == 0)
			goto bad;
	} else if (line[len - 1] == ' ') {
		fail(err, EINVAL, "a trailing space");
		goto bad;
	}
	if (parse_rest(f, n, ev, err))
		return true;
bad:
	trace_event_clear(ev);
	return false;
}
