/* fs/tree.c alone: inode numbers, lookups, and when a removed node is released. */
#include "suites.h"
#include "fs/tree.h"

#include <string.h>

static const struct vfiofs_config owner_only = { .uid = 1000, .gid = 1000 };

/* The names of the nodes released, in order: the payload the tree never looks at. */
static GPtrArray *released;

static void record_release(struct fs_node *n)
{
	g_ptr_array_add(released, g_strdup(n->name));
}

static bool was_released(const char *name)
{
	for (guint i = 0; i < released->len; i++)
		if (strcmp(g_ptr_array_index(released, i), name) == 0)
			return true;
	return false;
}

static int set_up(void)
{
	released = g_ptr_array_new_with_free_func(g_free);
	return 0;
}

static int tear_down(void)
{
	g_ptr_array_unref(released);
	return 0;
}

static void new_tree(struct fs_tree *t)
{
	g_ptr_array_set_size(released, 0);
	fs_tree_init(t, &owner_only, record_release);
}

static void test_inode_numbers_start_at_the_root_and_are_never_reused(void)
{
	struct fs_tree t;
	struct fs_node *a, *b, *c;

	new_tree(&t);
	CU_ASSERT_EQUAL(t.root->ino, FUSE_ROOT_ID);
	CU_ASSERT_PTR_EQUAL(fs_tree_get(&t, FUSE_ROOT_ID), t.root);
	a = fs_tree_add(&t, t.root, "a", FS_DMA_DIR, S_IFDIR | 0755);
	b = fs_tree_add(&t, a, "b", FS_DMA_BUFFER, S_IFREG | 0600);
	CU_ASSERT_EQUAL(a->ino, FUSE_ROOT_ID + 1);
	CU_ASSERT_EQUAL(b->ino, FUSE_ROOT_ID + 2);
	fs_tree_remove(&t, b);  /* never looked up: freed at once */
	CU_ASSERT_PTR_NULL(fs_tree_get(&t, FUSE_ROOT_ID + 2));
	c = fs_tree_add(&t, a, "b", FS_DMA_BUFFER, S_IFREG | 0600);
	CU_ASSERT_EQUAL(c->ino, FUSE_ROOT_ID + 3);  /* a new file, a new number */
	fs_tree_destroy(&t);
}

static void test_children_are_found_by_name_in_listing_order(void)
{
	struct fs_tree t;
	struct fs_node *dir, *x, *y;

	new_tree(&t);
	dir = fs_tree_add(&t, t.root, "0000:00:03.0", FS_DEVICE_DIR, S_IFDIR | 0755);
	x = fs_tree_add(&t, dir, "info", FS_INFO, S_IFREG | 0444);
	y = fs_tree_add(&t, dir, "bar0", FS_REGION, S_IFREG | 0600);
	CU_ASSERT_PTR_EQUAL(fs_tree_child(dir, "info"), x);
	CU_ASSERT_PTR_EQUAL(fs_tree_child(dir, "bar0"), y);
	CU_ASSERT_PTR_NULL(fs_tree_child(dir, "bar1"));
	CU_ASSERT_PTR_NULL(fs_tree_child(x, "anything"));  /* a file has no children */
	CU_ASSERT_EQUAL(dir->children->len, 2);
	CU_ASSERT_PTR_EQUAL(g_ptr_array_index(dir->children, 0), x);
	CU_ASSERT_PTR_EQUAL(x->parent, dir);
	CU_ASSERT_EQUAL(x->kind, FS_INFO);
	CU_ASSERT_STRING_EQUAL(y->name, "bar0");
	fs_tree_destroy(&t);
}

static void test_modes_come_from_the_mounts_rule(void)
{
	const struct vfiofs_config lab = { .uid = 0, .gid = 500, .own_modes = true, .umask = 007 };
	struct fs_tree t;

	fs_tree_init(&t, &lab, NULL);
	CU_ASSERT_EQUAL(fs_tree_add(&t, t.root, "bar0", FS_REGION, S_IFREG | 0600)->mode, S_IFREG | 0660);
	CU_ASSERT_EQUAL(t.root->mode, S_IFDIR | 0770);
	fs_tree_destroy(&t);
}

static void test_a_removed_node_lives_until_the_kernel_forgets_it(void)
{
	struct fs_tree t;
	struct fs_node *dir, *file;
	fuse_ino_t ino;

	new_tree(&t);
	dir = fs_tree_add(&t, t.root, "dev", FS_DEVICE_DIR, S_IFDIR | 0755);
	file = fs_tree_add(&t, dir, "bar0", FS_REGION, S_IFREG | 0600);
	ino = file->ino;
	file->nlookup = 2;  /* two lookups handed to the kernel */
	fs_tree_remove(&t, dir);
	/* The directory nobody looked up goes now; the looked-up file stays, out of the tree. */
	CU_ASSERT_TRUE(was_released("dev"));
	CU_ASSERT_FALSE(was_released("bar0"));
	CU_ASSERT_PTR_NULL(fs_tree_child(t.root, "dev"));
	CU_ASSERT_PTR_EQUAL(fs_tree_get(&t, ino), file);
	CU_ASSERT_TRUE(file->removed);
	CU_ASSERT_PTR_NULL(file->parent);
	fs_tree_forget(&t, file, 1);
	CU_ASSERT_FALSE(was_released("bar0"));
	fs_tree_forget(&t, file, 5);  /* more than it holds: counts as all */
	CU_ASSERT_TRUE(was_released("bar0"));
	CU_ASSERT_PTR_NULL(fs_tree_get(&t, ino));
	CU_ASSERT_EQUAL(released->len, 2);
	fs_tree_destroy(&t);
}

static void test_forgetting_a_node_still_in_the_tree_keeps_it(void)
{
	struct fs_tree t;
	struct fs_node *n;

	new_tree(&t);
	n = fs_tree_add(&t, t.root, "container", FS_CONTAINER, S_IFREG | 0444);
	n->nlookup = 1;
	fs_tree_forget(&t, n, 1);
	CU_ASSERT_PTR_EQUAL(fs_tree_get(&t, n->ino), n);
	CU_ASSERT_EQUAL(released->len, 0);
	fs_tree_destroy(&t);
}

static void test_destroy_releases_every_node_once(void)
{
	struct fs_tree t;
	struct fs_node *dir, *gone;

	new_tree(&t);
	dir = fs_tree_add(&t, t.root, "dma", FS_DMA_DIR, S_IFDIR | 0755);
	fs_tree_add(&t, dir, "ring", FS_DMA_BUFFER, S_IFREG | 0600);
	gone = fs_tree_add(&t, dir, "old", FS_DMA_BUFFER, S_IFREG | 0600);
	gone->nlookup = 1;
	fs_tree_remove(&t, gone);  /* out of the tree but not forgotten: still the table's */
	fs_tree_destroy(&t);
	CU_ASSERT_EQUAL(released->len, 4);  /* root, dma, ring, old */
	CU_ASSERT_TRUE(was_released(""));
	CU_ASSERT_TRUE(was_released("old"));
}

static CU_TestInfo tests[] = {
	{ "inode numbers start at the root and are never reused",
	  test_inode_numbers_start_at_the_root_and_are_never_reused },
	{ "children are found by name, in listing order", test_children_are_found_by_name_in_listing_order },
	{ "modes come from the mount's rule", test_modes_come_from_the_mounts_rule },
	{ "a removed node lives until the kernel forgets it",
	  test_a_removed_node_lives_until_the_kernel_forgets_it },
	{ "forgetting a node still in the tree keeps it", test_forgetting_a_node_still_in_the_tree_keeps_it },
	{ "destroy releases every node once", test_destroy_releases_every_node_once },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_fs_tree_suite) = {
	.pName = "inode table", .pInitFunc = set_up, .pCleanupFunc = tear_down, .pTests = tests,
};
