# -o iommu=: what auto picks, type1 and iommufd side by side on a kernel that
# has both (the testbed's own, run.sh --iommufd), the refusals on one that
# lacks iommufd (Debian's), and the refusals iommufd adds.
. tests/kernel/common.sh

M=$WORK/m
EDU_ROUND_TRIP=tests/kernel/edu_round_trip.sh
# The scenario names its interface itself: an injected one would hide what auto does.
unset VFIOFS_TEST_IOMMU

# round_trip: 2 KiB through edu's DMA engine both ways, through buffers of this mount.
round_trip() {
    : >"$M/dma/src" && truncate -s 4096 "$M/dma/src" && : >"$M/dma/dst" &&
        truncate -s 4096 "$M/dma/dst" && sh "$EDU_ROUND_TRIP" "$M" "$VFIOFS_EDU0"
}

t_begin iommu-bad-value
"$VFIOFS" "$M" -f -o "device=$VFIOFS_EDU0,iommu=vfio" 2>"$WORK/err"
rc=$?
[ "$rc" != 0 ] && grep -q "iommu=vfio: expected auto, iommufd or type1" "$WORK/err" &&
    expect_eq "$(grep -c "iommu=" "$WORK/err")" 1 "lines naming it" && ! is_mounted "$M" && t_pass ||
    t_fail "rc=$rc: $(cat "$WORK/err")"

if [ ! -c /dev/iommu ]; then
    # Debian's kernel: no iommufd. Asking for it is refused with the kernel
    # options it needs; auto is type1.
    t_begin iommufd-missing-is-refused
    "$VFIOFS" "$M" -f -o "device=$VFIOFS_EDU0,iommu=iommufd" 2>"$WORK/err"
    rc=$?
    [ "$rc" != 0 ] && grep -q "CONFIG_IOMMUFD" "$WORK/err" && grep -q "CONFIG_VFIO_DEVICE_CDEV" "$WORK/err" &&
        grep -q "iommu=type1" "$WORK/err" && grep -q "$VFIOFS_EDU0" "$WORK/err" && t_pass ||
        t_fail "rc=$rc: $(cat "$WORK/err")"

    t_begin auto-is-type1-without-iommufd
    vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,iommu=auto" &&
        expect_eq "$(info_value "$M/container" backend)" legacy backend &&
        round_trip && t_pass || t_fail "$(cat "$M.log") $(cat "$M/container" 2>/dev/null)"
    vfiofs_umount "$M" >/dev/null 2>&1
    t_summary
    exit
fi

t_begin auto-picks-type1-where-the-container-exists
vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,device=$VFIOFS_EDU1" &&
    expect_eq "$(info_value "$M/container" backend)" legacy backend &&
    expect_eq "$(info_value "$M/container" iommu)" type1v2 iommu &&
    grep -q "iommu=auto: type1" "$M.log" && round_trip && t_pass ||
    t_fail "$(cat "$M.log") $(cat "$M/container" 2>/dev/null)"
vfiofs_umount "$M" >/dev/null

t_begin type1-on-a-kernel-with-iommufd
vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,iommu=type1" &&
    expect_eq "$(info_value "$M/container" iommu)" type1v2 iommu && round_trip && t_pass ||
    t_fail "$(cat "$M.log")"
vfiofs_umount "$M" >/dev/null

t_begin iommufd-container-lines
vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,device=$VFIOFS_EDU1,iommu=iommufd" &&
    C=$M/container &&
    expect_eq "$(info_value "$C" backend)" iommufd backend &&
    expect_eq "$(info_value "$C" iommu)" iommufd iommu &&
    expect_eq "$(info_value "$C" page_sizes)" 0x1000 page_sizes &&
    grep -qx "dma_space kernel iommufd" "$C" &&
    grep -qx "device $VFIOFS_EDU0 $(basename "$(readlink "/sys/bus/pci/devices/$VFIOFS_EDU0/iommu_group")") vfio-pci" "$C" &&
    python3 -c "
import sys
r = [tuple(int(x, 16) for x in l.split()[1:]) for l in open('$C') if l.startswith('iova_range ')]
sys.exit(0 if r and all(not (s <= 0xfee00000 <= e) for s, e in r) else 1)" && t_pass ||
    t_fail "$(cat "$M.log") $(cat "$M/container" 2>/dev/null)"

t_begin iommufd-dma-round-trip
round_trip && iova=$(iova_of "$M/dma/src") &&
    grep -q "^mapping $iova " "$M/container" && t_pass || t_fail "edu DMA under iommufd"

t_begin iommufd-device-bound-to-another-iommufd
# The mount above holds EDU0 through its device file: a second mount cannot bind it.
"$VFIOFS" "$WORK/m2" -f -o "device=$VFIOFS_EDU0,iommu=iommufd" 2>"$WORK/err"
rc=$?
[ "$rc" != 0 ] && grep -q "$VFIOFS_EDU0 is in use by another process" "$WORK/err" &&
    grep -q "fuser" "$WORK/err" && t_pass || t_fail "rc=$rc: $(cat "$WORK/err")"

t_begin iommufd-unlink-unmaps
rm "$M/dma/src" "$M/dma/dst" && expect_eq "$(grep -c '^mapping ' "$M/container")" 0 mappings && t_pass
vfiofs_umount "$M" >/dev/null

t_begin auto-picks-iommufd-where-the-container-is-gone
# As on a kernel built without VFIO_CONTAINER: /dev/vfio/vfio hidden in a
# private mount namespace, the device files kept. The mount lives in that
# namespace, so the check runs there too.
cat >"$WORK/ns.sh" <<EOF
. tests/kernel/common.sh
mkdir -p "$WORK/realvfio" && mount --bind /dev/vfio "$WORK/realvfio" &&
    mount -t tmpfs none /dev/vfio && mkdir /dev/vfio/devices &&
    mount --bind "$WORK/realvfio/devices" /dev/vfio/devices || exit 3
vfiofs_mount "$M" -o "device=$VFIOFS_EDU0" || { cat "$M.log"; exit 4; }
info_value "$M/container" backend
grep -c "iommu=auto: iommufd" "$M.log"
: >"$M/dma/src" && truncate -s 4096 "$M/dma/src" && : >"$M/dma/dst" && truncate -s 4096 "$M/dma/dst" &&
    sh "$EDU_ROUND_TRIP" "$M" "$VFIOFS_EDU0"
echo "round-trip \$?"
vfiofs_umount "$M" >/dev/null
EOF
out=$(WORK=$WORK unshare -m sh "$WORK/ns.sh" 2>&1)
expect_eq "$(echo "$out" | tr '\n' ' ')" "iommufd 1 round-trip 0 " "backend, log line, DMA in the namespace" && t_pass

t_begin iommufd-group-not-viable
# As t_mount.sh's message-group-not-viable under type1 (group_split,
# tests/kernel/common.sh): the SMBus function beside the SATA is held by
# iosf_mbi_pci, built into the testbed's kernel for this; pci-stub would not
# do: it declares that it does no DMA, and the kernel then finds the group
# viable, rightly. The device file exists, but the group is not viable, and
# the refusal says why.
if group_split iosf_mbi_pci; then
    timeout 30 "$VFIOFS" "$M" -f -o "device=$SPLIT_A,iommu=iommufd" 2>"$WORK/err"
    rc=$?
    group_unsplit
    [ "$rc" != 0 ] && [ "$rc" != 124 ] &&
        grep -q "$SPLIT_A: IOMMU group $SPLIT_G is not viable: $SPLIT_B is bound to iosf_mbi_pci" "$WORK/err" &&
        grep -q "ls /sys/kernel/iommu_groups/$SPLIT_G/devices" "$WORK/err" && ! is_mounted "$M" && t_pass ||
        t_fail "rc=$rc: $(cat "$WORK/err")"
else
    t_fail "the testbed lacks 00:1f.2 and 00:1f.3 in one group, or iosf_mbi_pci"
fi

t_begin iommufd-permissions
# An ordinary user needs read-write on /dev/iommu and on the device's file;
# each missing one is named, with the fix.
chmod 0666 /dev/fuse
mkdir -p "$WORK/m3" && chown nobody "$WORK" "$WORK/m3"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
cdev=$(ls "/sys/bus/pci/devices/$VFIOFS_EDU0/vfio-dev")
mode_iommu=$(stat -c %a /dev/iommu)
mode_cdev=$(stat -c %a "/dev/vfio/devices/$cdev")
chmod 0600 /dev/iommu "/dev/vfio/devices/$cdev"
as_nobody "$VFIOFS" "$WORK/m3" -f -o "device=$VFIOFS_EDU0,iommu=iommufd" 2>"$WORK/err1"
rc1=$?
chmod 0666 /dev/iommu
as_nobody "$VFIOFS" "$WORK/m3" -f -o "device=$VFIOFS_EDU0,iommu=iommufd" 2>"$WORK/err2"
rc2=$?
chmod "$mode_iommu" /dev/iommu
chmod "$mode_cdev" "/dev/vfio/devices/$cdev"
[ "$rc1" != 0 ] && grep -q "no permission on /dev/iommu" "$WORK/err1" && grep -q "udev" "$WORK/err1" &&
    [ "$rc2" != 0 ] && grep -q "$VFIOFS_EDU0: no permission on /dev/vfio/devices/$cdev" "$WORK/err2" &&
    t_pass || t_fail "rc=$rc1/$rc2: $(cat "$WORK/err1" "$WORK/err2")"

t_summary
