#!/bin/sh
# edu_named.sh DEVICE_DIR [DESCRIPTION]: examples/edu.sh again, by register
# names instead of offsets. Drives QEMU's "edu" device (1234:11e8) through a
# vfiofs mount with cat and echo: no dd, no od, no shell arithmetic on bits.
#
#   vfiofs /mnt/vfio -o device=0000:00:03.0,iova_max=0xfffffff,regmap=0000:00:03.0=examples/regmaps/edu.xml
#   sh examples/edu_named.sh /mnt/vfio/0000:00:03.0
#
# Without regs/ in DEVICE_DIR it attaches DESCRIPTION (default: edu.xml next
# to this script, examples/regmaps/edu.xml) itself, with
#   setfattr -n user.vfio.regmap -v FILE DEVICE_DIR
# and detaches it again at the end (setfattr -x).
#
# What you need to know about the files (see doc/vfiofs.1, "Named registers"):
#   DEVICE_DIR/regs/NAME        one register: cat reads it once ("0x010000ed"),
#                               echo VALUE > writes it once (decimal or 0x hex).
#   DEVICE_DIR/regs/NAME.FIELD  one field of it: cat gives its value (a one-bit
#                               field: 0 or 1); echo writes it (a number or one
#                               of its names, e.g. ON) by read-modify-write.
#   DEVICE_DIR/registers        every register at once, "NAME OFFSET VALUE F=V ...".
#   DEVICE_DIR/irq, MOUNT/dma/  as in edu.sh.
#
# It exits 0 when every step worked, non-zero with a message otherwise.
# Every wait gives up after $WAIT seconds.

WAIT=10
SIZE=2048               # bytes moved by DMA: well inside edu's 4 KiB buffer
EDU_BUF=0x40000         # edu's own buffer, as the device sees it

die() {
    echo "edu_named.sh: error: $*" >&2
    exit 1
}

[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: sh edu_named.sh DEVICE_DIR [DESCRIPTION]" >&2; exit 2; }
D=${1%/}
HERE=$(cd "$(dirname "$0")" && pwd)
DESC=${2:-$HERE/regmaps/edu.xml}
[ -f "$D/bar0" ] || die "$D/bar0 not found: give the directory of an attached device in a vfiofs mount"
M=$(cd "$D/.." && pwd) || die "cannot find the mount point above $D"
[ -d "$M/dma" ] || die "$M/dma not found: is $M a vfiofs mount?"
R=$D/regs

# rd NAME: the register's or field's text ("0x00000078", "1"); rd_n: as a number.
rd() {
    cat "$R/$1" 2>/dev/null || die "cannot read $R/$1"
}
rd_n() {
    _v=$(rd "$1") || exit 1
    echo $((_v))
}
# wr NAME VALUE: one write (a field: one read and one write of its register).
wr() {
    echo "$2" >"$R/$1" || die "cannot write $2 to $R/$1"
}
hex() { printf '0x%08x' "$(($1))"; }

wait_until() {
    _what=$1
    shift
    _end=$(($(date +%s) + WAIT))
    while ! "$@"; do
        [ "$(date +%s)" -le "$_end" ] || die "timed out after $WAIT s waiting for $_what"
        sleep 0.01
    done
}
wait_irq() {
    # shellcheck disable=SC2016
    EVENT=$(timeout "$WAIT" sh -c 'read -r mode vector count && echo "$mode $vector $count"' <&3) ||
        die "no interrupt within $WAIT s ($1)"
}
iova_of() {
    if command -v getfattr >/dev/null 2>&1; then
        getfattr -n user.vfio.iova --only-values "$1" 2>/dev/null
    else
        awk -v n="${1##*/}" '$1 == "mapping" && $6 == n { print $2 }' "$M/container"
    fi
}

TMP=
IRQ_ON=0
BUFS=
ATTACHED=0
cleanup() {
    exec 3<&-
    if [ "$IRQ_ON" = 1 ]; then
        echo off >"$D/irq" 2>/dev/null || echo "edu_named.sh: warning: could not switch interrupts off" >&2
    fi
    # shellcheck disable=SC2086
    [ -z "$BUFS" ] || rm -f $BUFS
    [ -z "$TMP" ] || rm -rf "$TMP"
    if [ "$ATTACHED" = 1 ]; then
        setfattr -x user.vfio.regmap "$D" 2>/dev/null || echo "edu_named.sh: warning: could not detach $DESC" >&2
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== edu at $D, by names"
vendor=$(awk '$1 == "vendor" { print $2 }' "$D/info")
device=$(awk '$1 == "device" { print $2 }' "$D/info")
[ "$vendor:$device" = "0x1234:0x11e8" ] || die "$D is $vendor:$device, not an edu (0x1234:0x11e8)"
echo "info: vendor $vendor device $device (QEMU edu)"

if [ ! -d "$R" ]; then
    command -v setfattr >/dev/null 2>&1 || die "$R not found and no setfattr to attach $DESC (package attr)"
    setfattr -n user.vfio.regmap -v "$DESC" "$D" || die "cannot attach $DESC to $D (see the vfiofs log)"
    ATTACHED=1
fi
echo "regmap: $(awk '$1 == "regmap" { print $2 }' "$D/info")"

# Step 1: the ident register, and its fields.
ident=$(rd IDENT) || exit 1
echo "ident: $ident = edu version $(rd_n IDENT.major).$(rd_n IDENT.minor), magic $(rd IDENT.magic)"
[ "$(rd IDENT.magic)" = 0x00ed ] || die "IDENT.magic is $(rd IDENT.magic), not 0x00ed: not an edu"

# Step 2: liveness reads back the inverse of what was written.
wr LIVENESS 0x12345678
live=$(rd LIVENESS) || exit 1
[ "$live" = 0xedcba987 ] || die "liveness: wrote 0x12345678 to LIVENESS, read back $live, expected 0xedcba987"
echo "liveness: wrote 0x12345678 to LIVENESS, read back $live (the bitwise inverse)"

# Step 3: factorials by polling STATUS.busy.
idle() { [ "$(rd STATUS.busy)" = 0 ]; }
wr STATUS.irq_when_done OFF
n=1
want=1
while [ $n -le 10 ]; do
    want=$((want * n))
    wr FACTORIAL $n
    wait_until "factorial $n (STATUS.busy to clear)" idle
    got=$(rd_n FACTORIAL) || exit 1
    [ "$got" = "$want" ] || die "$n! read as $got, expected $want"
    echo "factorial (polled): $n! = $got"
    n=$((n + 1))
done

# Step 4: a factorial with a completion interrupt.
echo 'msi 1' >"$D/irq" || die "cannot enable MSI (write 'msi 1' to $D/irq)"
IRQ_ON=1
exec 3<"$D/irq"
wr STATUS.irq_when_done ON
wr FACTORIAL 7
wait_irq "factorial 7 with STATUS.irq_when_done ON"
[ "$EVENT" = "msi 0 1" ] || die "expected the event 'msi 0 1', read '$EVENT'"
status=$(rd IRQ_STATUS) || exit 1
got=$(rd_n FACTORIAL) || exit 1
[ "$got" = 5040 ] || die "7! read as $got after the interrupt, expected 5040"
[ "$(rd IRQ_STATUS.fact)" = 1 ] || die "IRQ_STATUS is $status, expected IRQ_STATUS.fact = 1"
wr IRQ_ACK "$status"
wr STATUS.irq_when_done OFF
echo "factorial (interrupt): 7! = $got; irq event '$EVENT'; interrupt status $status, acknowledged"

# Step 5: raise an interrupt by hand.
wr IRQ_RAISE 0x40
wait_irq "raised by writing 0x40 to IRQ_RAISE"
[ "$EVENT" = "msi 0 1" ] || die "expected the event 'msi 0 1', read '$EVENT'"
status=$(rd IRQ_STATUS) || exit 1
[ "$status" = 0x00000040 ] || die "IRQ_STATUS is $status, expected 0x00000040"
wr IRQ_ACK "$status"
[ "$(rd IRQ_STATUS)" = 0x00000000 ] || die "IRQ_STATUS still $(rd IRQ_STATUS) after the acknowledge"
echo "interrupt by hand: wrote 0x40 to IRQ_RAISE, irq event '$EVENT', IRQ_STATUS was 0x00000040, now 0 after acknowledging"

# Step 6: DMA, as in edu.sh, with the DMA registers by name.
TMP=$(mktemp -d) || die "mktemp failed"
SRC=$M/dma/edu-named-$$-src
DST=$M/dma/edu-named-$$-dst
BUFS="$SRC $DST"
truncate -s 4096 "$SRC" "$DST" || die "cannot create the DMA buffers in $M/dma"
src_iova=$(iova_of "$SRC")
dst_iova=$(iova_of "$DST")
[ -n "$src_iova" ] && [ -n "$dst_iova" ] || die "no IOVA for the buffers (getfattr -n user.vfio.iova)"
echo "dma buffers: $SRC at IOVA $src_iova, $DST at IOVA $dst_iova"
for iova in $src_iova $dst_iova; do
    [ $((iova + 4096)) -le $((0x10000000)) ] ||
        die "IOVA $iova is beyond edu's 28-bit DMA reach: mount with -o iova_max=0xfffffff"
done
dd if=/dev/urandom of="$TMP/pattern" bs=$SIZE count=1 2>/dev/null
dd if="$TMP/pattern" of="$SRC" conv=notrunc 2>/dev/null || die "cannot write $SRC"

dma_idle() { [ "$(rd DMA_CMD.start)" = 0 ]; }
# dma_start SRC DST CMD: CMD is start (1) + dir (2: DEVICE_TO_RAM) + irq (4).
dma_start() {
    wr DMA_SRC "$1"
    wr DMA_DST "$2"
    wr DMA_COUNT $SIZE
    wr DMA_CMD "$3"
}

dma_start "$src_iova" $EDU_BUF 1
wait_until "DMA RAM -> device (DMA_CMD.start to clear)" dma_idle
echo "dma: $SIZE bytes RAM (IOVA $src_iova) -> device (0x40000), polled until done"

dma_start $EDU_BUF "$dst_iova" 3
wait_until "DMA device -> RAM (DMA_CMD.start to clear)" dma_idle
[ "$(rd DMA_CMD.dir)" = 1 ] || die "DMA_CMD.dir is $(rd DMA_CMD.dir) after a device-to-RAM transfer"
dd if="$DST" of="$TMP/back" bs=$SIZE count=1 2>/dev/null
cmp -s "$TMP/pattern" "$TMP/back" || die "the bytes that came back from the device differ from those sent"
echo "dma: $SIZE bytes device (0x40000) -> RAM (IOVA $dst_iova), polled; the bytes match"

dd if=/dev/zero of="$DST" bs=$SIZE count=1 conv=notrunc 2>/dev/null
dma_start $EDU_BUF "$dst_iova" 7
wait_irq "DMA device -> RAM with DMA_CMD.irq"
[ "$EVENT" = "msi 0 1" ] || die "expected the event 'msi 0 1', read '$EVENT'"
status=$(rd IRQ_STATUS) || exit 1
[ "$(rd IRQ_STATUS.dma)" = 1 ] || die "IRQ_STATUS is $status, expected IRQ_STATUS.dma = 1"
wr IRQ_ACK "$status"
dma_idle || die "DMA_CMD.start still 1 after the DMA-done interrupt"
dd if="$DST" of="$TMP/back" bs=$SIZE count=1 2>/dev/null
cmp -s "$TMP/pattern" "$TMP/back" || die "the bytes of the interrupt-driven transfer differ from those sent"
echo "dma: $SIZE bytes device -> RAM with the DMA-done interrupt (event '$EVENT', status $status); the bytes match"

echo "registers:"
sed 's/^/  /' "$D/registers" || die "cannot read $D/registers"

exec 3<&-
echo off >"$D/irq" || die "cannot switch interrupts off"
IRQ_ON=0
rm -f "$SRC" "$DST" || die "cannot remove the DMA buffers"
BUFS=
echo "cleanup: interrupts off, buffers removed"
echo "edu_named.sh: all steps passed"
