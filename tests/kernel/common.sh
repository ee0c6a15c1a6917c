# Shared by the kernel tier's scenarios (POSIX sh, run in the guest as root).
#   . tests/kernel/common.sh
# Gives lib.sh's t_* helpers plus mounting helpers for the freshly built vfiofs.

REPO=${REPO:-$(pwd)}
. "$REPO/tests/guest/lib.sh"
. "$REPO/tests/lib/files.sh"

VFIOFS=${VFIOFS:-$REPO/src/vfiofs}
WORK=${WORK:-$(mktemp -d /tmp/vfiofs-kernel.XXXXXX)}

[ "${VFIOFS_IN_GUEST:-}" = 1 ] || { echo "run me in the guest: tests/guest/run.sh -- sh $0" >&2; exit 2; }
[ -x "$VFIOFS" ] || { echo "$VFIOFS is not built (./autogen.sh && ./configure && make)" >&2; exit 2; }

# VFIOFS_TEST_IOMMU=iommufd|type1 runs the scenarios' mounts through that
# kernel interface (-o iommu=, before the scenario's own options, which win):
#   tests/guest/run.sh --iommufd --env VFIOFS_TEST_IOMMU=iommufd -- sh tests/kernel/all.sh
# KERNEL_BACKEND and KERNEL_IOMMU are what `container` then says.
case ${VFIOFS_TEST_IOMMU:-} in
    iommufd) KERNEL_BACKEND=iommufd KERNEL_IOMMU=iommufd ;;
    "" | type1 | auto) KERNEL_BACKEND=legacy KERNEL_IOMMU=type1v2 ;;
    *) echo "VFIOFS_TEST_IOMMU is iommufd, type1 or auto, not '$VFIOFS_TEST_IOMMU'" >&2; exit 2 ;;
esac

is_mounted() { grep -q " $1 fuse.vfiofs " /proc/mounts; }
is_dead() { ! kill -0 "$1" 2>/dev/null; }
_mounted_or_dead() { is_mounted "$1" || is_dead "$2"; }

# vfiofs_mount MNT [ARG...]: runs vfiofs -f on MNT in the background, its
# stderr in MNT.log; returns once mounted (0) or once the daemon gave up (1).
# VFIOFS_PID is the daemon.
vfiofs_mount() {
    _vm_mnt=$1
    shift
    mkdir -p "$_vm_mnt"
    # shellcheck disable=SC2086 # the option and its value as two words
    $VFIOFS "$_vm_mnt" -f ${VFIOFS_TEST_IOMMU:+-o iommu=$VFIOFS_TEST_IOMMU} "$@" 2>"$_vm_mnt.log" &
    VFIOFS_PID=$!
    wait_until 30 _mounted_or_dead "$_vm_mnt" "$VFIOFS_PID" || return 1
    is_mounted "$_vm_mnt"
}

# vfiofs_umount MNT: unmounts and waits (bounded) for the daemon to exit; its status is returned.
vfiofs_umount() {
    umount "$1" || return 1
    wait_until 30 is_dead "$VFIOFS_PID" || return 1
    wait "$VFIOFS_PID"
}

# sysfs_u8 ADDR OFFSET: one byte of the device's config space as the kernel sees it, 0x%02x.
# The chipset's SATA (00:1f.2) and SMBus (00:1f.3) functions share an IOMMU
# group, and the guest uses neither. group_split DRIVER: SATA to vfio-pci,
# SMBus to the host driver DRIVER, so that the group is not viable; sets
# SPLIT_A, SPLIT_B and SPLIT_G (the group); fails when the testbed lacks them.
# group_unsplit: both unbound again, their overrides cleared.
SPLIT_A=0000:00:1f.2 SPLIT_B=0000:00:1f.3
group_split() {
    [ -d "/sys/bus/pci/drivers/$1" ] && [ -d "/sys/bus/pci/devices/$SPLIT_A" ] &&
        [ -d "/sys/bus/pci/devices/$SPLIT_B" ] &&
        [ "$(readlink "/sys/bus/pci/devices/$SPLIT_A/iommu_group")" = \
          "$(readlink "/sys/bus/pci/devices/$SPLIT_B/iommu_group")" ] || return 1
    group_unsplit
    echo "$1" >"/sys/bus/pci/devices/$SPLIT_B/driver_override" && echo "$SPLIT_B" >/sys/bus/pci/drivers_probe
    echo vfio-pci >"/sys/bus/pci/devices/$SPLIT_A/driver_override" && echo "$SPLIT_A" >/sys/bus/pci/drivers_probe
    SPLIT_G=$(basename "$(readlink "/sys/bus/pci/devices/$SPLIT_A/iommu_group")")
}
group_unsplit() {
    local d
    for d in $SPLIT_A $SPLIT_B; do
        [ -e "/sys/bus/pci/devices/$d/driver" ] && echo "$d" >"/sys/bus/pci/devices/$d/driver/unbind"
        echo >"/sys/bus/pci/devices/$d/driver_override"
    done
}

sysfs_cfg() {
    od -An -tx1 -v -j "$(($2))" -N "${3:-1}" "/sys/bus/pci/devices/$1/config" | tr -d ' \n'
}

# cfg_bytes FILE OFFSET COUNT: bytes of a file as hex, in file order.
file_bytes() {
    dd if="$1" bs=1 skip="$(($2))" count="$3" 2>/dev/null | od -An -tx1 -v | tr -d ' \n'
}



# nvme_enable: enables the nvme controller whose directory is $N (admin queues
# at unmapped IOVAs: enabling does no DMA). An FLR clears CC and CSTS, so
# CSTS.RDY tells whether a reset happened.
nvme_enable() {
    write_u32 "$N/bar0" 0x24 0x001f001f && write_u32 "$N/bar0" 0x28 0x100000 && write_u32 "$N/bar0" 0x2c 0 &&
        write_u32 "$N/bar0" 0x30 0x200000 && write_u32 "$N/bar0" 0x34 0 &&
        write_u32 "$N/bar0" 0x14 0x00460001 &&
        wait_until 10 nvme_ready
}
nvme_ready() { [ "$(read_u32 "$N/bar0" 0x1c)" = 0x00000001 ]; }
