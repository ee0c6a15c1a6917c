/*
 * One line of a vfiofs trace (SPEC.md "Traces"), as a structure: the
 * printer and the parser of the line format live in trace_line.c, the
 * header line in trace_header.c. No FUSE, no VFIO: the daemon, the replay
 * tool and the tests share this.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* The longest line (newline excluded) a trace may have; a longer one is an error. */
#define TRACE_LINE_MAX (256 * 1024)
/* The most bytes one BUFW line carries; a longer write is several lines. */
#define TRACE_BUFW_MAX (64 * 1024)
/* The longest MARK text, register name and buffer name (as written, escaped). */
#define TRACE_MARK_MAX 4096
#define TRACE_NAME_MAX 255
/* Offsets (into a region or a buffer) and buffer sizes a line may name. */
#define TRACE_OFFSET_MAX (1ULL << 48)
#define TRACE_SIZE_MAX (1ULL << 40)

enum trace_kind {
	TRACE_R,
	TRACE_W,
	TRACE_IRQ,
	TRACE_MODE,
	TRACE_MAP,
	TRACE_UNMAP,
	TRACE_BUFW,
	TRACE_BUFR,
	TRACE_DMAR,
	TRACE_DMAW,
	TRACE_RESET,
	TRACE_MARK,
	TRACE_LOST,
};

/* The region an R or W line names. */
enum trace_space {
	TRACE_CONFIG,
	TRACE_BAR0,
	TRACE_BAR5 = TRACE_BAR0 + 5,
	TRACE_ROM,
	TRACE_SPACES,
};

/* Interrupt modes of IRQ and MODE lines. */
enum trace_irq_mode {
	TRACE_IRQ_OFF,
	TRACE_IRQ_INTX,
	TRACE_IRQ_MSI,
	TRACE_IRQ_MSIX,
};

struct trace_event {
	uint64_t seq;           /* 1 on the first line after the header */
	uint64_t usec;          /* since the stream opened */
	enum trace_kind kind;
	int err;                /* a failed access: its errno (ERR NAME); else 0 */

	/* R, W: the access. BUFW, BUFR, DMAR, DMAW: offset into the buffer. */
	enum trace_space space;
	uint64_t offset;
	unsigned width;         /* 1, 2, 4 or 8 */
	uint64_t value;         /* R, W; a failed R has none (0) */
	bool has_value;

	/* R, W: the register's name, or NULL. MAP, UNMAP, BUF*, DMA*: the buffer's. */
	char *name;

	/* IRQ: mode, vector, count. MODE: mode and vector count (count). */
	enum trace_irq_mode mode;
	uint32_t vector;
	uint64_t count;         /* IRQ, MODE (N), LOST (N) */

	uint64_t iova;          /* MAP */
	uint64_t size;          /* MAP: size; BUFR, DMAR, DMAW: length */
	GBytes *bytes;          /* BUFW */
	char sha256[65];        /* BUFR: lower-case hex */
	char *text;             /* MARK */
};

/* The header line: "# vfiofs-trace 1 NAME VENDOR:DEVICE TRANSPORT". */
struct trace_header {
	char *name;
	uint16_t vendor, device;
	char *transport;
};

#define TRACE_ERROR (trace_error_quark())
GQuark trace_error_quark(void);

const char *trace_kind_name(enum trace_kind kind);
const char *trace_space_name(enum trace_space space);
const char *trace_irq_mode_name(enum trace_irq_mode mode);
/* The space named NAME (config, bar0..bar5, rom); false when none is. */
bool trace_space_parse(const char *name, enum trace_space *space);

/* An errno's name as a trace writes it (EIO), "E" and the number when unnamed. */
const char *trace_errno_name(int err, char buf[16]);
/* The errno of such a name; 0 when the name is not one. */
int trace_errno_parse(const char *name);

/* Frees what the event owns and zeroes it. */
void trace_event_clear(struct trace_event *ev);
void trace_event_copy(struct trace_event *dst, const struct trace_event *src);

/*
 * Appends the line of ev, newline included, to out: "SEQ USEC KIND ..."
 * (trace_event_format) or only "KIND ..." without the newline, for reports
 * (trace_event_format_body).
 */
void trace_event_format(const struct trace_event *ev, GString *out);
void trace_event_format_body(const struct trace_event *ev, GString *out);

/*
 * Parses one line (len bytes, no newline) into ev, which the caller clears
 * afterwards. On failure ev is left cleared and err (TRACE_ERROR, code an
 * errno) says what is wrong, without the line number (the reader adds it).
 */
bool trace_event_parse(const char *line, size_t len, struct trace_event *ev, GError **err);

bool trace_header_parse(const char *line, size_t len, struct trace_header *h, GError **err);
void trace_header_format(const struct trace_header *h, GString *out);
void trace_header_clear(struct trace_header *h);

/*
 * Names (buffers, registers) are written with bytes outside '!'..'~' and
 * '%' as %XX, so that a name is one field; these undo and do that.
 */
void trace_name_escape(const char *name, GString *out);
char *trace_name_unescape(const char *field, size_t len);
