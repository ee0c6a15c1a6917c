/*
 * The inode table: every file and directory of the mount is a node with a
 * fixed inode number.  A node taken out of the tree (rmdir of a device)
 * lives on until the kernel forgets it, so late requests find a node whose
 * device is gone rather than freed memory.
 *
 * The table knows no payload: it carries each node's device and buffer for
 * the files of fs/, and hands a dying node to the release callback given to
 * fs_tree_init, which drops them.
 */
#pragma once

#include "fs/fs.h"

#include <sys/stat.h>

struct fs_device;
struct fs_dma_buffer;
struct fs_regs;
struct regmap_entry;

enum fs_kind {
	FS_ROOT,
	FS_CONTAINER,     /* root/container */
	FS_DMA_DIR,       /* root/dma/ */
	FS_DEVICE_DIR,    /* root/DDDD:BB:DD.F/ */
	FS_INFO,
	FS_REGION,        /* config, bar0..bar5, rom */
	FS_IRQ,
	FS_DEVICE_DMA,    /* DDDD:BB:DD.F/dma */
	FS_RESET,
	FS_DMA_BUFFER,    /* root/dma/NAME */
	FS_TRACE,         /* DDDD:BB:DD.F/trace */
	FS_REGS_DIR,      /* DDDD:BB:DD.F/regs/, its block subdirectories and .consume/ */
	FS_REG,           /* regs/NAME, regs/NAME.FIELD, regs/.consume/NAME */
	FS_REGISTERS,     /* DDDD:BB:DD.F/registers */
	FS_KIND_COUNT
};

struct fs_node {
	fuse_ino_t ino;
	enum fs_kind kind;
	char *name;
	mode_t mode;              /* type and permission bits */
	uint64_t size;            /* st_size of fixed-size files */
	unsigned region;          /* FS_REGION: VFIO region index */
	struct fs_node *parent;   /* NULL for the root and for removed nodes */
	GPtrArray *children;      /* directories: struct fs_node *, in listing order */
	GHashTable *by_name;      /* directories: name -> struct fs_node * (lookups in big ones) */
	bool unlisted;            /* a directory whose listing is empty (lookups still find) */
	/* Payload, set by whoever adds the node and dropped by the tree's release callback: */
	struct fs_device *dev;    /* device directories and their files: a reference */
	struct fs_dma_buffer *buffer;  /* FS_DMA_BUFFER: a reference */
	struct fs_regs *regs;     /* regs/ and registers: the attached description, a reference */
	const struct regmap_entry *entry;  /* FS_REG: its register or field in regs->map */
	bool consume;             /* FS_REG: under .consume/ (reads a side-effect register) */
	uint64_t nlookup;         /* references the kernel holds */
	bool removed;
};

/* Drops what a node carries, just before the tree frees it; tree lock held. */
typedef void (*fs_node_release_fn)(struct fs_node *n);

struct fs_tree {
	GMutex lock;
	GHashTable *by_ino;       /* fuse_ino_t -> struct fs_node * */
	fuse_ino_t next_ino;
	struct fs_node *root;
	const struct vfiofs_config *cfg;  /* -o umask=: the modes every node gets */
	fs_node_release_fn release;
};

/* cfg decides every node's mode (fs_access_mode); it outlives the tree.  release may be NULL. */
void fs_tree_init(struct fs_tree *t, const struct vfiofs_config *cfg, fs_node_release_fn release);
void fs_tree_destroy(struct fs_tree *t);

/* These expect t->lock held.  mode: the file's type and what it supports, as owner bits. */
struct fs_node *fs_tree_add(struct fs_tree *t, struct fs_node *dir, const char *name,
			    enum fs_kind kind, mode_t mode);
struct fs_node *fs_tree_get(struct fs_tree *t, fuse_ino_t ino);
struct fs_node *fs_tree_child(const struct fs_node *dir, const char *name);
/* Takes dir's subtree out of the tree; each node is freed once the kernel forgets it. */
void fs_tree_remove(struct fs_tree *t, struct fs_node *n);
/* Renames n in place: its inode number and its place in the listing stay. */
void fs_tree_rename(struct fs_tree *t, struct fs_node *n, const char *name);
void fs_tree_forget(struct fs_tree *t, struct fs_node *n, uint64_t nlookup);
