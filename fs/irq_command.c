#include "fs/irq_command.h"
#include "vfio/error.h"

#include <string.h>

static const char *const mode_names[] = {
	[FS_IRQ_OFF] = "off", [FS_IRQ_INTX] = "intx", [FS_IRQ_MSI] = "msi", [FS_IRQ_MSIX] = "msix",
};

const char *fs_irq_mode_name(enum fs_irq_mode mode)
{
	return mode_names[mode];
}

static const struct {
	const char *word;
	enum fs_irq_verb verb;
	bool takes_number;
} verbs[] = {
	{ "intx", FS_IRQ_CMD_INTX, false },
	{ "msi", FS_IRQ_CMD_MSI, true },
	{ "msix", FS_IRQ_CMD_MSIX, true },
	{ "off", FS_IRQ_CMD_OFF, false },
	{ "unmask", FS_IRQ_CMD_UNMASK, false },
	{ "trigger", FS_IRQ_CMD_TRIGGER, true },
};

#define USAGE "commands: intx, msi N, msix N, off, unmask, trigger V"

/* A plain decimal number: no sign, no spaces, fits in 32 bits. */
static bool parse_number(const char *s, unsigned *out)
{
	guint64 v;

	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 10)
		return false;
	v = g_ascii_strtoull(s, NULL, 10);
	if (v > G_MAXUINT32)
		return false;
	*out = v;
	return true;
}

bool fs_irq_command_parse(const char *buf, size_t len, struct fs_irq_command *out, GError **err)
{
	g_autofree char *line = NULL;
	g_auto(GStrv) words = NULL;

	if (len > FS_IRQ_COMMAND_MAX || memchr(buf, '\0', len)) {
		vfio_set_error(err, EINVAL, "irq: a command is one short line; " USAGE);
		return false;
	}
	line = g_strndup(buf, len);
	if (len && line[len - 1] == '\n')
		line[len - 1] = '\0';
	if (strchr(line, '\n')) {
		vfio_set_error(err, EINVAL, "irq: one command per write; " USAGE);
		return false;
	}
	words = g_strsplit_set(g_strstrip(line), " \t", -1);
	for (unsigned i = 0; words[0] && i < G_N_ELEMENTS(verbs); i++) {
		guint n = g_strv_length(words);

		/* g_strsplit_set leaves empty words between repeated blanks: refuse them. */
		if (strcmp(words[0], verbs[i].word) != 0)
			continue;
		out->verb = verbs[i].verb;
		out->arg = 0;
		out->in_mode = false;
		if (!verbs[i].takes_number && n == 1)
			return true;
		if (verbs[i].takes_number && n == 2 && parse_number(words[1], &out->arg))
			return true;
		vfio_set_error(err, EINVAL, "irq: '%s' %s", line,
			       verbs[i].takes_number ? "needs one number, e.g. 'msi 1'" : "takes no argument");
		return false;
	}
	vfio_set_error(err, EINVAL, "irq: unknown command '%s'; " USAGE, line);
	return false;
}

size_t fs_irq_format_events(GString *out, enum fs_irq_mode mode, uint64_t *pending,
			    unsigned nvec, size_t max)
{
	size_t start = out->len;

	for (unsigned v = 0; v < nvec; v++) {
		char line[64];
		int n;

		if (!pending[v])
			continue;
		n = g_snprintf(line, sizeof(line), "%s %u %" G_GUINT64_FORMAT "\n",
			       fs_irq_mode_name(mode), v, pending[v]);
		if (out->len - start + n > max)
			break;
		g_string_append(out, line);
		pending[v] = 0;
	}
	return out->len - start;
}
