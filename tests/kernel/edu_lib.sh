# edu DMA helpers shared by the DMA scenarios (POSIX sh; source after tests/guest/lib.sh).
# E must be the edu device directory.
. "$(dirname "$0")/../lib/files.sh"

# write_u64 FILE OFFSET VALUE: one 8-byte write.
write_u64() { python3 -c "import os,struct; fd=os.open('$1', os.O_WRONLY); os.pwrite(fd, struct.pack('<Q', $3), $2)"; }
edu_idle() { [ $(($(read_u32 "$E/bar0" 0x98) & 1)) = 0 ]; }
# edu_dma SRC DST COUNT DIR: one edu DMA (DIR 0: RAM to device, 2: device to RAM), waited for.
# QEMU 7.2's edu aborts the VM on a transfer that reaches the last byte of its
# 4 KiB buffer at 0x40000 (an off-by-one), so keep COUNT below 4096.
edu_dma() {
    write_u64 "$E/bar0" 0x80 "$1" && write_u64 "$E/bar0" 0x88 "$2" && write_u64 "$E/bar0" 0x90 "$3" &&
        write_u64 "$E/bar0" 0x98 $((1 | $4)) && wait_until 10 edu_idle
}
