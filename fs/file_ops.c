/* The one place that says which table serves which kind of node. */
#include "fs/file_ops.h"

static const struct fs_file_ops *const ops_by_kind[] = {
	[FS_ROOT] = &fs_root_dir_ops,
	[FS_CONTAINER] = &fs_text_file_ops,
	[FS_DMA_DIR] = &fs_dma_dir_ops,
	[FS_DEVICE_DIR] = &fs_device_dir_ops,
	[FS_INFO] = &fs_text_file_ops,
	[FS_REGION] = &fs_region_file_ops,
	[FS_IRQ] = &fs_irq_file_ops,
	[FS_DEVICE_DMA] = &fs_device_dma_file_ops,
	[FS_RESET] = &fs_reset_file_ops,
	[FS_DMA_BUFFER] = &fs_dma_buffer_file_ops,
	[FS_TRACE] = &fs_trace_file_ops,
	[FS_REGS_DIR] = &fs_regs_dir_ops,
	[FS_REG] = &fs_reg_file_ops,
	[FS_REGISTERS] = &fs_registers_file_ops,
};

G_STATIC_ASSERT(G_N_ELEMENTS(ops_by_kind) == FS_KIND_COUNT);

const struct fs_file_ops *fs_file_ops_of(enum fs_kind kind)
{
	return ops_by_kind[kind];
}
