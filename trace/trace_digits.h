/*
 * Numbers as trace lines print them, without printf: a traced access
 * formats a line on the daemon's access path, and printf's machinery (a
 * malloc per g_string_append_printf) cost more than the rest of the line.
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

/* Longest text of a 64-bit number: 20 decimal digits, or "0x" and 16 hex digits. */
#define TRACE_DIGITS_MAX 20

/* v in decimal at dst (no NUL); its length. */
size_t trace_digits_dec(char *dst, uint64_t v);

void trace_append_dec(GString *out, uint64_t v);
/* "0x" then v in hex, at least min_digits digits. */
void trace_append_hex(GString *out, uint64_t v, unsigned min_digits);
/* Each byte as two hex digits. */
void trace_append_hex_bytes(GString *out, const uint8_t *p, size_t n);
