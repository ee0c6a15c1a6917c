#include "fs/irq/irq_command.h"
#include "vfio/error.h"

#include <linux/vfio.h>
#include <string.h>

static const struct fs_irq_mode_info modes[] = {
	[FS_IRQ_OFF] = { "off", 0, false, NULL },
	[FS_IRQ_INTX] = { "intx", VFIO_PCI_INTX_IRQ_INDEX, false, "the device has no INTx pin" },
	[FS_IRQ_MSI] = { "msi", VFIO_PCI_MSI_IRQ_INDEX, true, "the device offers no MSI" },
	[FS_IRQ_MSIX] = { "msix", VFIO_PCI_MSIX_IRQ_INDEX, true, "the device offers no MSI-X" },
};

G_STATIC_ASSERT(G_N_ELEMENTS(modes) == FS_IRQ_MODE_COUNT);

const struct fs_irq_mode_info *fs_irq_mode_info(enum fs_irq_mode mode)
{
	return &modes[mode];
}

const char *fs_irq_mode_name(enum fs_irq_mode mode)
{
	return modes[mode].name;
}

enum fs_irq_mode fs_irq_mode_of_index(unsigned index)
{
	for (unsigned m = FS_IRQ_OFF + 1; m < FS_IRQ_MODE_COUNT; m++)
		if (modes[m].vfio_index == index)
			return m;
	return FS_IRQ_OFF;
}

/* The commands besides the modes' own words. */
static const struct {
	const char *word;
	enum fs_irq_verb verb;
	bool takes_number;
} verbs[] = {
	{ "off", FS_IRQ_CMD_OFF, false },
	{ "unmask", FS_IRQ_CMD_UNMASK, false },
	{ "trigger", FS_IRQ_CMD_TRIGGER, true },
};

/* "commands: intx, msi N, msix N, off, unmask, trigger V", from the tables. */
static char *usage(void)
{
	GString *s = g_string_new("commands:");

	for (unsigned m = FS_IRQ_OFF + 1; m < FS_IRQ_MODE_COUNT; m++)
		g_string_append_printf(s, " %s%s,", modes[m].name, modes[m].counted ? " N" : "");
	for (unsigned i = 0; i < G_N_ELEMENTS(verbs); i++)
		g_string_append_printf(s, " %s%s,", verbs[i].word, verbs[i].takes_number ? " V" : "");
	g_string_truncate(s, s->len - 1);
	return g_string_free(s, FALSE);
}

/* words[0] as a command: its verb, mode and whether it takes a number; false if unknown. */
static bool find_verb(const char *word, struct fs_irq_command *out, bool *takes_number)
{
	for (unsigned m = FS_IRQ_OFF + 1; m < FS_IRQ_MODE_COUNT; m++)
		if (strcmp(word, modes[m].name) == 0) {
			*out = (struct fs_irq_command){ .verb = FS_IRQ_CMD_SET, .mode = m };
			*takes_number = modes[m].counted;
			return true;
		}
	for (unsigned i = 0; i < G_N_ELEMENTS(verbs); i++)
		if (strcmp(word, verbs[i].word) == 0) {
			*out = (struct fs_irq_command){ .verb = verbs[i].verb };
			*takes_number = verbs[i].takes_number;
			return true;
		}
	return false;
}

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
	g_autofree char *commands = usage();
	g_auto(GStrv) words = NULL;
	bool takes_number;
	guint n;

	if (len > FS_IRQ_COMMAND_MAX || memchr(buf, '\0', len)) {
		vfio_set_error(err, EINVAL, "irq: a command is one short line; %s", commands);
		return false;
	}
	line = g_strndup(buf, len);
	if (len && line[len - 1] == '\n')
		line[len - 1] = '\0';
	if (strchr(line, '\n')) {
		vfio_set_error(err, EINVAL, "irq: one command per write; %s", commands);
		return false;
	}
	words = g_strsplit_set(g_strstrip(line), " \t", -1);
	if (!words[0] || !find_verb(words[0], out, &takes_number)) {
		vfio_set_error(err, EINVAL, "irq: unknown command '%s'; %s", line, commands);
		return false;
	}
	/* g_strsplit_set leaves empty words between repeated blanks: refuse them. */
	n = g_strv_length(words);
	if (!takes_number && n == 1)
		return true;
	if (takes_number && n == 2 && parse_number(words[1], &out->arg))
		return true;
	vfio_set_error(err, EINVAL, "irq: '%s' %s", line,
		       takes_number ? "needs one number, e.g. 'msi 1'" : "takes no argument");
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
