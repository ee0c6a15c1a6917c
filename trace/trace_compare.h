/*
 * Comparing a recorded item with another (the other trace's, or what the
 * device answered in a replay), and the report a person reads: a hunk per
 * MARK section with a difference, "-" the recorded line, "+" the other,
 * "~" a poll whose count differs, a few lines of context, and the summary
 * line "N matched, N differ, N polls differ".
 */
#pragma once

#include "trace/trace_collapse.h"
#include "trace/trace_iova.h"

#include <stdio.h>

/* --ignore SPACE:OFFSET and --mask SPACE:OFFSET:MASK */
struct trace_filter;

struct trace_filter *trace_filter_new(void);
void trace_filter_free(struct trace_filter *f);
bool trace_filter_add_ignore(struct trace_filter *f, const char *arg, GError **err);
bool trace_filter_add_mask(struct trace_filter *f, const char *arg, GError **err);
/* --ignore-data: buffer contents (BUFW bytes, BUFR SHA-256) are not compared, only their lengths. */
void trace_filter_ignore_data(struct trace_filter *f, bool ignore);
/* The bits of an access at that place that are compared (0: none; all ones: every bit). */
uint64_t trace_filter_bits(const struct trace_filter *f, enum trace_space space, uint64_t offset);

/*
 * Whether two items are the same thing done (kind and place), whatever
 * their results. names maps the buffer names of a's trace to b's (two runs
 * of a script that names its buffers after its process id); NULL: the same
 * names. With names, a MAP matches a MAP whatever the names (the caller
 * then adds the pair).
 */
bool trace_item_same_key(const struct trace_item *a, const struct trace_item *b,
			 GHashTable *names);

enum trace_verdict {
	TRACE_SAME,
	TRACE_POLL_DIFFERS,     /* the same, but a poll took another number of reads */
	TRACE_DIFFERENT,
};

/*
 * Compares b (other) with a (recorded), of the same key: read values under
 * the filter, errors, write values with IOVAs by buffer name (ia and ib:
 * the buffers of a's and b's traces; NULL when b's values were already
 * rewritten), buffer contents.
 */
enum trace_verdict trace_item_compare(const struct trace_item *a, const struct trace_item *b,
				      const struct trace_filter *f, const struct trace_iova_map *ia,
				      const struct trace_iova_map *ib, GHashTable *names);

struct trace_report;

/* Writes to out; a_label and b_label head the report ("--- A", "+++ B"). */
struct trace_report *trace_report_new(FILE *out, const char *a_label, const char *b_label);
void trace_report_free(struct trace_report *r);

/* A MARK of the recording: a new section (its hunk header if something differs in it). */
void trace_report_section(struct trace_report *r, const struct trace_item *mark);
/* The outcome of one recorded item a against b (NULL: b has nothing there; a NULL: only b has it). */
void trace_report_item(struct trace_report *r, const struct trace_item *a, const struct trace_item *b,
		       enum trace_verdict verdict);
/* A difference that is not an item (a LOST line, an interrupt that never came): why. */
void trace_report_note(struct trace_report *r, const struct trace_item *a, const char *why);
/* Prints the summary line; 0 when nothing differs, 1 otherwise. */
int trace_report_finish(struct trace_report *r);
void trace_report_counts(const struct trace_report *r, uint64_t *matched, uint64_t *differ,
			 uint64_t *polls);
