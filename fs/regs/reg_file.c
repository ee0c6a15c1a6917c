/*
 * The files of regs/ (a register or REGISTER.FIELD; under .consume/, a
 * register whose read has a side effect) and registers (the dump). The
 * device is touched only by a read at offset 0 (one access, or one per
 * register for the dump; later reads of the same open file return the
 * rest of that text) and by a write at offset 0 (one access, or one read
 * and one write for a field); open, stat and listings never touch it.
 */
#define G_LOG_DOMAIN "reg-file"
#include "fs/regs/regs.h"
#include "fs/device_dir.h"
#include "fs/file_ops.h"
#include "regmap/dump.h"
#include "regmap/regmap.h"
#include "regmap/rmw.h"
#include "regmap/value.h"

#include <errno.h>
#include <fcntl.h>

/* What one value can take as text, with room for a newline and leading zeros. */
#define WRITE_MAX 128

static const char *name_of(const struct fs_node *n)
{
	return n->entry->field ? n->entry->field->file : n->entry->reg->name;
}

static int refuse(struct fs_handle *h, int err, const char *why)
{
	g_message("%s: regs/%s%s: %s", h->dev->name, h->node->consume ? ".consume/" : "",
		  name_of(h->node), why);
	return err;
}

static int reg_open(struct fs_handle *h, int flags)
{
	const struct regmap_entry *e = h->node->entry;
	const struct regmap_register *r = e->reg;
	const struct regmap_field *f = e->field;
	bool reads = regmap_access_reads(r->access) && (!f || regmap_access_reads(f->access));
	g_autofree char *why = NULL;
	int err;

	/* The daemon's own checks: they hold for root too. */
	if (FS_WANTS_READ(flags) && !reads)
		return refuse(h, EACCES, "reading refused: it is write-only");
	if (FS_WANTS_READ(flags) && r->read_side_effect && !h->node->consume)
		return refuse(h, EACCES, "reading refused: a read has a side effect (readAction); "
			      "read it once with regs/.consume/ in front of its name");
	if (FS_WANTS_WRITE(flags) && h->node->consume)
		return refuse(h, EACCES, "writing refused: .consume/ is for reading; write regs/ itself");
	if (FS_WANTS_WRITE(flags) && !f && !regmap_access_writes(r->access))
		return refuse(h, EACCES, "writing refused: it is read-only");
	if (FS_WANTS_WRITE(flags) && f && (err = regmap_rmw_check(f, &why)))
		return refuse(h, err, why);
	return 0;
}

/* One access; the text in h->priv (a GBytes). */
static int reg_take(struct fs_handle *h)
{
	const struct regmap_entry *e = h->node->entry;
	char text[REGMAP_VALUE_TEXT_MAX + 1];
	uint64_t v;
	size_t len;
	int err = fs_reg_read(h->fs, h->dev, h->node->regs, e->reg, &v);

	if (err)
		return err;
	if (e->field)
		len = regmap_value_text(regmap_field_get(e->field, v), e->field->bits, text);
	else
		len = regmap_value_text(v, e->reg->bytes * 8, text);
	text[len++] = '\n';
	if (h->priv)
		g_bytes_unref(h->priv);
	h->priv = g_bytes_new(text, len);
	return 0;
}

static void reply_text(fuse_req_t req, struct fs_handle *h, size_t size, off_t off)
{
	g_autoptr(GBytes) text = g_bytes_ref(h->priv);
	size_t len;
	const char *p = g_bytes_get_data(text, &len);

	if ((size_t)off >= len)
		fuse_reply_buf(req, NULL, 0);
	else
		fuse_reply_buf(req, p + off, MIN(size, len - off));
}

static void reg_read(fuse_req_t req, struct fs_handle *h, size_t size, off_t off)
{
	int err = 0;

	/* The access is at offset 0; the rest of an open file's text costs nothing. */
	if (off == 0 || !h->priv)
		err = reg_take(h);
	if (err)
		fuse_reply_err(req, err);
	else
		reply_text(req, h, size, off);
}

static void reg_write(fuse_req_t req, struct fs_handle *h, const char *buf, size_t size, off_t off)
{
	const struct regmap_entry *e = h->node->entry;
	uint64_t v;
	int err;

	if (off != 0) {
		fuse_reply_err(req, refuse(h, EINVAL, "write refused: a value is written whole, at "
					   "offset 0 (a partial or appended write)"));
		return;
	}
	err = size > WRITE_MAX ? EINVAL
			       : regmap_value_parse(buf, size, e->field ? e->field->bits : e->reg->bytes * 8,
						    e->field ? e->field->enums : NULL, &v);
	if (err) {
		fuse_reply_err(req, refuse(h, err, err == ERANGE
			? "write refused: the value is too wide"
			: "write refused: expected a number (decimal or 0x hex)"
			  " or, for a field, the name of one of its values"));
		return;
	}
	err = e->field ? fs_reg_write_field(h->fs, h->dev, h->node->regs, e->field, v)
		       : fs_reg_write(h->fs, h->dev, h->node->regs, e->reg, v);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_write(req, size);
}

static void reg_release(struct fs_handle *h)
{
	if (h->priv)
		g_bytes_unref(h->priv);
}

const struct fs_file_ops fs_reg_file_ops = {
	.open = reg_open,
	.read = reg_read,
	.write = reg_write,
	.release = reg_release,
};

/* ---- registers ---- */

static int dump_read_one(const struct regmap_register *r, uint64_t *value, void *data)
{
	struct fs_handle *h = data;
	int err = fs_reg_read(h->fs, h->dev, h->node->regs, r, value);

	return -err;
}

static int dump_open(struct fs_handle *h, int flags)
{
	return FS_WANTS_WRITE(flags) ? EACCES : 0;
}

static void dump_read(fuse_req_t req, struct fs_handle *h, size_t size, off_t off)
{
	if (off == 0 || !h->priv) {
		char *text = regmap_dump(h->node->regs->map, dump_read_one, h);

		if (h->priv)
			g_bytes_unref(h->priv);
		h->priv = g_bytes_new_take(text, strlen(text));
	}
	reply_text(req, h, size, off);
}

const struct fs_file_ops fs_registers_file_ops = {
	.open = dump_open,
	.read = dump_read,
	.release = reg_release,
};

/* regs/, its block subdirectories and .consume/: fixed, made and removed with the description. */
const struct fs_file_ops fs_regs_dir_ops = {
	.xattrs = NULL,
};
