/*
 * Attaching a description: parse it whole first (nothing is half
 * attached), then, under the tree lock, give the device regs/ and
 * registers, replacing what an earlier description gave it.
 */
#define G_LOG_DOMAIN "regs-attach"
#include "fs/regs/regs.h"
#include "fs/device_dir.h"
#include "regmap/dump.h"
#include "regmap/regmap.h"
#include "regmap/rmw.h"
#include "regmap/spec.h"
#include "regmap/value.h"
#include "vfio/region.h"

#include <errno.h>
#include <linux/vfio.h>
#include <string.h>

void fs_regs_unref(struct fs_regs *regs)
{
	if (!regs || !g_atomic_int_dec_and_test(&regs->refs))
		return;
	regmap_free(regs->map);
	g_free(regs->spec);
	g_free(regs->file);
	g_free(regs);
}

static struct fs_regs *regs_ref(struct fs_regs *regs)
{
	g_atomic_int_inc(&regs->refs);
	return regs;
}

/* The size of a BAR of the device, or 0 when it has none. */
static uint64_t bar_size(struct fs_device *dev, unsigned bar)
{
	struct vfio_device *vdev = fs_device_read_lock(dev);
	const struct vfio_region *r;
	uint64_t size = 0;

	if (!vdev)
		return 0;
	r = vfio_device_region(vdev, VFIO_PCI_BAR0_REGION_INDEX + bar);
	if (r)
		size = r->size;
	fs_device_read_unlock(dev);
	return size;
}

/* Parses and checks the description: the attachment, or NULL with *errnum and one log line. */
static struct fs_regs *load(struct fs_device *dev, const char *spec_text, int *errnum)
{
	struct regmap_spec spec;
	struct regmap_place place = { 0 };
	g_autoptr(GError) err = NULL;
	struct fs_regs *regs;
	struct regmap *map;

	if (!regmap_spec_parse(spec_text, &spec, &err))
		goto refused;
	if (!g_path_is_absolute(spec.file)) {
		g_set_error(&err, REGMAP_ERROR, EINVAL, "%s: give the description's absolute path",
			    spec.file);
		goto clear_spec;
	}
	place.bar = spec.bar;
	place.offset = spec.offset;
	place.bar_size = bar_size(dev, spec.bar);
	if (!place.bar_size) {
		g_set_error(&err, REGMAP_ERROR, EINVAL, "%s: the device has no bar%u", spec.file, spec.bar);
		goto clear_spec;
	}
	map = regmap_load(spec.file, &place, &err);
	if (!map)
		goto clear_spec;
	regs = g_new0(struct fs_regs, 1);
	regs->refs = 1;
	regs->map = map;
	regs->spec = g_strdup(spec_text);
	regs->file = g_strdup(spec.file);
	regs->region = VFIO_PCI_BAR0_REGION_INDEX + spec.bar;
	regmap_spec_clear(&spec);
	return regs;
clear_spec:
	regmap_spec_clear(&spec);
refused:
	g_warning("%s: regmap refused, the device keeps what it had: %s", dev->name, err->message);
	*errnum = err->domain == REGMAP_ERROR ? err->code : EINVAL;
	return NULL;
}

/* ---- the nodes ---- */

/* Text length of a read of a register (bits = its width) or field. */
static uint64_t text_size(unsigned bits)
{
	char text[REGMAP_VALUE_TEXT_MAX];

	return regmap_value_text(0, bits, text) + 1;
}

static struct fs_node *add(struct fs_tree *t, struct fs_node *parent, const char *name,
			   enum fs_kind kind, mode_t mode, struct fs_regs *regs)
{
	struct fs_node *n = fs_tree_add(t, parent, name, kind, mode);

	n->dev = fs_device_ref(parent->dev);
	n->regs = regs_ref(regs);
	return n;
}

static void add_reg_file(struct fs_tree *t, struct fs_node *parent, struct fs_regs *regs,
			 const struct regmap_register *r, const struct regmap_field *f, bool consume)
{
	g_autofree char *key = r->block && regs->map->subdirs
		? g_strdup_printf("%s/%s", r->block->name, f ? f->file : r->name)
		: g_strdup(f ? f->file : r->name);
	bool reads = regmap_access_reads(r->access) && (!f || regmap_access_reads(f->access));
	bool writes;
	char *why = NULL;
	struct fs_node *n;
	mode_t mode;

	if (consume) {
		mode = reads ? 0400 : 0;
	} else {
		writes = f ? regmap_rmw_check(f, &why) != EACCES : regmap_access_writes(r->access);
		g_free(why);
		mode = (reads && !r->read_side_effect ? 0400 : 0) | (writes ? 0200 : 0);
	}
	n = add(t, parent, f ? f->file : r->name, FS_REG, S_IFREG | mode, regs);
	n->entry = regmap_lookup(regs->map, key);
	n->consume = consume;
	n->size = text_size(f ? f->bits : r->bytes * 8);
}

static void add_block(struct fs_tree *t, struct fs_node *dir, struct fs_node *consume,
		      struct fs_regs *regs, const struct regmap_block *blk)
{
	for (guint i = 0; i < blk->regs->len; i++) {
		const struct regmap_register *r = blk->regs->pdata[i];
		bool consumable = r->read_side_effect && regmap_access_reads(r->access);

		add_reg_file(t, dir, regs, r, NULL, false);
		if (consumable)
			add_reg_file(t, consume, regs, r, NULL, true);
		for (guint j = 0; j < r->fields->len; j++) {
			add_reg_file(t, dir, regs, r, r->fields->pdata[j], false);
			if (consumable)
				add_reg_file(t, consume, regs, r, r->fields->pdata[j], true);
		}
	}
}

/* What a read of registers returns when every read succeeds: its st_size. */
static int no_read(const struct regmap_register *r, uint64_t *value, void *data)
{
	*value = 0;
	return 0;
}

/* Tree lock held. */
static void populate(struct fs_tree *t, struct fs_node *dir, struct fs_regs *regs)
{
	struct fs_node *top = add(t, dir, "regs", FS_REGS_DIR, S_IFDIR | 0755, regs);
	struct fs_node *consume = add(t, top, ".consume", FS_REGS_DIR, S_IFDIR | 0555, regs);
	struct fs_node *dump;
	g_autofree char *text = regmap_dump(regs->map, no_read, NULL);

	consume->unlisted = true;
	for (guint i = 0; i < regs->map->blocks->len; i++) {
		const struct regmap_block *blk = regs->map->blocks->pdata[i];
		struct fs_node *sub = top, *csub = consume;

		if (regs->map->subdirs) {
			sub = add(t, top, blk->name, FS_REGS_DIR, S_IFDIR | 0755, regs);
			csub = add(t, consume, blk->name, FS_REGS_DIR, S_IFDIR | 0555, regs);
			csub->unlisted = true;
		}
		add_block(t, sub, csub, regs, blk);
	}
	dump = add(t, dir, "registers", FS_REGISTERS, S_IFREG | 0444, regs);
	dump->size = strlen(text);
}

/* Tree lock held: takes regs/ and registers out of dir. */
static void unpopulate(struct fs_tree *t, struct fs_node *dir)
{
	struct fs_node *n;

	if ((n = fs_tree_child(dir, "regs")) && n->kind == FS_REGS_DIR)
		fs_tree_remove(t, n);
	if ((n = fs_tree_child(dir, "registers")) && n->kind == FS_REGISTERS)
		fs_tree_remove(t, n);
}

/* Swaps the device's attachment (regs_lock); returns the one before. */
static struct fs_regs *swap(struct fs_device *dev, struct fs_regs *regs)
{
	struct fs_regs *old;

	g_mutex_lock(&dev->regs_lock);
	old = dev->regs;
	dev->regs = regs;
	g_mutex_unlock(&dev->regs_lock);
	return old;
}

int fs_regs_attach(struct vfiofs *fs, struct fs_node *dir, const char *spec)
{
	int errnum = 0;
	struct fs_regs *regs = load(dir->dev, spec, &errnum), *old;
	gint64 start = g_get_monotonic_time();

	if (!regs)
		return errnum;
	g_mutex_lock(&fs->tree.lock);
	if (dir->removed) {
		g_mutex_unlock(&fs->tree.lock);
		fs_regs_unref(regs);
		return ENODEV;
	}
	unpopulate(&fs->tree, dir);
	populate(&fs->tree, dir, regs);
	old = swap(dir->dev, regs);
	g_mutex_unlock(&fs->tree.lock);
	fs_regs_unref(old);
	g_message("%s: regmap %s attached: %u registers (files made in %" G_GINT64_FORMAT " ms)",
		  dir->dev->name, spec, regs->map->regs->len, (g_get_monotonic_time() - start) / 1000);
	return 0;
}

int fs_regs_detach(struct vfiofs *fs, struct fs_node *dir)
{
	struct fs_regs *old;

	g_mutex_lock(&fs->tree.lock);
	unpopulate(&fs->tree, dir);
	old = swap(dir->dev, NULL);
	g_mutex_unlock(&fs->tree.lock);
	if (!old)
		return ENODATA;
	g_message("%s: regmap %s detached", dir->dev->name, old->spec);
	fs_regs_unref(old);
	return 0;
}

char *fs_regs_spec(struct vfiofs *fs, struct fs_node *dir)
{
	char *spec = NULL;

	g_mutex_lock(&dir->dev->regs_lock);
	if (dir->dev->regs)
		spec = g_strdup(dir->dev->regs->spec);
	g_mutex_unlock(&dir->dev->regs_lock);
	return spec;
}

void fs_regs_describe(struct fs_device *dev, GString *out)
{
	g_mutex_lock(&dev->regs_lock);
	if (dev->regs)
		g_string_append_printf(out, "regmap %s\n", dev->regs->file);
	g_mutex_unlock(&dev->regs_lock);
}
