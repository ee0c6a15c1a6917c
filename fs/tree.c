#define G_LOG_DOMAIN "tree"
#include "fs/tree.h"
#include "fs/access.h"

#include <string.h>

static void node_free(struct fs_node *n, struct fs_tree *t)
{
	if (t->release)
		t->release(n);
	if (n->children)
		g_ptr_array_unref(n->children);
	if (n->by_name)
		g_hash_table_unref(n->by_name);
	g_free(n->name);
	g_free(n);
}

void fs_tree_init(struct fs_tree *t, const struct vfiofs_config *cfg, fs_node_release_fn release)
{
	t->cfg = cfg;
	t->release = release;
	g_mutex_init(&t->lock);
	t->by_ino = g_hash_table_new(g_int64_hash, g_int64_equal);
	t->next_ino = FUSE_ROOT_ID;
	t->root = fs_tree_add(t, NULL, "", FS_ROOT, S_IFDIR | 0755);
}

static gboolean free_stolen(gpointer ino, gpointer n, gpointer t)
{
	(void)ino;
	node_free(n, t);
	return TRUE;
}

void fs_tree_destroy(struct fs_tree *t)
{
	g_hash_table_foreach_steal(t->by_ino, free_stolen, t);
	g_hash_table_unref(t->by_ino);
	g_mutex_clear(&t->lock);
}

struct fs_node *fs_tree_add(struct fs_tree *t, struct fs_node *dir, const char *name,
			    enum fs_kind kind, mode_t mode)
{
	struct fs_node *n = g_new0(struct fs_node, 1);

	n->ino = t->next_ino++;
	n->kind = kind;
	n->name = g_strdup(name);
	n->mode = fs_access_mode(t->cfg, mode);
	n->parent = dir;
	if (S_ISDIR(mode)) {
		n->children = g_ptr_array_new();
		n->by_name = g_hash_table_new(g_str_hash, g_str_equal);
	}
	if (dir) {
		g_ptr_array_add(dir->children, n);
		g_hash_table_insert(dir->by_name, n->name, n);
	}
	/* The key lives in the node, so the table needs no copy of it. */
	g_hash_table_insert(t->by_ino, &n->ino, n);
	return n;
}

struct fs_node *fs_tree_get(struct fs_tree *t, fuse_ino_t ino)
{
	gint64 key = ino;

	return g_hash_table_lookup(t->by_ino, &key);
}

struct fs_node *fs_tree_child(const struct fs_node *dir, const char *name)
{
	/* A hash: regs/ may hold tens of thousands of registers and fields. */
	return dir && dir->by_name ? g_hash_table_lookup(dir->by_name, name) : NULL;
}

static void release_if_forgotten(struct fs_tree *t, struct fs_node *n)
{
	if (n->removed && n->nlookup == 0 && (!n->children || n->children->len == 0)) {
		g_hash_table_remove(t->by_ino, &n->ino);
		node_free(n, t);
	}
}

void fs_tree_remove(struct fs_tree *t, struct fs_node *n)
{
	if (n->parent) {
		g_ptr_array_remove(n->parent->children, n);
		g_hash_table_remove(n->parent->by_name, n->name);
	}
	n->parent = NULL;
	n->removed = true;
	while (n->children && n->children->len)
		fs_tree_remove(t, g_ptr_array_index(n->children, 0));
	release_if_forgotten(t, n);
}

void fs_tree_rename(struct fs_tree *t, struct fs_node *n, const char *name)
{
	(void)t;
	if (n->parent)
		g_hash_table_remove(n->parent->by_name, n->name);
	g_free(n->name);
	n->name = g_strdup(name);
	if (n->parent)
		g_hash_table_insert(n->parent->by_name, n->name, n);
}

void fs_tree_forget(struct fs_tree *t, struct fs_node *n, uint64_t nlookup)
{
	n->nlookup = nlookup > n->nlookup ? 0 : n->nlookup - nlookup;
	release_if_forgotten(t, n);
}
