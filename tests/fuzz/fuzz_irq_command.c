/*
 * libFuzzer target for the irq command parser (fs/irq/irq_command.c): whatever
 * anyone with write access writes to a device's irq file.  Any bytes must be
 * refused with EINVAL and a message, or parsed into a known verb whose
 * number fits; never a crash, a leak or undefined behaviour.  Also formats
 * event lines from input-chosen counts into a bounded buffer.
 */
#include "fs/irq/irq_command.h"
#include "vfio/error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_parse(const uint8_t *data, size_t size)
{
	/* Exactly the input's bytes, no terminator: the parser must not read past len. */
	char *buf = g_malloc(size ? size : 1);
	struct fs_irq_command cmd;
	GError *err = NULL;

	memcpy(buf, data, size);
	if (fs_irq_command_parse(buf, size, &cmd, &err)) {
		if (cmd.verb > FS_IRQ_CMD_TRIGGER || size > FS_IRQ_COMMAND_MAX)
			abort();
	} else if (!err || err->domain != VFIO_ERROR || err->code != EINVAL || !err->message[0]) {
		abort();
	}
	g_clear_error(&err);
	g_free(buf);
}

/* Counts for up to 8 vectors from the input; the lines must fit the bound they were given. */
static void check_format(const uint8_t *data, size_t size)
{
	uint64_t pending[8] = { 0 };
	unsigned nvec = size ? data[0] % 9 : 0;
	size_t max = size > 1 ? data[1] : 0;
	GString *out = g_string_new(NULL);

	for (unsigned v = 0; v < nvec && 2 + (v + 1) * 8 <= size; v++)
		memcpy(&pending[v], data + 2 + v * 8, 8);
	if (fs_irq_format_events(out, (enum fs_irq_mode)(size ? data[0] % 4 : 0), pending, nvec,
				 max) > max)
		abort();
	g_string_free(out, TRUE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_parse(data, size);
	check_format(data, size);
	return 0;
}
