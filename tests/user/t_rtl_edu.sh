# The RTL edu (sim/rtl/edu.v behind sim/'s vfio-user bridge) through a vfiofs
# mount: every register and width rule of QEMU 7.2's edu as seen through
# VFIO, factorial, interrupts (MSI, and INTx with --intx), DMA both ways by
# messages (-o vfio_user_dma=message) and directly (descriptors) with
# content checks, also over a link without descriptors (socat), one bridge
# request per 4 KiB page, the 28-bit RAM mask, failing transfers, reset, a
# client going away; the busy bit under a stepped clock (--step-cycles).
. tests/user/common.sh
. tests/user/rtl.sh

M=$WORK/m
D=$M/edu
rtl_start edu "$RTL_EDU" || { not_ok "rtl_edu starts: $(cat "$WORK/edu.log")"; exit 1; }
vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock,iova_max=0xfffffff" || { not_ok "mount: $(cat "$M.log")"; exit 1; }
B=$D/bar0

# ---- identity and config space ----
expect_eq "info: vendor and device of QEMU's edu" \
    "$(info_value "$D/info" vendor):$(info_value "$D/info" device)" 0x1234:0x11e8
expect_eq "config: subsystem 1af4:1100, revision 0x10, class 0xff0000" \
    "$(file_hex "$D/config" 0x2c 4) $(file_hex "$D/config" 0x08 4)" "f41a0011 100000ff"
expect_eq "config: interrupt pin INTA#" "$(file_hex "$D/config" 0x3d 1)" 01
expect_eq "BAR0 is 1 MiB" "$(stat -c %s "$B")" 1048576

# ---- idle: attached, nobody talking, the bridge sleeps instead of clocking ----
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
t0=$(cpu_ticks "${SERVER_PID[edu]}")
sleep 1
t1=$(cpu_ticks "${SERVER_PID[edu]}")
[ $((t1 - t0)) -le 5 ] && ok "idle: the server used $((t1 - t0)) clock ticks of CPU in 1 s (sleeps on its socket)" ||
    not_ok "idle: the server used $((t1 - t0)) ticks of CPU in 1 s"

# ---- registers, 4-byte ----
expect_eq "0x00 ident" "$(r32 "$B" 0x00)" 0x010000ed
expect_eq "0x00 ident the shell way (dd)" "$(dd_r32 "$B" 0x00)" 0x010000ed
expect_eq "0x04 liveness at power-on" "$(r32 "$B" 0x04)" 0x00000000
w32 "$B" 0x04 0x12345678
expect_eq "0x04 liveness: the inverse of 0x12345678" "$(r32 "$B" 0x04)" 0xedcba987
dd_w32 "$B" 0x04 0
expect_eq "0x04 liveness after a dd write of 0" "$(r32 "$B" 0x04)" 0xffffffff
for off in 0x0c 0x10 0x28 0x60 0x64 0x7c 0x84 0xa0 0x100 0x40000 0xffffc; do
    expect_eq "undecoded 4-byte read at $off is all-ones" "$(r32 "$B" $off)" 0xffffffff
done
w32 "$B" 0x20 0xff
expect_eq "0x20 keeps only bit 7 of a write" "$(r32 "$B" 0x20)" 0x00000080
w32 "$B" 0x20 0
expect_eq "0x20 bit 7 cleared" "$(r32 "$B" 0x20)" 0x00000000
w32 "$B" 0x60 0x3
expect_eq "0x60 raise ORs into 0x24 (interrupts off)" "$(r32 "$B" 0x24)" 0x00000003
w32 "$B" 0x64 0x1
expect_eq "0x64 acknowledge clears those bits" "$(r32 "$B" 0x24)" 0x00000002
w32 "$B" 0x64 0x2

# ---- widths ----
w32 "$B" 0x04 0x0f0f0f0f
expect_eq "1-byte read of 0x00 reads 0" "$(rd "$B" 0x00 1)" 0x00
expect_eq "2-byte read of 0x00 reads 0" "$(rd "$B" 0x00 2)" 0x0000
expect_eq "2-byte read of 0x80 reads 0" "$(rd "$B" 0x80 2)" 0x0000
wr "$B" 0x04 1 0x55 >/dev/null
wr "$B" 0x04 2 0x5555 >/dev/null
expect_eq "1- and 2-byte writes to 0x04 are dropped" "$(r32 "$B" 0x04)" 0xf0f0f0f0
expect_eq "8-byte read of 0x00 is all-ones" "$(r64 "$B" 0x00)" 0xffffffffffffffff
expect_eq "8-byte read of 0x20 is all-ones" "$(r64 "$B" 0x20)" 0xffffffffffffffff
w64 "$B" 0x00 0x1111111111111111
w64 "$B" 0x08 0x0000000500000005
w64 "$B" 0x20 0x0000008000000080
expect_eq "8-byte writes below 0x80 are ignored (0x04, 0x08, 0x20 unchanged)" \
    "$(r32 "$B" 0x04) $(r32 "$B" 0x08) $(r32 "$B" 0x20)" "0xf0f0f0f0 0x00000000 0x00000000"
for off in 0x80 0x88 0x90; do
    w64 "$B" $off 0x1122334455667788
    expect_eq "8-byte write and read of $off" "$(r64 "$B" $off)" 0x1122334455667788
    expect_eq "4-byte read of $off: the low half" "$(r32 "$B" $off)" 0x55667788
    w32 "$B" $off 0xcafe
    expect_eq "4-byte write of $off sets the whole register" "$(r64 "$B" $off)" 0x000000000000cafe
done
w32 "$B" 0x98 0x6
expect_eq "a 0x98 write without the start bit is ignored" "$(r64 "$B" 0x98)" 0x0000000000000000
expect_eq "8-byte read at an undecoded offset from 0x80 is all-ones" "$(r64 "$B" 0xa0)" 0xffffffffffffffff

# ---- factorial ----
w32 "$B" 0x08 10
edu_fact_wait_rtl() { wait_until 10 _busy_clear; }
_busy_clear() { [ $(($(r32 "$B" 0x20) & 1)) = 0 ]; }
edu_fact_wait_rtl
expect_eq "10! polled" "$(r32 "$B" 0x08)" "0x$(printf %08x 3628800)"

# ---- interrupts ----
check "MSI: raise, raise again, acknowledge, factorial interrupt with 0x20 bit 7" \
    python3 tests/user/rtl_edu.py msi "$D"
check "DMA-done interrupt, also for a failed transfer" python3 tests/user/rtl_edu.py dma_irq "$D"

# ---- DMA directly (descriptors, the default) ----
truncate -s 8192 "$M/dma/a" "$M/dma/b"
A=$(iova_of "$M/dma/a")
BB=$(iova_of "$M/dma/b")
head -c 4096 /dev/urandom >"$WORK/pat"
# dma_round NAME: 4 KiB RAM a -> device -> RAM b, 2 KiB unaligned across a
# page of RAM, content checks each way.
dma_round() {
    dd if="$WORK/pat" of="$M/dma/a" bs=4096 count=1 conv=notrunc 2>/dev/null
    dd if=/dev/zero of="$M/dma/b" bs=8192 count=1 conv=notrunc 2>/dev/null
    rtl_dma "$D" "$A" 0x40000 4096 1 && rtl_dma "$D" 0x40000 "$BB" 4096 3
    dd if="$M/dma/b" of="$WORK/back" bs=4096 count=1 2>/dev/null
    check "$1: 4 KiB RAM -> device -> RAM, bytes match" cmp "$WORK/pat" "$WORK/back"
    # 2000 bytes from device offset 0x123 to b+0xf00: the RAM side crosses a page.
    rtl_dma "$D" 0x40123 $((BB + 0xf00)) 2000 3
    dd if="$M/dma/b" of="$WORK/part" bs=1 skip=$((0xf00)) count=2000 2>/dev/null
    dd if="$WORK/pat" of="$WORK/want" bs=1 skip=$((0x123)) count=2000 2>/dev/null
    check "$1: 2000 bytes device -> RAM across a page boundary" cmp "$WORK/want" "$WORK/part"
    # and back in: a+0x10 (crossing nothing) to device 0x40800
    rtl_dma "$D" $((A + 0xff8)) 0x40800 16 1 && rtl_dma "$D" 0x40800 "$BB" 16 3
    expect_eq "$1: 16 bytes RAM -> device across a page boundary, back" \
        "$(file_hex "$M/dma/b" 0 16)" "$(file_hex "$M/dma/a" $((0xff8)) 16)"
}
dma_round "direct"

# The 28-bit mask: bits above 27 of the RAM address are dropped.
rtl_dma "$D" "$A" 0x40000 4096 1
dd if=/dev/zero of="$M/dma/b" bs=4096 count=1 conv=notrunc 2>/dev/null
rtl_dma "$D" 0x40000 $((BB | 0x70000000)) 4096 3
dd if="$M/dma/b" of="$WORK/back" bs=4096 count=1 2>/dev/null
check "RAM address masked to 28 bits (IOVA | 0x70000000 reaches the buffer)" cmp "$WORK/pat" "$WORK/back"

# Failing transfers: nothing moves, the engine goes idle.
dd if=/dev/zero of="$M/dma/b" bs=4096 count=1 conv=notrunc 2>/dev/null
rtl_dma "$D" 0x40800 "$BB" 4096 3
expect_eq "device range past the buffer's end: nothing moves, idle" \
    "$(file_hex "$M/dma/b" 0 8) $(r64 "$B" 0x98)" "0000000000000000 0x0000000000000002"
rtl_dma "$D" 0x3f000 "$BB" 16 3
expect_eq "device range below the buffer: nothing moves" "$(file_hex "$M/dma/b" 0 8)" 0000000000000000
rtl_dma "$D" 0x0ff00000 0x40000 4096 1
rtl_dma "$D" 0x40000 "$BB" 4096 3
dd if="$M/dma/b" of="$WORK/back" bs=4096 count=1 2>/dev/null
check "RAM -> device from an unmapped IOVA fails, the buffer keeps its bytes" cmp "$WORK/pat" "$WORK/back"
expect_eq "0-byte transfer: done at once" "$(rtl_dma "$D" "$A" 0x40000 0 1 && r64 "$B" 0x98)" 0x0000000000000000

# ---- reset ----
w32 "$B" 0x04 0x1
w32 "$B" 0x60 0x10
w64 "$B" 0x80 0x1234
if echo 1 >"$D/reset"; then ok "echo 1 > reset"; else not_ok "echo 1 > reset failed"; fi
expect_eq "reset: liveness, interrupt status, DMA source back to 0" \
    "$(r32 "$B" 0x04) $(r32 "$B" 0x24) $(r64 "$B" 0x80)" "0x00000000 0x00000000 0x0000000000000000"
expect_eq "reset: ident still answers" "$(r32 "$B" 0x00)" 0x010000ed

# ---- the client goes away: the model is reset, the server waits for the next ----
w32 "$B" 0x04 0x1
vfiofs_umount "$M" && ok "unmount" || not_ok "unmount"
vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock,iova_max=0xfffffff,vfio_user_dma=message" ||
    { not_ok "remount: $(cat "$M.log")"; summary; exit 1; }
ok "the same server serves a second client"
expect_eq "second client: a fresh model (liveness 0)" "$(r32 "$B" 0x04)" 0x00000000
grep -q "reset (client gone)" "$WORK/edu.log" && ok "the server logged the reset when the client left" ||
    not_ok "no 'reset (client gone)' in the log"

# ---- DMA by messages ----
expect_eq "DMA mode message" "$(info_value "$D/info" vfio_user.dma)" message
truncate -s 8192 "$M/dma/a" "$M/dma/b"
A=$(iova_of "$M/dma/a")
BB=$(iova_of "$M/dma/b")
dma_round "messages"
vfiofs_umount "$M"

# ---- a link without descriptors (a socat relay, as over ssh): no twin
# socket, so the bridge sends its DMA messages only while the client waits
# for an access; a driver that polls 0x98 moves the data ----
socat -b 262144 "UNIX-LISTEN:$WORK/relay.sock,fork" "UNIX-CONNECT:$WORK/edu.sock" 2>"$WORK/socat.log" &
SERVER_PID[socat]=$!
echo "${SERVER_PID[socat]}" >>"$WORK/pids"
if wait_until 10 _sock_or_dead "$WORK/relay.sock" "${SERVER_PID[socat]}" &&
    vfiofs_mount "$M" -o "vfio_user=$WORK/relay.sock,iova_max=0xfffffff"; then
    expect_eq "relay: no descriptors" "$(info_value "$M/relay/info" vfio_user.descriptors)" no
    D=$M/relay
    truncate -s 8192 "$M/dma/a" "$M/dma/b"
    A=$(iova_of "$M/dma/a")
    BB=$(iova_of "$M/dma/b")
    dma_round "relay (no twin socket)"
    vfiofs_umount "$M"
else
    not_ok "relay: socat or the mount: $(cat "$M.log" 2>/dev/null)"
fi
server_stop socat

# ---- one bridge request, one message, per 4 KiB: counted by a fresh server ----
server_stop edu
rtl_start count "$RTL_EDU" || not_ok "rtl_edu (count) starts"
D=$M/count
vfiofs_mount "$M" -o "vfio_user=$WORK/count.sock,iova_max=0xfffffff,vfio_user_dma=message"
truncate -s 4096 "$M/dma/c"
C=$(iova_of "$M/dma/c")
rtl_dma "$D" "$C" 0x40000 4096 1 && rtl_dma "$D" 0x40000 "$C" 4096 3 && rtl_dma "$D" $((C + 0x800)) 0x40000 2048 1
vfiofs_umount "$M"
server_stop count
expect_eq "messages: 3 transfers (4 KiB, 4 KiB, 2 KiB) = 3 requests, 3 DMA messages" "$(rtl_counts count)" "3 3 0 0"
rtl_start count2 "$RTL_EDU" || not_ok "rtl_edu (count2) starts"
D=$M/count2
vfiofs_mount "$M" -o "vfio_user=$WORK/count2.sock,iova_max=0xfffffff"
truncate -s 8192 "$M/dma/c"
C=$(iova_of "$M/dma/c")
rtl_dma "$D" "$C" 0x40000 4096 1 && rtl_dma "$D" 0x40000 $((C + 0x800)) 4096 3
vfiofs_umount "$M"
server_stop count2
expect_eq "descriptors: 4 KiB aligned = 1 request, 4 KiB across a page = 2, all direct" "$(rtl_counts count2)" "3 0 3 0"

# ---- INTx ----
rtl_start intx "$RTL_EDU" --intx || not_ok "rtl_edu --intx starts"
vfiofs_mount "$M" -o "vfio_user=$WORK/intx.sock"
check "INTx: a level: one event per assertion, none while it stays asserted" \
    python3 tests/user/rtl_edu.py intx "$M/intx"
vfiofs_umount "$M"

# ---- the busy bit, deterministically: with --step-cycles the model advances
# at most 20000 cycles after each access, and a factorial takes 100000 ----
rtl_start step "$RTL_EDU" --step-cycles 20000 || not_ok "rtl_edu --step-cycles starts"
vfiofs_mount "$M" -o "vfio_user=$WORK/step.sock"
check "factorial: busy bit seen, writes while busy ignored, 32-bit wrap, 0!" \
    python3 tests/user/rtl_edu.py factorial_busy "$M/step"
vfiofs_umount "$M"
summary
