# Mounting like a native file system (mount -t, fstab) and the messages a newcomer meets.
#
# mount(8) runs mount.fuse3, which runs "vfiofs" from the standard PATH, as
# after "make install". The guest's /usr/local/bin is read-only, so this
# scenario runs in its own mount namespace with a tmpfs there holding a link
# to the freshly built binary.
if [ -z "${VFIOFS_T_MOUNT_NS:-}" ]; then
    VFIOFS_T_MOUNT_NS=1 exec unshare -m sh "$0" "$@"
fi
. tests/kernel/common.sh
mount -t tmpfs none /usr/local/bin && ln -s "$REPO/src/vfiofs" /usr/local/bin/vfiofs

M=$WORK/m
mkdir -p "$M"

# The daemon mount started, found by its command line.
daemon_of() { pgrep -f "^vfiofs $1 $M" | head -n 1; }

t_begin mount-t-fuse.vfiofs
mount -t fuse.vfiofs none "$M" -o "device=$VFIOFS_EDU0" 2>"$WORK/mount.err" &&
    grep -q " $M fuse.vfiofs " /proc/mounts &&
    expect_eq "$(read_u32 "$M/$VFIOFS_EDU0/bar0" 0)" 0x010000ed ident &&
    expect_eq "$(cat "$WORK/mount.err")" "" "messages of a quiet mount" && t_pass ||
    t_fail "$(cat "$WORK/mount.err")"
pid=$(daemon_of none)
umount "$M" && wait_until 30 is_dead "${pid:-0}" || t_fail "daemon still running after umount"

t_begin fstab-line
# A private fstab (the guest's /etc is read-only); the same line works in /etc/fstab.
echo "vfiofs $M fuse.vfiofs device=$VFIOFS_EDU1,noreset,iova_max=0xfffffff 0 0" >"$WORK/fstab"
mount -T "$WORK/fstab" "$M" 2>"$WORK/mount.err" &&
    expect_eq "$(awk -v m="$M" '$2 == m { print $1, $3 }' /proc/mounts)" "vfiofs fuse.vfiofs" "mount table" &&
    expect_eq "$(read_u32 "$M/$VFIOFS_EDU1/bar0" 0)" 0x010000ed ident &&
    expect_eq "$(ls "$M" | grep -c '^0000:')" 1 "devices" && t_pass || t_fail "$(cat "$WORK/mount.err")"
pid=$(daemon_of vfiofs)
umount "$M" && wait_until 30 is_dead "${pid:-0}" || t_fail "daemon still running after umount"

t_begin message-no-dev-vfio
# As if vfio-pci were not loaded: /dev/vfio hidden in a private mount namespace.
unshare -m sh -c "mount -t tmpfs none /dev/vfio && exec $REPO/src/vfiofs $M -f" 2>"$WORK/err"
rc=$?
[ "$rc" != 0 ] && grep -q "modprobe vfio-pci" "$WORK/err" && ! is_mounted "$M" && t_pass ||
    t_fail "rc=$rc: $(cat "$WORK/err")"

t_begin message-no-permission-on-group
chmod 0666 /dev/fuse /dev/vfio/vfio
chown nobody "$WORK"
G=$(basename "$(readlink "/sys/bus/pci/devices/$VFIOFS_EDU0/iommu_group")")
setpriv --reuid=nobody --regid=nogroup --clear-groups "$REPO/src/vfiofs" "$WORK/m2" -f \
    -o "device=$VFIOFS_EDU0" 2>"$WORK/err"
rc=$?
[ "$rc" != 0 ] && grep -q "no permission on /dev/vfio/$G" "$WORK/err" &&
    grep -q "chown" "$WORK/err" && grep -q "$VFIOFS_EDU0" "$WORK/err" && t_pass ||
    t_fail "rc=$rc: $(cat "$WORK/err")"

t_begin message-not-bound
"$REPO/src/vfiofs" "$M" -f -o "device=$VFIOFS_EDU_UNBOUND" 2>"$WORK/err"
grep -q "$VFIOFS_EDU_UNBOUND is not bound to vfio-pci" "$WORK/err" &&
    grep -q "driver_override" "$WORK/err" && grep -q "drivers_probe" "$WORK/err" && t_pass ||
    t_fail "$(cat "$WORK/err")"

t_begin message-bound-to-another-driver
# pci-stub (from the cached guest kernel) takes the spare edu for a moment.
U=$VFIOFS_EDU_UNBOUND
stub=$(find "${VFIOFS_TESTBED_CACHE:-/var/cache/vfiofs-testbed}" -path "*/$(uname -r)/*" -name pci-stub.ko | head -n 1)
if [ -n "$stub" ] && { [ -d /sys/bus/pci/drivers/pci-stub ] || insmod "$stub"; }; then
    echo pci-stub >"/sys/bus/pci/devices/$U/driver_override"
    echo "$U" >/sys/bus/pci/drivers_probe
    "$REPO/src/vfiofs" "$M" -f -o "device=$U" 2>"$WORK/err"
    echo "$U" >/sys/bus/pci/drivers/pci-stub/unbind
    echo >"/sys/bus/pci/devices/$U/driver_override"
    grep -q "$U is bound to pci-stub, not vfio-pci" "$WORK/err" &&
        grep -q "/sys/bus/pci/devices/$U/driver/unbind" "$WORK/err" && t_pass || t_fail "$(cat "$WORK/err")"
else
    t_fail "pci-stub.ko of $(uname -r) not found under the testbed cache"
fi

t_begin message-group-not-viable
# The chipset's SATA goes to vfio-pci while the SMBus function of its group
# is held by a host driver (iosf_mbi_pci, built into the kernel), so the
# group is not viable (group_split, tests/kernel/common.sh).
if group_split iosf_mbi_pci; then
    "$REPO/src/vfiofs" "$M" -f -o "device=$SPLIT_A" 2>"$WORK/err"
    rc=$?
    group_unsplit
    [ "$rc" != 0 ] && grep -q "$SPLIT_A: IOMMU group $SPLIT_G is not viable: $SPLIT_B is bound to iosf_mbi_pci" "$WORK/err" &&
        grep -q "ls /sys/kernel/iommu_groups/$SPLIT_G/devices" "$WORK/err" && t_pass || t_fail "rc=$rc: $(cat "$WORK/err")"
else
    t_fail "the testbed lacks 00:1f.2 or the iosf_mbi_pci driver"
fi

t_summary
