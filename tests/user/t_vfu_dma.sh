# DMA with a vfio-user device: vfu_edu's engine moves data between a dma/
# buffer and its BAR2, both directions, by DMA_READ/DMA_WRITE messages (cmd
# bit3 0) and directly through the buffer's descriptor (bit3 1); then with
# -o vfio_user_dma=message (no descriptors: direct access must fail); bad
# addresses; two devices sharing one buffer.
. tests/user/common.sh

M=$WORK/m
D=$M/edu
MSG=0
DIRECT=8
model_start edu || { not_ok "vfu_edu starts: $(cat "$WORK/edu.log")"; exit 1; }
vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock" || { not_ok "mount: $(cat "$M.log")"; exit 1; }
expect_eq "default DMA mode is fd" "$(info_value "$D/info" vfio_user.dma)" fd

truncate -s 16384 "$M/dma/buf" || not_ok "truncate -s 16384 dma/buf"
IOVA=$(iova_of "$M/dma/buf")
case $IOVA in 0x*) ok "dma/buf has an IOVA ($IOVA)" ;; *) not_ok "dma/buf IOVA '$IOVA'"; summary; exit 1 ;; esac

# round_trip MODE NAME DEVOFF: 8 KiB RAM -> BAR2 at DEVOFF, then BAR2 -> the
# buffer's second half; checks both copies against the pattern.
round_trip() {
    local mode=$1 name=$2 devoff=$3
    head -c 8192 /dev/urandom >"$WORK/pat"
    dd if="$WORK/pat" of="$M/dma/buf" bs=8192 count=1 conv=notrunc 2>/dev/null
    expect_eq "$name: RAM -> device, result" "$(edu_dma "$D" "$IOVA" "$devoff" 8192 $((1 | mode)))" 0x00000000
    dd if="$D/bar2" of="$WORK/dev" bs=8192 count=1 skip="$devoff" iflag=skip_bytes 2>/dev/null
    check "$name: RAM -> device, BAR2 at $devoff holds the buffer's bytes" cmp "$WORK/pat" "$WORK/dev"
    expect_eq "$name: device -> RAM, result" \
        "$(edu_dma "$D" "$devoff" $((IOVA + 8192)) 8192 $((3 | mode)))" 0x00000000
    dd if="$M/dma/buf" of="$WORK/ram" bs=8192 count=1 skip=1 2>/dev/null
    check "$name: device -> RAM, the buffer holds BAR2's bytes" cmp "$WORK/pat" "$WORK/ram"
}
# 0x3000..0x5000 crosses from the mmap-able area into the callback-only one.
round_trip $MSG "messages" $((0x3000))
round_trip $DIRECT "direct" $((0xb000))
dd if="$D/dma" of="$WORK/view" bs=8192 count=1 skip=$((IOVA + 8192)) iflag=skip_bytes 2>/dev/null
check "the device's dma file shows the same bytes at the IOVA" cmp "$WORK/pat" "$WORK/view"

# All of BAR2 in one transfer each way by messages (64 KiB per DMA message).
truncate -s 65536 "$M/dma/big"
BIG=$(iova_of "$M/dma/big")
head -c 65536 /dev/urandom >"$WORK/p64k"
dd if="$WORK/p64k" of="$M/dma/big" bs=64k count=1 conv=notrunc 2>/dev/null
expect_eq "64 KiB RAM -> device by messages" "$(edu_dma "$D" "$BIG" 0 65536 1)" 0x00000000
dd if="$D/bar2" of="$WORK/b64k" bs=64k count=1 2>/dev/null
check "64 KiB RAM -> device: BAR2 holds the buffer" cmp "$WORK/p64k" "$WORK/b64k"
dd if=/dev/zero of="$M/dma/big" bs=64k count=1 conv=notrunc 2>/dev/null
expect_eq "64 KiB device -> RAM directly" "$(edu_dma "$D" 0 "$BIG" 65536 $((3 | DIRECT)))" 0x00000000
dd if="$M/dma/big" of="$WORK/r64k" bs=64k count=1 2>/dev/null
check "64 KiB device -> RAM: the buffer holds BAR2" cmp "$WORK/p64k" "$WORK/r64k"

# Addresses outside every buffer: the transfer fails, the device reports it.
FAR=0x7f0000000
r=$(edu_dma "$D" $FAR 0 4096 $((1 | MSG)))
[ -n "$r" ] && [ "$r" != 0x00000000 ] && ok "RAM -> device from an unmapped IOVA fails (0xa0 $r)" ||
    not_ok "RAM -> device from an unmapped IOVA: 0xa0 '$r'"
r=$(edu_dma "$D" 0 $FAR 4096 $((3 | DIRECT)))
[ -n "$r" ] && [ "$r" != 0x00000000 ] && ok "device -> RAM directly to an unmapped IOVA fails (0xa0 $r)" ||
    not_ok "device -> RAM directly to an unmapped IOVA: 0xa0 '$r'"
# (big is the last buffer: nothing is mapped right after it)
r=$(edu_dma "$D" $((BIG + 65536 - 4096)) 0 8192 $((1 | MSG)))
[ -n "$r" ] && [ "$r" != 0x00000000 ] && ok "a transfer running past the buffer's end fails (0xa0 $r)" ||
    not_ok "a transfer running past the buffer's end: 0xa0 '$r'"
expect_eq "the device still answers after failed transfers" "$(r32 "$D/bar0" 0)" 0x56465531

# unlink unmaps in the server too (DMA_UNMAP): the old IOVA is gone for the
# device, and a new buffer at the same IOVA is the new memory, not the old.
rm "$M/dma/buf" "$M/dma/big"
r=$(edu_dma "$D" "$IOVA" 0 4096 1)
[ -n "$r" ] && [ "$r" != 0x00000000 ] && ok "after unlink the device cannot reach the old IOVA (0xa0 $r)" ||
    not_ok "after unlink: DMA from the old IOVA gave 0xa0 '$r'"
touch "$M/dma/again"
setfattr -n user.vfio.iova -v "$((IOVA))" "$M/dma/again"    # decimal: setfattr reads 0x... as hex bytes
truncate -s 16384 "$M/dma/again"
expect_eq "a new buffer takes the freed IOVA" "$(iova_of "$M/dma/again")" "$IOVA"
head -c 4096 /dev/urandom >"$WORK/pat"
dd if="$WORK/pat" of="$M/dma/again" bs=4096 count=1 conv=notrunc 2>/dev/null
expect_eq "the device reads the new buffer directly at the reused IOVA" "$(edu_dma "$D" "$IOVA" 0 4096 9)" 0x00000000
check "the device got the new buffer's bytes" cmp "$WORK/pat" <(dd if="$D/bar2" bs=4096 count=1 2>/dev/null)
rm "$M/dma/again"
if vfiofs_umount "$M"; then ok "unmount"; else not_ok "unmount: $(tail -n 3 "$M.log")"; fi

# ---- -o vfio_user_dma=message: buffers mapped without descriptors ----
vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock,vfio_user_dma=message" || { not_ok "mount (message): $(cat "$M.log")"; summary; exit 1; }
expect_eq "vfio_user_dma=message in info" "$(info_value "$D/info" vfio_user.dma)" message
truncate -s 16384 "$M/dma/buf"
IOVA=$(iova_of "$M/dma/buf")
round_trip $MSG "message mapping, messages" $((0x3000))
r=$(edu_dma "$D" "$IOVA" 0 4096 $((1 | DIRECT)))
[ -n "$r" ] && [ "$r" != 0x00000000 ] && ok "message mapping: direct RAM -> device fails (0xa0 $r)" ||
    not_ok "message mapping: direct RAM -> device: 0xa0 '$r'"
r=$(edu_dma "$D" 0 "$IOVA" 4096 $((3 | DIRECT)))
[ -n "$r" ] && [ "$r" != 0x00000000 ] && ok "message mapping: direct device -> RAM fails (0xa0 $r)" ||
    not_ok "message mapping: direct device -> RAM: 0xa0 '$r'"
if vfiofs_umount "$M"; then ok "unmount (message)"; else not_ok "unmount (message)"; fi

# ---- two devices, one buffer ----
model_start edu2 || not_ok "second vfu_edu starts"
vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock,vfio_user=$WORK/edu2.sock" || { not_ok "mount two: $(cat "$M.log")"; summary; exit 1; }
A=$M/edu
B=$M/edu2
truncate -s 8192 "$M/dma/shared"
S=$(iova_of "$M/dma/shared")
head -c 8192 /dev/urandom >"$WORK/pat"
dd if="$WORK/pat" of="$A/bar2" bs=8192 count=1 seek=$((0x1000)) oflag=seek_bytes conv=notrunc 2>/dev/null
dd if=/dev/zero of="$B/bar2" bs=8192 count=1 seek=$((0x1000)) oflag=seek_bytes conv=notrunc 2>/dev/null
expect_eq "two devices: A writes the shared buffer (direct)" "$(edu_dma "$A" $((0x1000)) "$S" 8192 $((3 | DIRECT)))" 0x00000000
expect_eq "two devices: B reads it (messages) into its BAR2" "$(edu_dma "$B" "$S" $((0x1000)) 8192 $((1 | MSG)))" 0x00000000
dd if="$B/bar2" of="$WORK/b" bs=8192 count=1 skip=$((0x1000)) iflag=skip_bytes 2>/dev/null
check "two devices: B's BAR2 holds what A wrote" cmp "$WORK/pat" "$WORK/b"
dd if=/dev/zero of="$A/bar2" bs=8192 count=1 seek=$((0x1000)) oflag=seek_bytes conv=notrunc 2>/dev/null
expect_eq "two devices: and back, B writes (messages), A reads (direct)" \
    "$(edu_dma "$B" $((0x1000)) "$S" 8192 3) $(edu_dma "$A" "$S" $((0x1000)) 8192 $((1 | DIRECT)))" "0x00000000 0x00000000"
dd if="$A/bar2" of="$WORK/a" bs=8192 count=1 skip=$((0x1000)) iflag=skip_bytes 2>/dev/null
check "two devices: A's BAR2 holds the same bytes" cmp "$WORK/pat" "$WORK/a"
check "two devices: both dma files show the buffer at the same IOVA" cmp \
    <(dd if="$A/dma" bs=8192 count=1 skip=$((S)) iflag=skip_bytes 2>/dev/null) \
    <(dd if="$B/dma" bs=8192 count=1 skip=$((S)) iflag=skip_bytes 2>/dev/null)
if vfiofs_umount "$M"; then ok "unmount (two devices)"; else not_ok "unmount (two devices)"; fi
# ---- a daemonized mount (no -f): devices named at start are served after the fork ----
# The connection's thread that answers the server's DMA requests must run in
# the daemon's final process: one started before fuse_daemonize() forks
# stays behind in the parent, and message DMA then never gets an answer.
model_start edu3 || not_ok "third vfu_edu starts"
BG=$WORK/bg
mkdir -p "$BG"
if "$VFIOFS" "$BG" -o "vfio_user=$WORK/edu3.sock,vfio_user_dma=message" 2>>"$BG.log"; then
    pgrep -f "^$VFIOFS $BG " >>"$WORK/pids"
    truncate -s 8192 "$BG/dma/buf"
    head -c 8192 /dev/urandom >"$WORK/pat"
    dd if="$WORK/pat" of="$BG/dma/buf" bs=8192 count=1 conv=notrunc 2>/dev/null
    BGI=$(iova_of "$BG/dma/buf")
    expect_eq "daemonized: RAM -> device by messages" "$(edu_dma "$BG/edu3" "$BGI" 0 8192 $((1 | MSG)))" 0x00000000
    dd if="$BG/edu3/bar2" of="$WORK/dev" bs=8192 count=1 2>/dev/null
    check "daemonized: BAR2 holds the buffer's bytes" cmp "$WORK/pat" "$WORK/dev"
    expect_eq "daemonized: device -> RAM by messages" \
        "$(edu_dma "$BG/edu3" 0 $((BGI + 4096)) 4096 $((3 | MSG)))" 0x00000000
    check "daemonized: the buffer holds BAR2's bytes" cmp <(head -c 4096 "$WORK/pat") \
        <(dd if="$BG/dma/buf" bs=4096 count=1 skip=1 2>/dev/null)
    if fusermount3 -u "$BG"; then ok "daemonized: unmount"; else not_ok "daemonized: unmount"; fi
else
    not_ok "daemonized mount: $(cat "$BG.log")"
fi
summary
