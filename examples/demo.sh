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
step "src/vfiofs $M"
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

printf '\nWrite text into the ivshmem BAR (device memory backed by a host file) and read it back:\n'
step "printf 'hello from vfiofs' | dd of=$M/$VFIOFS_IVSHMEM/bar2 conv=notrunc 2>/dev/null; dd if=$M/$VFIOFS_IVSHMEM/bar2 bs=17 count=1 2>/dev/null; echo"

step "umount $M"
echo
echo "Done: mounted, listed, read registers, computed a factorial in the device, and unmounted."
