# A dma/ buffer's memfd handed out by the hand-off socket cannot change size
# (F_SEAL_SHRINK, F_SEAL_GROW, F_SEAL_SEAL): ftruncate gives EPERM, and the
# daemon's own accesses to the buffer (file read/write, the device dma view,
# the server's DMA_READ/DMA_WRITE) go on working. Before the seals, an
# ftruncate to 0 here made the next write through the mount kill the daemon
# with SIGBUS.
. tests/user/common.sh

M=$WORK/m
D=$M/edu
model_start edu || { not_ok "vfu_edu starts: $(cat "$WORK/edu.log")"; exit 1; }
vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock" || { not_ok "mount: $(cat "$M.log")"; exit 1; }
truncate -s 8192 "$M/dma/buf"
w32 "$M/dma/buf" 0 0x11223344

# hostile OP: maps dma/buf through the hand-off, keeps the memfd and does OP
# to it; prints the errno name or "done".
hostile() { python3 tests/lib/hostile_memfd.py "$M/dma/buf" "$1"; }

expect_eq "ftruncate of the handed-out memfd to 0: EPERM" "$(hostile shrink)" EPERM
expect_eq "ftruncate of the handed-out memfd to 1 GiB: EPERM" "$(hostile grow)" EPERM
expect_eq "adding a seal (F_SEAL_FUTURE_WRITE): EPERM" "$(hostile seal-write)" EPERM
check "a write through the mount after them" w32 "$M/dma/buf" 4 0x55667788
expect_eq "the buffer still holds what was written" "$(r32 "$M/dma/buf" 0)" 0x11223344
check "the daemon is alive" kill -0 "${DAEMON_PID[$M]}"

# A punched hole keeps the size: the daemon's next access finds fresh zeroed
# pages (4 KiB shmem), not a signal.
expect_eq "punching a hole is the client's business" "$(hostile punch)" done
check "a write through the mount after the hole" w32 "$M/dma/buf" 8 0x01020304
expect_eq "read back" "$(r32 "$M/dma/buf" 8)" 0x01020304
IOVA=$(iova_of "$M/dma/buf")
expect_eq "the device dma view reads it" "$(r32 "$D/dma" "$((IOVA + 8))")" 0x01020304
expect_eq "the device reads it by DMA_READ (served by the daemon)" \
    "$(edu_dma "$D" $((IOVA + 8)) 0x100 4 1)" 0x00000000
expect_eq "BAR2 holds it" "$(r32 "$D/bar2" 0x100)" 0x01020304
expect_eq "the device writes it back by DMA_WRITE" "$(edu_dma "$D" 0x100 $((IOVA + 12)) 4 3)" 0x00000000
expect_eq "the buffer holds it" "$(r32 "$M/dma/buf" 12)" 0x01020304
check "the daemon is alive after the hole" kill -0 "${DAEMON_PID[$M]}"

if vfiofs_umount "$M"; then ok "unmount"; else not_ok "unmount: $(tail -n 3 "$M.log")"; fi
summary
