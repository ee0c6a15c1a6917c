/*
 * The text of the irq file: commands written to it and the event lines read
 * from it.  Pure functions, unit-tested in tests/unit/fs/irq/test_irq_command.c.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest command line accepted (a longer write is EINVAL, not truncated). */
#define FS_IRQ_COMMAND_MAX 64

enum fs_irq_mode { FS_IRQ_OFF, FS_IRQ_INTX, FS_IRQ_MSI, FS_IRQ_MSIX, FS_IRQ_MODE_COUNT };

/*
 * What an interrupt mode is, the one place a mode is described: its
 * command (and info) word, the VFIO irq index it enables, whether its
 * command takes a vector count ("msi N") or enables one vector ("intx"),
 * and why it is refused on a device that offers none.
 */
struct fs_irq_mode_info {
	const char *name;
	unsigned vfio_index;
	bool counted;
	const char *none_offered;
};

/* FS_IRQ_OFF's is "off", with no index. */
const struct fs_irq_mode_info *fs_irq_mode_info(enum fs_irq_mode mode);
/* The mode that enables VFIO irq index, or FS_IRQ_OFF if none does. */
enum fs_irq_mode fs_irq_mode_of_index(unsigned index);

enum fs_irq_verb {
	FS_IRQ_CMD_SET,      /* a mode's word: intx, msi N, msix N (mode and arg say which) */
	FS_IRQ_CMD_OFF,      /* off */
	FS_IRQ_CMD_UNMASK,   /* unmask */
	FS_IRQ_CMD_TRIGGER,  /* trigger V */
};

struct fs_irq_command {
	enum fs_irq_verb verb;
	unsigned arg;  /* N or V */
	/*
	 * SET: the mode to set.  Else, if in_mode: binary callers name the
	 * mode they mean (the ioctls' index), and off and trigger then apply
	 * only in that mode, checked with the state locked.
	 */
	bool in_mode;
	enum fs_irq_mode mode;
};

/* Parses one command line (newline optional); err (EINVAL) says what is wrong. */
bool fs_irq_command_parse(const char *buf, size_t len, struct fs_irq_command *out, GError **err);

/* "off", "intx", "msi", "msix": fs_irq_mode_info(mode)->name. */
const char *fs_irq_mode_name(enum fs_irq_mode mode);

/*
 * Appends "MODE VECTOR COUNT\n" for each vector with pending[v] > 0, in
 * vector order, as long as whole lines fit in max bytes, and zeroes the
 * pending count of each vector written.  Returns the bytes appended.
 */
size_t fs_irq_format_events(GString *out, enum fs_irq_mode mode, uint64_t *pending,
			    unsigned nvec, size_t max);
