# info and container: the facts SPEC.md lists, checked against what the kernel reports.
. tests/kernel/common.sh

M=$WORK/m
vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,device=$VFIOFS_EDU1,device=$VFIOFS_NVME,device=$VFIOFS_IVSHMEM" ||
    { cat "$M.log"; echo "not ok mount"; exit 1; }

group_of() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"; }
# Size of BAR N from sysfs "resource" (start end flags per line), in decimal.
bar_size() {
    python3 -c "
l = open('/sys/bus/pci/devices/$1/resource').read().split('\n')[$2].split()
s, e = int(l[0], 16), int(l[1], 16)
print(e - s + 1 if e else 0)"
}

for dev in "$VFIOFS_EDU0" "$VFIOFS_EDU1" "$VFIOFS_NVME" "$VFIOFS_IVSHMEM"; do
    I=$M/$dev/info
    sys=/sys/bus/pci/devices/$dev
    t_begin "info-identity-$dev"
    expect_eq "$(info_value "$I" address)" "$dev" address &&
        expect_eq "$(info_value "$I" vendor)" "$(cat "$sys/vendor")" vendor &&
        expect_eq "$(info_value "$I" device)" "$(cat "$sys/device")" device &&
        expect_eq "$(info_value "$I" subsystem_vendor)" "$(cat "$sys/subsystem_vendor")" subsystem_vendor &&
        expect_eq "$(info_value "$I" subsystem_device)" "$(cat "$sys/subsystem_device")" subsystem_device &&
        expect_eq "$(info_value "$I" class)" "$(cat "$sys/class")" class &&
        expect_eq "$(info_value "$I" revision)" "$(cat "$sys/revision")" revision &&
        expect_eq "$(info_value "$I" iommu_group)" "$(group_of "$dev")" iommu_group &&
        t_pass

    t_begin "info-regions-$dev"
    for n in 0 1 2 3 4 5; do
        want=$(bar_size "$dev" $n)
        got=$(info_value "$I" "region.bar$n.size")
        [ "$want" = 0 ] && want=
        expect_eq "$got" "$want" "bar$n size" || break
        [ -z "$want" ] || expect_eq "$(stat -c %s "$M/$dev/bar$n")" "$want" "bar$n st_size" || break
    done
    expect_eq "$(info_value "$I" region.config.size)" "$(stat -c %s "$M/$dev/config")" "config size" &&
        grep -q '^reset \(yes\|no\)$' "$I" && grep -q '^irq\.intx\.count ' "$I" &&
        grep -q '^irq\.msi\.count ' "$I" && grep -q '^irq\.mode off$' "$I" &&
        t_pass || t_fail "missing reset/irq lines: $(cat "$I")"
done

t_begin info-mmap-areas
expect_eq "$(info_value "$M/$VFIOFS_EDU0/info" region.bar0.mmap)" "0 1048576" "edu bar0 is one mmap-able area" &&
    expect_eq "$(info_value "$M/$VFIOFS_EDU0/info" region.bar0.flags)" "read,write,mmap" "edu bar0 flags" &&
    expect_eq "$(info_value "$M/$VFIOFS_EDU0/info" region.rom.flags)" "read" "rom flags" && t_pass

t_begin info-nvme-msix
# QEMU's nvme has MSI-X; the kernel keeps its table out of the mmap-able areas.
c=$(info_value "$M/$VFIOFS_NVME/info" irq.msix.count)
[ -n "$c" ] && [ "$c" -gt 0 ] && t_pass || t_fail "irq.msix.count is '$c'"

t_begin info-lines-are-key-value
bad=$(awk 'NF < 2' "$M/$VFIOFS_NVME/info" "$M/container")
expect_eq "$bad" "" "lines without a value" && t_pass

C=$M/container
t_begin container-model-and-ranges
expect_eq "$(info_value "$C" iommu)" type1v2 "IOMMU model" &&
    expect_eq "$(info_value "$C" backend)" legacy backend &&
    grep -q '^page_sizes 0x[0-9a-f]*000$' "$C" &&
    grep -q '^iova_range 0x[0-9a-f]* 0x[0-9a-f]*$' "$C" && t_pass || t_fail "container: $(cat "$C")"

t_begin container-shares-two-groups
g0=$(group_of "$VFIOFS_EDU0")
g1=$(group_of "$VFIOFS_EDU1")
[ "$g0" != "$g1" ] || t_fail "the two edus share a group ($g0): testbed is wrong"
grep -qx "device $VFIOFS_EDU0 $g0 vfio-pci" "$C" && grep -qx "device $VFIOFS_EDU1 $g1 vfio-pci" "$C" &&
    expect_eq "$(grep -c '^device ' "$C")" 4 "devices in the container" && t_pass ||
    t_fail "container: $(cat "$C")"

t_begin container-iova-ranges-exclude-msi-window
# x86 reserves 0xfee00000-0xfeefffff for MSI; the kernel leaves it out of the valid ranges.
python3 -c "
import sys
r = [tuple(int(x, 16) for x in l.split()[1:]) for l in open('$C') if l.startswith('iova_range ')]
sys.exit(0 if r and all(not (s <= 0xfee00000 <= e) for s, e in r) else 1)" && t_pass ||
    t_fail "ranges: $(grep iova_range "$C")"

t_begin root-listing
expect_eq "$(ls "$M" | tr '\n' ' ')" "$VFIOFS_EDU0 $VFIOFS_EDU1 $VFIOFS_NVME $VFIOFS_IVSHMEM container dma " "mount root" &&
    expect_eq "$(ls -A "$M/dma")" "" "dma/ is empty" && t_pass

vfiofs_umount "$M" >/dev/null
t_summary
