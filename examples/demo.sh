# A short tour of vfiofs on emulated devices (run in the guest by scripts/demo.sh).
# Everything below is plain shell: ls, cat, dd, od.
cd "$(dirname "$0")/.." || exit 2
M=/mnt/vfio
E=$M/$VFIOFS_EDU0
mkdir -p "$M"

if [ -t 1 ]; then bold='\033[1m' plain='\033[0m'; else bold= plain=; fi
step() { printf "\n${bold}\$ %s${plain}\n" "$*"; sh -c "$*"; }
reg() {  # one 32-bit register of edu's BAR0, as hex
    dd if="$E/bar0" bs=4 count=1 skip=$(($1 / 4)) 2>/dev/null | od -An -tx4 | tr -d ' '
}

echo "vfiofs demo: every device bound to vfio-pci becomes a directory."
# iova_max: edu can only address 28 bits of DMA space.
step "src/vfiofs $M -o iova_max=0xfffffff"
step "ls $M"
step "ls -l $E"
step "cat $E/info"
step "grep -E '^(iommu|iova_range|device) ' $M/container"

printf '\nRead the edu ident register (offset 0x00) with one 4-byte read:\n'
step "dd if=$E/bar0 bs=4 count=1 2>/dev/null | od -An -tx4"

printf '\nCompute 10! in the device: write 10 to offset 0x08, poll status (0x20) until bit 0 clears, read 0x08:\n'
printf '\012\000\000\000' | dd of="$E/bar0" bs=4 count=1 seek=2 conv=notrunc 2>/dev/null
i=0
while [ $((0x$(reg 0x20) & 1)) = 1 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
echo "10! = $((0x$(reg 0x08)))  (expected 3628800)"

printf '\nWait for an interrupt: MSI on, open irq, raise one (write to 0x60), read the event line, acknowledge (0x64):\n'
step "echo 'msi 1' > $E/irq"
exec 3<"$E/irq"
printf '\001\000\000\000' | dd of="$E/bar0" bs=4 seek=$((0x60 / 4)) conv=notrunc 2>/dev/null
if read -r mode vector count <&3; then echo "irq: $mode $vector $count"; fi
printf '\001\000\000\000' | dd of="$E/bar0" bs=4 seek=$((0x64 / 4)) conv=notrunc 2>/dev/null
exec 3<&-
echo off >"$E/irq"

printf '\nMove 2 KiB by DMA through the device and back (two buffers in dma/, their IOVAs programmed into edu):\n'
step "truncate -s 4096 $M/dma/src $M/dma/dst && grep ^mapping $M/container"
sh tests/kernel/edu_round_trip.sh "$M" "$VFIOFS_EDU0" && echo "DMA: the bytes came back intact"
rm "$M/dma/src" "$M/dma/dst"

printf '\nWrite text into the ivshmem BAR (device memory backed by a host file) and read it back:\n'
step "printf 'hello from vfiofs' | dd of=$M/$VFIOFS_IVSHMEM/bar2 conv=notrunc 2>/dev/null; dd if=$M/$VFIOFS_IVSHMEM/bar2 bs=17 count=1 2>/dev/null; echo"

REPO=$(pwd)
. tests/user/servers/paths.sh
model=
if [ -x "$VFU_EDU" ]; then
    printf '\nA device that is still a model: a vfio-user server (tests/user/servers/vfu_edu.c),\n'
    printf 'attached at run time beside the kernel devices, driven with the same dd lines:\n'
    "$VFU_EDU" /tmp/fpga0.sock >/tmp/fpga0.out 2>&1 &
    model=$!
    i=0
    while ! grep -q ready /tmp/fpga0.out && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    step "setfattr -n user.vfio.attach -v /tmp/fpga0.sock $M && ls $M"
    step "grep -E '^(name|transport|socket) ' $M/fpga0/info"
    step "dd if=$M/fpga0/bar0 bs=4 count=1 2>/dev/null | od -An -tx4"
    printf '\nCompute 12! in the model: write 12 to 0x30, poll bit 0 of 0x34, read the 8-byte result at 0x38:\n'
    printf '\014\000\000\000' | dd of="$M/fpga0/bar0" bs=4 seek=$((0x30 / 4)) conv=notrunc 2>/dev/null
    i=0
    while [ "$(dd if="$M/fpga0/bar0" bs=4 skip=$((0x34 / 4)) count=1 2>/dev/null | od -An -tu4 | tr -d ' ')" != 0 ] &&
        [ $i -lt 100 ]; do sleep 0.01; i=$((i + 1)); done
    echo "12! = $(dd if="$M/fpga0/bar0" bs=8 skip=$((0x38 / 8)) count=1 2>/dev/null | od -An -tu8 | tr -d ' ')  (expected 479001600)"
    step "rmdir $M/fpga0"
    kill "$model"
fi

# The same dd lines on QEMU's edu and on the RTL edu (sim/rtl/edu.v, Verilated,
# behind sim/'s vfio-user bridge), when sim/build.sh has built it.
. sim/paths.sh
rtl=
if [ -x "$RTL_EDU" ]; then
    printf '\nThe same device as RTL: edu in Verilog, simulated by Verilator behind a vfio-user bridge (sim/).\n'
    printf 'The same dd lines on QEMU'"'"'s edu and on the RTL edu:\n'
    "$RTL_EDU" /tmp/rtl_edu.sock >/tmp/rtl_edu.out 2>&1 &
    rtl=$!
    i=0
    while ! grep -q ready /tmp/rtl_edu.out && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    step "setfattr -n user.vfio.attach -v /tmp/rtl_edu.sock $M && ls $M"
    for d in "$E" "$M/rtl_edu"; do
        printf '\n%s:\n' "$d"
        step "dd if=$d/bar0 bs=4 count=1 2>/dev/null | od -An -tx4"
        printf '\012\000\000\000' | dd of="$d/bar0" bs=4 count=1 seek=2 conv=notrunc 2>/dev/null
        i=0
        while [ $((0x$(E=$d reg 0x20) & 1)) = 1 ] && [ $i -lt 100 ]; do sleep 0.01; i=$((i + 1)); done
        echo "10! = $((0x$(E=$d reg 0x08)))"
    done
    step "rmdir $M/rtl_edu"
    kill "$rtl"
fi

step "umount $M"
echo
echo "Done: mounted, listed, read registers, computed a factorial in the device, waited for an"
echo "interrupt, moved data by DMA, wrote device memory${model:+, drove a device model over vfio-user,}${rtl:+ ran the same dd lines on the RTL edu,}"
echo "and unmounted."
