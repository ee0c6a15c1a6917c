/*
 * A DMA buffer (dma/NAME): created empty, given memory and an IOVA by its
 * first non-zero size, read and written by the CPU through the file, and
 * unmapped by unlink.  Its memory lives until the last open file closes.
 */
#pragma once

#include "fs/vfiofs_private.h"

struct fs_dma_buffer;

struct fs_dma_buffer *fs_dma_buffer_new(struct vfiofs *fs, const char *name);
struct fs_dma_buffer *fs_dma_buffer_ref(struct fs_dma_buffer *b);
void fs_dma_buffer_unref(struct fs_dma_buffer *b);

uint64_t fs_dma_buffer_size(struct fs_dma_buffer *b);
/* The first non-zero size allocates, pins and maps; 0 or errno (EBUSY, ENOSPC, ENOMEM, ...). */
int fs_dma_buffer_set_size(struct fs_dma_buffer *b, uint64_t size);
/* unlink: the IOVA mapping goes now, the memory with the last reference. */
void fs_dma_buffer_unmap(struct fs_dma_buffer *b);
void fs_dma_buffer_rename(struct fs_dma_buffer *b, const char *name);

/* Size as set, and whether mapped: then its IOVA and page size. */
bool fs_dma_buffer_info(struct fs_dma_buffer *b, uint64_t *size, uint64_t *iova, uint64_t *page_size);

/* The buffer's memfd and mapped length, or -1 if it has no memory yet; valid while b is referenced. */
int fs_dma_buffer_memfd(struct fs_dma_buffer *b, uint64_t *length);

/* The user.vfio.iova attribute: its text ("0x..."), or NULL (ENODATA) if there is none yet. */
char *fs_dma_buffer_iova_text(struct fs_dma_buffer *b);
/* Asks for an IOVA before sizing; 0 or errno (EINVAL, EBUSY). */
int fs_dma_buffer_request_iova(struct fs_dma_buffer *b, const char *text, size_t len);
int fs_dma_buffer_forget_iova_request(struct fs_dma_buffer *b);
