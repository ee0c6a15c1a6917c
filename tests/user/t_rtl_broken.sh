# A broken RTL endpoint (sim/rtl/broken.v behind sim/'s bridge) harms only
# its own directory: one that never answers MMIO gives EIO within the
# bridge's cycle bound (and a log line naming the address), one that floods
# DMA requests and one that raises an interrupt storm keep their own
# directories busy, while a bystander vfu_edu in the same mount keeps
# answering registers, DMA and interrupts; then the mount comes down cleanly;
# a client killed mid-flood leaves a reset model for the next one.
. tests/user/common.sh
. tests/user/rtl.sh

M=$WORK/m
model_start edu || { not_ok "vfu_edu starts: $(cat "$WORK/edu.log")"; exit 1; }
for mode in hang flood storm; do
    rtl_start "$mode" "$RTL_BROKEN" --mode "$mode" --max-cycles 1000000 ||
        { not_ok "rtl_broken --mode $mode starts: $(cat "$WORK/$mode.log")"; exit 1; }
done
# Messages for DMA, so that the flood reaches vfiofs itself.
vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock,vfio_user=$WORK/hang.sock,vfio_user=$WORK/flood.sock,vfio_user=$WORK/storm.sock,vfio_user_dma=message" ||
    { not_ok "mount: $(cat "$M.log")"; exit 1; }
E=$M/edu

# bystander DEV STEP: the bystander's registers, a DMA round trip, an interrupt.
bystander() {
    expect_eq "$1: bystander ident" "$(r32 "$E/bar0" 0x00)" 0x56465531
    head -c 4096 /dev/urandom >"$WORK/pat"
    dd if="$WORK/pat" of="$M/dma/e" bs=4096 count=1 conv=notrunc 2>/dev/null
    expect_eq "$1: bystander DMA RAM -> device" "$(edu_dma "$E" "$EI" 0 4096 1)" 0x00000000
    dd if="$E/bar2" of="$WORK/dev" bs=4096 count=1 2>/dev/null
    check "$1: bystander DMA moved the bytes" cmp "$WORK/pat" "$WORK/dev"
    check "$1: bystander MSI" python3 tests/user/vfu_irq.py msi_blocking "$E"
}
truncate -s 4096 "$M/dma/e"
EI=$(iova_of "$M/dma/e")

# ---- hang: never takes a request ----
start=$SECONDS
expect_eq "hang: a read gives EIO" "$(r32 "$M/hang/bar0" 0x10)" EIO
expect_eq "hang: a write gives EIO" "$(w32 "$M/hang/bar0" 0x20 1)" EIO
# The EIO is the bridge's (its cycle bound), not vfiofs's reply timeout:
# the connection lives on.
if grep -q "hang: no reply to" "$M.log"; then
    not_ok "hang: vfiofs timed out instead ($((SECONDS - start)) s): $(grep "hang:" "$M.log" | tail -n 2)"
else
    ok "hang: the bridge's cycle bound answered, not vfiofs's timeout ($((SECONDS - start)) s)"
fi
grep -q "BAR0 read of 4 bytes at 0x10: no response within 1000000 cycles" "$WORK/hang.log" &&
    ok "hang: the bridge logged the address" || not_ok "hang: no log line: $(tail -n 3 "$WORK/hang.log")"
expect_eq "hang: its config space still answers (libvfio-user serves it)" "$(file_hex "$M/hang/config" 0 4)" 3412ad0b
bystander hang

# ---- flood: 4 KiB DMA requests back to back, reads and writes ----
truncate -s 4096 "$M/dma/f"
FI=$(iova_of "$M/dma/f")
w64 "$M/flood/bar0" 0 "$FI"
expect_eq "flood: its own register answers while it floods" "$(r64 "$M/flood/bar0" 0)" "$(printf '0x%016x' "$FI")"
_flooded() { [ "$(file_hex "$M/dma/f" 8 8)" = 0100000000000000 ]; }
wait_until 10 _flooded && ok "flood: its writes reach the buffer (beat numbers)" || not_ok "flood: buffer $(file_hex "$M/dma/f" 0 16)"
bystander flood

# ---- storm: interrupts every other cycle ----
echo "msi 1" >"$M/storm/irq" || not_ok "storm: msi 1"
_stormed() { local c; c=$(timeout 5 dd if="$M/storm/irq" bs=4096 count=1 2>/dev/null | awk '{ print $3 }'); [ "${c:-0}" -gt 100 ]; }
wait_until 10 _stormed && ok "storm: its irq file counts a storm" || not_ok "storm: no storm counted"
bystander storm
echo off >"$M/storm/irq"

# ---- the mount comes down cleanly ----
w64 "$M/flood/bar0" 0 0
vfiofs_umount "$M" && ok "unmount: the daemon exits 0" || not_ok "unmount"

# ---- a client that disappears mid-DMA: the bridge resets the model and
# serves the next one ----
vfiofs_mount "$M" -o "vfio_user=$WORK/flood.sock,vfio_user_dma=message" || not_ok "remount: $(cat "$M.log")"
truncate -s 4096 "$M/dma/f"
w64 "$M/flood/bar0" 0 "$(iova_of "$M/dma/f")"
wait_until 10 _flooded || not_ok "flood: not flooding before the kill"
resets=$(grep -c "reset (client gone)" "$WORK/flood.log")
{ kill -KILL "${DAEMON_PID[$M]}"; wait "${DAEMON_PID[$M]}"; } 2>/dev/null
_forget_pid "${DAEMON_PID[$M]}"
fusermount3 -uz "$M"
_reset_seen() { [ "$(grep -c "reset (client gone)" "$WORK/flood.log")" -gt "$resets" ]; }
wait_until 10 _reset_seen && ok "daemon killed mid-flood: the bridge reset the model" ||
    not_ok "no reset after the client died: $(tail -n 3 "$WORK/flood.log")"
unset "DAEMON_PID[$M]"
after=$(grep -c "reset (client gone)" "$WORK/flood.log")
[ $((after - resets)) -le 2 ] && kill -0 "${SERVER_PID[flood]}" &&
    ok "one reset for the lost client ($((after - resets)) log lines), the server alive" ||
    not_ok "$((after - resets)) resets for one lost client, or the server died"
vfiofs_mount "$M" -o "vfio_user=$WORK/flood.sock,vfio_user_dma=message" || not_ok "mount after the kill: $(cat "$M.log")"
expect_eq "the next client finds a fresh model (DMA address 0)" "$(r64 "$M/flood/bar0" 0)" 0x0000000000000000
vfiofs_umount "$M" || not_ok "unmount after the kill"
for mode in hang flood storm; do
    server_stop "$mode"
done
read -r n msg _ failed <<<"$(rtl_counts flood)"
[ "${msg:-0}" -gt 100 ] && ok "flood: $n DMA requests, $msg served by message, $failed failed" ||
    not_ok "flood: counts '$(rtl_counts flood)'"
summary
