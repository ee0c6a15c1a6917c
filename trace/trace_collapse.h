/*
 * Poll collapsing: a run of consecutive successful reads of one register
 * (same space, offset and width) with nothing between them but interrupts
 * becomes one item, the run's last read and its count. Interrupts that
 * arrived during the run come after it (merged per vector), so that where an
 * interrupt landed inside a poll does not split it. Every other event is an
 * item of its own, in order. Memory is bounded by the number of vectors.
 */
#pragma once

#include "trace/trace_event.h"

struct trace_item {
	struct trace_event ev;  /* a run of reads: its last read */
	uint64_t count;         /* reads in the run; 1 for every other item */
	uint64_t line;          /* the line of the item's first event */
};

void trace_item_clear(struct trace_item *item);

struct trace_collapse;

struct trace_collapse *trace_collapse_new(void);
void trace_collapse_free(struct trace_collapse *c);

/* Takes ev (cleared on return), from the given line of its trace. */
void trace_collapse_push(struct trace_collapse *c, struct trace_event *ev, uint64_t line);
/* The end of the trace: a pending run becomes an item. */
void trace_collapse_finish(struct trace_collapse *c);
/* The next finished item into item (the caller clears it); false when none is ready. */
bool trace_collapse_pop(struct trace_collapse *c, struct trace_item *item);
