#!/bin/sh
# edu.sh DEVICE_DIR: drive QEMU's "edu" teaching device (1234:11e8) through a
# vfiofs mount, from plain POSIX sh with dd and od. No python, no C, no ioctls.
#
#   vfiofs /mnt/vfio -o device=0000:00:03.0,iova_max=0xfffffff
#   sh examples/edu.sh /mnt/vfio/0000:00:03.0
#
# It reads the ident, checks that the device answers, computes factorials
# (polling, then with a completion interrupt), raises an interrupt by hand,
# and moves a buffer by DMA from RAM into the device and back. It exits 0 when
# every step worked and non-zero, with a message saying what went wrong,
# otherwise. Every wait gives up after $WAIT seconds.
#
# What you need to know about the files (see doc/vfiofs.1):
#   DEVICE_DIR/bar0    the device's registers. A 4-byte read or write at an
#                      offset that is a multiple of 4 is exactly one 32-bit
#                      register access (8 bytes at a multiple of 8: one
#                      64-bit access). "dd bs=4 skip=N count=1" does that.
#   DEVICE_DIR/irq     write "msi 1" to switch on one MSI vector, "off" to
#                      switch interrupts off; read it to wait for interrupts:
#                      one line "MODE VECTOR COUNT" per vector that fired.
#   MOUNT/dma/NAME     a DMA buffer: "truncate -s SIZE" allocates it and maps
#                      it for the device; the xattr user.vfio.iova says at
#                      which address (IOVA) the device sees it; read and
#                      write the file to see and change its bytes; rm frees it.
#
# edu's registers (QEMU docs/specs/edu.txt), all little-endian:
#   0x00 ident 0xRRrr00ed   0x04 liveness: reads back the inverse of a write
#   0x08 factorial          0x20 status: bit 0 busy, bit 7 "interrupt when done"
#   0x24 interrupt status   0x60 raise interrupt (bits ORed into 0x24)
#   0x64 acknowledge (clears those bits of 0x24)
#   0x80 DMA source   0x88 DMA destination   0x90 DMA count   (64-bit each)
#   0x98 DMA command: bit 0 start/busy, bit 1 direction (1 = device to RAM),
#        bit 2 interrupt (0x100 in 0x24) when done
#
# Two edu facts matter for DMA:
#   * it only drives 28 address bits, so the buffers must have IOVAs below
#     0x10000000: mount with -o iova_max=0xfffffff;
#   * its own memory is 4 KiB at device address 0x40000, and QEMU 7.2's edu
#     aborts the whole virtual machine on a transfer that reaches the last
#     byte of it (an off-by-one in its range check). So we move 2 KiB, and
#     never give it a device-side address outside 0x40000..0x40fff.

WAIT=10                 # seconds any step may take (emulated devices are slow)
SIZE=2048               # bytes moved by DMA: well inside edu's 4 KiB buffer
EDU_BUF=$((0x40000))    # where edu's own buffer is, as the device sees it

die() {
    echo "edu.sh: error: $*" >&2
    exit 1
}

[ $# = 1 ] || { echo "usage: sh edu.sh DEVICE_DIR   (e.g. /mnt/vfio/0000:00:03.0)" >&2; exit 2; }
D=${1%/}
[ -f "$D/bar0" ] || die "$D/bar0 not found: give the directory of an attached device in a vfiofs mount"
BAR0=$D/bar0
M=$(cd "$D/.." && pwd) || die "cannot find the mount point above $D"  # the mount is D's parent
[ -d "$M/dma" ] || die "$M/dma not found: is $M a vfiofs mount?"

# ---------------------------------------------------------------------------
# Helpers: registers are read and written with dd, one access each.

# rd32 OFFSET: one 32-bit read of BAR0 at OFFSET; prints the value in decimal.
# It runs in $(...), a subshell, where die cannot stop the script: callers
# add "|| exit 1".
rd32() {
    # od prints the 4 bytes in address order, e.g. "ed 00 00 01"; PCI is
    # little-endian, so reverse them to get 0x010000ed.
    _hex=$(dd if="$BAR0" bs=4 skip=$(($1 / 4)) count=1 2>/dev/null | od -An -tx1 -v | tr -d ' \n')
    [ ${#_hex} = 8 ] || die "cannot read the register at $(printf 0x%02x "$(($1))")"
    echo $((0x$(echo "$_hex" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')))
}

# le_bytes NBYTES VALUE: the printf format that writes VALUE as NBYTES
# little-endian bytes, as octal escapes (\ooo), lowest byte first.
le_bytes() {
    _n=0
    _fmt=
    while [ $_n -lt "$1" ]; do
        _fmt=$_fmt$(printf '\\%03o' $((($2 >> (8 * _n)) & 255)))
        _n=$((_n + 1))
    done
    printf '%s\n' "$_fmt"  # not echo: some shells' echo would turn \ooo into bytes
}

# wr32 OFFSET VALUE: one 32-bit write to BAR0. dd collects the 4 bytes
# (fullblock) and writes them with a single write() at OFFSET (seek counts in
# blocks of bs bytes); conv=notrunc because a register file cannot be truncated.
wr32() {
    # shellcheck disable=SC2059 # the format is the escapes built by le_bytes
    printf "$(le_bytes 4 "$2")" |
        dd of="$BAR0" bs=4 seek=$(($1 / 4)) count=1 iflag=fullblock conv=notrunc 2>/dev/null ||
        die "cannot write the register at $(printf 0x%02x "$(($1))")"
}

# wr64 OFFSET VALUE: one 64-bit write (edu's DMA registers at 0x80..0x98).
# Alternative without 8-byte writes: edu sets the whole 64-bit register from
# a 4-byte write to its base offset (a write to the upper half is ignored),
# so "wr32 0x80 VALUE" works as well for values below 4 GiB.
wr64() {
    # shellcheck disable=SC2059
    printf "$(le_bytes 8 "$2")" |
        dd of="$BAR0" bs=8 seek=$(($1 / 8)) count=1 iflag=fullblock conv=notrunc 2>/dev/null ||
        die "cannot write the register at $(printf 0x%02x "$(($1))")"
}

hex() { printf '0x%08x' "$(($1))"; }

# wait_until DESCRIPTION COMMAND...: run COMMAND until it succeeds; give up
# (and stop the script) after $WAIT seconds.
wait_until() {
    _what=$1
    shift
    _end=$(($(date +%s) + WAIT))
    while ! "$@"; do
        [ "$(date +%s)" -le "$_end" ] || die "timed out after $WAIT s waiting for $_what"
        sleep 0.01
    done
}

# wait_irq: wait (at most $WAIT s) for the next event line on file descriptor
# 3, the irq file opened earlier, and put it in $EVENT. The shell's read takes
# one byte at a time, so it stops exactly at the end of the line; it runs
# under timeout because read itself cannot give up.
wait_irq() {
    # shellcheck disable=SC2016 # $mode etc. are for the inner sh
    EVENT=$(timeout "$WAIT" sh -c 'read -r mode vector count && echo "$mode $vector $count"' <&3) ||
        die "no interrupt within $WAIT s ($1)"
}

# iova_of FILE: the device-side address of a DMA buffer, from its xattr
# (getfattr is in the "attr" package); without getfattr, from the mapping
# list in MOUNT/container ("mapping FIRST LAST SIZE PAGE_SIZE NAME").
iova_of() {
    if command -v getfattr >/dev/null 2>&1; then
        getfattr -n user.vfio.iova --only-values "$1" 2>/dev/null
    else
        awk -v n="${1##*/}" '$1 == "mapping" && $6 == n { print $2 }' "$M/container"
    fi
}

# ---------------------------------------------------------------------------
# Cleanup runs however the script ends: interrupts off, buffers freed.

TMP=
IRQ_ON=0
BUFS=
cleanup() {
    exec 3<&-
    if [ "$IRQ_ON" = 1 ]; then
        echo off >"$D/irq" 2>/dev/null || echo "edu.sh: warning: could not switch interrupts off" >&2
    fi
    # shellcheck disable=SC2086 # BUFS is a list of paths without spaces
    [ -z "$BUFS" ] || rm -f $BUFS
    [ -z "$TMP" ] || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
echo "== edu at $D"

# Is it an edu? The info file has "key value" lines.
vendor=$(awk '$1 == "vendor" { print $2 }' "$D/info")
device=$(awk '$1 == "device" { print $2 }' "$D/info")
[ "$vendor:$device" = "0x1234:0x11e8" ] || die "$D is $vendor:$device, not an edu (0x1234:0x11e8)"
echo "info: vendor $vendor device $device (QEMU edu)"

# Step 1: the ident register at 0x00 is 0xRRrr00ed: major version RR, minor
# version rr, and 0xed in the low byte.
ident=$(rd32 0x00) || exit 1
echo "ident: $(hex "$ident") = edu version $((ident >> 24)).$(((ident >> 16) & 255)), low byte $(printf 0x%02x $((ident & 255)))"
[ $((ident & 0xffff)) = $((0x00ed)) ] || die "ident $(hex "$ident") does not end in 0x00ed: not an edu, or BAR0 is not decoded"

# Step 2: liveness. Whatever is written to 0x04 reads back bit-inverted.
wr32 0x04 0x12345678
live=$(rd32 0x04) || exit 1
[ "$live" = $((~0x12345678 & 0xffffffff)) ] || die "liveness: wrote 0x12345678 to 0x04, read back $(hex "$live"), expected 0xedcba987"
echo "liveness: wrote 0x12345678 to 0x04, read back $(hex "$live") (the bitwise inverse)"

# Step 3: factorials by polling. Write N to 0x08; the device sets status bit 0
# (busy) at once and clears it when 0x08 holds N!.
idle() {
    _s=$(rd32 0x20) || exit 1
    [ $((_s & 1)) = 0 ]
}
wr32 0x20 0  # no interrupt when done: we poll
n=1
want=1
while [ $n -le 10 ]; do
    want=$((want * n))
    wr32 0x08 $n
    wait_until "factorial $n (status 0x20 bit 0 to clear)" idle
    got=$(rd32 0x08) || exit 1
    [ "$got" = "$want" ] || die "$n! read as $got, expected $want"
    echo "factorial (polled): $n! = $got"
    n=$((n + 1))
done

# Step 4: a factorial with a completion interrupt. Status bit 7 (0x80) asks
# edu to raise an interrupt when it is done; it sets bit 0 (0x1) in the
# interrupt status register 0x24. Open irq BEFORE starting, so the event
# cannot slip by before we listen: an open irq file sees every interrupt
# that arrives after it was opened.
echo 'msi 1' >"$D/irq" || die "cannot enable MSI (write 'msi 1' to $D/irq)"
IRQ_ON=1
exec 3<"$D/irq"
wr32 0x20 0x80
wr32 0x08 7
wait_irq "factorial 7 with status bit 0x80"
[ "$EVENT" = "msi 0 1" ] || die "expected the event 'msi 0 1', read '$EVENT'"
status=$(rd32 0x24) || exit 1
got=$(rd32 0x08) || exit 1
[ "$got" = 5040 ] || die "7! read as $got after the interrupt, expected 5040"
[ $((status & 1)) = 1 ] || die "interrupt status 0x24 is $(hex "$status"), expected bit 0x1 (factorial done)"
wr32 0x64 "$status"  # acknowledge: write back the bits we saw
wr32 0x20 0
echo "factorial (interrupt): 7! = $got; irq event '$EVENT'; interrupt status $(hex "$status"), acknowledged"

# Step 5: raise an interrupt by hand. Bits written to 0x60 are ORed into 0x24
# and fire the interrupt; writing them to 0x64 takes them away again.
wr32 0x60 0x40
wait_irq "raised by writing 0x40 to 0x60"
[ "$EVENT" = "msi 0 1" ] || die "expected the event 'msi 0 1', read '$EVENT'"
status=$(rd32 0x24) || exit 1
[ "$status" = $((0x40)) ] || die "interrupt status 0x24 is $(hex "$status"), expected 0x00000040"
wr32 0x64 "$status"
status=$(rd32 0x24) || exit 1
[ "$status" = 0 ] || die "interrupt status 0x24 still $(hex "$status") after the acknowledge"
echo "interrupt by hand: wrote 0x40 to 0x60, irq event '$EVENT', 0x24 was 0x00000040, now 0 after acknowledging"

# Step 6: DMA. Two buffers in MOUNT/dma (unique names: this shell's PID), each
# one page: truncate allocates the memory, pins it and maps it for the device.
TMP=$(mktemp -d) || die "mktemp failed"
SRC=$M/dma/edu-sh-$$-src
DST=$M/dma/edu-sh-$$-dst
BUFS="$SRC $DST"
truncate -s 4096 "$SRC" "$DST" || die "cannot create the DMA buffers in $M/dma"
src_iova=$(iova_of "$SRC")
dst_iova=$(iova_of "$DST")
[ -n "$src_iova" ] && [ -n "$dst_iova" ] || die "no IOVA for the buffers (getfattr -n user.vfio.iova)"
echo "dma buffers: $SRC at IOVA $src_iova, $DST at IOVA $dst_iova"
for iova in $src_iova $dst_iova; do
    [ $((iova + 4096)) -le $((0x10000000)) ] ||
        die "IOVA $iova is beyond edu's 28-bit DMA reach: mount with -o iova_max=0xfffffff (e.g. vfiofs $M -o device=${D##*/},iova_max=0xfffffff)"
done

# Fill the source buffer with random bytes (plain file I/O on the buffer).
dd if=/dev/urandom of="$TMP/pattern" bs=$SIZE count=1 2>/dev/null
dd if="$TMP/pattern" of="$SRC" conv=notrunc 2>/dev/null || die "cannot write $SRC"

# dma_start SRC DST CMD: program one transfer and start it. edu ignores the
# address registers while a transfer runs, so start only when it is idle.
dma_idle() {
    _c=$(rd32 0x98) || exit 1
    [ $((_c & 1)) = 0 ]
}
dma_start() {
    wr64 0x80 "$1"      # source address
    wr64 0x88 "$2"      # destination address
    wr64 0x90 $SIZE     # byte count
    wr64 0x98 "$3"      # command: start (and direction, interrupt)
}

# RAM -> device: command 1 (start, direction 0). Then poll bit 0 of 0x98.
dma_start "$src_iova" $EDU_BUF 1
wait_until "DMA RAM -> device (0x98 bit 0 to clear)" dma_idle
echo "dma: $SIZE bytes RAM (IOVA $src_iova) -> device (0x40000), polled until done"

# device -> RAM: command 3 (start, direction 1 = to RAM).
dma_start $EDU_BUF "$dst_iova" 3
wait_until "DMA device -> RAM (0x98 bit 0 to clear)" dma_idle
dd if="$DST" of="$TMP/back" bs=$SIZE count=1 2>/dev/null
cmp -s "$TMP/pattern" "$TMP/back" || die "the bytes that came back from the device differ from those sent"
echo "dma: $SIZE bytes device (0x40000) -> RAM (IOVA $dst_iova), polled; the bytes match"

# device -> RAM again, this time told by an interrupt: command 7 (start, to
# RAM, interrupt when done); interrupt status bit 0x100 says "DMA done".
dd if=/dev/zero of="$DST" bs=$SIZE count=1 conv=notrunc 2>/dev/null
dma_start $EDU_BUF "$dst_iova" 7
wait_irq "DMA device -> RAM with command bit 2"
[ "$EVENT" = "msi 0 1" ] || die "expected the event 'msi 0 1', read '$EVENT'"
status=$(rd32 0x24) || exit 1
[ $((status & 0x100)) = $((0x100)) ] || die "interrupt status 0x24 is $(hex "$status"), expected bit 0x100 (DMA done)"
wr32 0x64 "$status"
dma_idle || die "0x98 still busy after the DMA-done interrupt"
dd if="$DST" of="$TMP/back" bs=$SIZE count=1 2>/dev/null
cmp -s "$TMP/pattern" "$TMP/back" || die "the bytes of the interrupt-driven transfer differ from those sent"
echo "dma: $SIZE bytes device -> RAM with the DMA-done interrupt (event '$EVENT', status $(hex "$status")); the bytes match"

# Clean up: stop listening, interrupts off, buffers freed (rm unmaps them).
exec 3<&-
echo off >"$D/irq" || die "cannot switch interrupts off"
IRQ_ON=0
rm -f "$SRC" "$DST" || die "cannot remove the DMA buffers"
BUFS=
echo "cleanup: interrupts off, buffers removed"
echo "edu.sh: all steps passed"
