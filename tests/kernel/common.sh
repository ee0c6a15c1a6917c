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
    $VFIOFS "$_vm_mnt" -f "$@" 2>"$_vm_mnt.log" &
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
