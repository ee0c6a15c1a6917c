#!/bin/sh
# /init of the vfiofs testbed guest. Runs from the initramfs under busybox sh
# (initramfs.sh puts it there; run.sh boots it).
#
#  1. mount proc/sys/devtmpfs, load the modules listed in
#     /lib/modules/load-order;
#  2. mount the per-run work dir of the host (9p tag vfiofs_work, read-write)
#     on /hostwork and read guest.conf from it (written by run.sh);
#  3. bind the test devices to vfio-pci and check /dev/vfio/N;
#  4. mount the host's root (9p tag vfiofs_root, read-only) on /newroot and
#     make it usable: proc, sys, dev, tmpfs where writes are needed;
#  5. run $WORK/command.sh in a chroot there, output on ttyS1;
#  6. write "exit N" to the work dir's status file and power off.
#
# Any setup failure writes "setup-failed: REASON" to the status file instead
# and powers off without running the command. Progress goes to the kernel
# log (and so to the console log on ttyS0), with timestamps.

export PATH=/bin
ROOT=/newroot      # host root as the chroot sees it
HOSTRO=/hostro     # the same 9p mount, never covered by the tmpfs mounts
HOSTWORK=/hostwork # per-run work dir of the host, read-write
STATUS=$HOSTWORK/status
OUTPORT=/dev/ttyS1 # second serial port: the command's stdin/stdout/stderr
WORK_MOUNTED=      # set once $HOSTWORK is mounted (busybox has no mountpoint)
NINEP_OPTS=trans=virtio,version=9p2000.L,msize=512000

log() {
    echo "vfiofs-testbed: $*" >/dev/kmsg 2>/dev/null || echo "vfiofs-testbed: $*"
}

power_off() {
    sync
    poweroff -f
    # Not reached; if it were, init exiting panics the kernel and panic=-1
    # with QEMU's -no-reboot ends the run anyway.
    exit 1
}

fatal() {
    log "FATAL: $*"
    if [ -n "$WORK_MOUNTED" ]; then
        echo "setup-failed: $*" >"$STATUS"
    fi
    power_off
}

# must CMD...: run CMD, a setup step that cannot fail.
must() {
    "$@" || fatal "setup step failed: $*"
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# If the archive had no /dev/console, fds 0-2 start closed.
exec </dev/console >/dev/console 2>&1
log "init started"

# -- modules ---------------------------------------------------------------
while read -r mod; do
    err=$(insmod "/lib/modules/$mod" 2>&1) || fatal "cannot load module $mod: $err"
done </lib/modules/load-order
log "modules loaded: $(tr '\n' ' ' </lib/modules/load-order)"

# -- the run's work dir and configuration -----------------------------------
# cache=none: files there (status, the ivshmem backing file) change on the
# host side behind the guest's back.
mount -t 9p -o "$NINEP_OPTS,cache=none" vfiofs_work "$HOSTWORK" ||
    fatal "cannot mount the work dir (9p tag vfiofs_work)"
WORK_MOUNTED=1
[ -r "$HOSTWORK/guest.conf" ] || fatal "no guest.conf in the work dir"
# Sets WORK, MODE, BIND_DEVICES, UNBOUND_DEVICES, KEEP_VISIBLE, TTY_ROWS,
# TTY_COLS, ROOT_CACHE.
# shellcheck source=/dev/null
. "$HOSTWORK/guest.conf"

# -- devices -----------------------------------------------------------------
driver_of() {
    if [ -e "$1/driver" ]; then basename "$(readlink "$1/driver")"; fi
}

bind_vfio() {
    dev=$1
    sysdev=/sys/bus/pci/devices/$dev
    [ -d "$sysdev" ] || fatal "PCI device $dev is missing (wrong QEMU device address?)"
    [ -e "$sysdev/iommu_group" ] ||
        fatal "PCI device $dev has no IOMMU group (intel_iommu=on and -device intel-iommu needed)"
    drv=$(driver_of "$sysdev")
    if [ -n "$drv" ] && [ "$drv" != vfio-pci ]; then
        echo "$dev" >"$sysdev/driver/unbind" || fatal "cannot unbind $dev from $drv"
    fi
    # driver_override makes vfio-pci (and nothing else) match at the probe.
    echo vfio-pci >"$sysdev/driver_override" || fatal "cannot set driver_override of $dev"
    echo "$dev" >/sys/bus/pci/drivers_probe || fatal "probe of $dev failed (see kernel log)"
    drv=$(driver_of "$sysdev")
    [ "$drv" = vfio-pci ] ||
        fatal "binding $dev to vfio-pci failed: driver is '${drv:-none}' (see kernel log)"
    group=$(basename "$(readlink "$sysdev/iommu_group")")
    # devtmpfs creates the node during the probe; poll briefly to be safe.
    n=0
    while [ ! -c "/dev/vfio/$group" ]; do
        n=$((n + 1))
        [ $n -le 50 ] || fatal "$dev is bound to vfio-pci but /dev/vfio/$group did not appear"
        sleep 0.1
    done
    log "$dev bound to vfio-pci, IOMMU group $group"
}

for dev in $BIND_DEVICES; do
    bind_vfio "$dev"
done
for dev in $UNBOUND_DEVICES; do
    sysdev=/sys/bus/pci/devices/$dev
    [ -d "$sysdev" ] || fatal "PCI device $dev is missing (wrong QEMU device address?)"
    drv=$(driver_of "$sysdev")
    [ -z "$drv" ] || fatal "$dev should have no driver but has $drv"
done

# -- the host's root as the command's root -----------------------------------
mount -t 9p -o "$NINEP_OPTS,ro,cache=${ROOT_CACHE:-none}" vfiofs_root "$ROOT" ||
    fatal "cannot mount the host root (9p tag vfiofs_root)"
# A second view of the host root, for host directories that the tmpfs
# mounts below would hide (bind mounts are not recursive: nothing mounted
# under $ROOT later shows here).
must mount --bind "$ROOT" "$HOSTRO"

must mount -t proc proc "$ROOT/proc"
must mount -t sysfs sysfs "$ROOT/sys"
must mount -t devtmpfs devtmpfs "$ROOT/dev"
must mkdir -p "$ROOT/dev/pts" "$ROOT/dev/shm" "$ROOT/dev/hugepages"
must mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$ROOT/dev/pts"
must mount -t tmpfs -o mode=1777 tmpfs "$ROOT/dev/shm"
must mount -t hugetlbfs hugetlbfs "$ROOT/dev/hugepages"
# devtmpfs has no /dev/fd etc. (udev makes them); bash needs /dev/fd.
must ln -sfn /proc/self/fd "$ROOT/dev/fd"
must ln -sfn /proc/self/fd/0 "$ROOT/dev/stdin"
must ln -sfn /proc/self/fd/1 "$ROOT/dev/stdout"
must ln -sfn /proc/self/fd/2 "$ROOT/dev/stderr"
mount -t fusectl fusectl "$ROOT/sys/fs/fuse/connections" 2>/dev/null || true

TMPFS_DIRS="/tmp /var/tmp /run /mnt /root /home"
for dir in $TMPFS_DIRS; do
    case $dir in
        /tmp | /var/tmp) mode=1777 ;;
        /root) mode=0700 ;;
        *) mode=0755 ;;
    esac
    must mount -t tmpfs -o "mode=$mode" tmpfs "$ROOT$dir"
done

# The work dir at the same absolute path as on the host, read-write.
must mkdir -p "$ROOT$WORK"
must mount --bind "$HOSTWORK" "$ROOT$WORK"

# Host directories the command needs (its cwd) that a tmpfs above hides.
keep_visible() {
    path=$1
    for dir in $TMPFS_DIRS; do
        case $path in
            "$dir"/*)
                [ -d "$HOSTRO$path" ] || fatal "host directory $path is not visible in the guest"
                must mkdir -p "$ROOT$path"
                must mount --bind "$HOSTRO$path" "$ROOT$path"
                return
                ;;
        esac
    done
}
while IFS= read -r path; do
    [ -z "$path" ] || keep_visible "$path"
done <<EOF
$KEEP_VISIBLE
EOF

# -- the command -------------------------------------------------------------
must hostname vfiofs-guest
echo running >"$STATUS"
log "running the command"
# command.sh (written by run.sh) sets the environment, cds and execs.
# The redirections are made inside a subshell so that what this shell says
# about the command (e.g. "Killed") goes to the console, not to the output.
# shellcheck disable=SC2153 # MODE comes from guest.conf
if [ "$MODE" = shell ]; then
    # stty with the port held open: the window size is lost when the last
    # file descriptor of a tty closes. setsid: a session of its own with
    # ttyS1 as controlling terminal, so job control and ^C work.
    (
        exec <>"$OUTPORT" >&0 2>&0
        stty sane rows "${TTY_ROWS:-24}" cols "${TTY_COLS:-80}"
        exec setsid -c /bin/env -i /bin/chroot "$ROOT" /bin/sh "$WORK/command.sh"
    )
else
    # raw: no \n -> \r\n translation; the host gets the bytes as written.
    (
        exec </dev/null >"$OUTPORT" 2>&1
        stty -F "$OUTPORT" raw -echo
        exec /bin/env -i /bin/chroot "$ROOT" /bin/sh "$WORK/command.sh"
    )
fi
rc=$?
log "command exited with status $rc"
echo "exit $rc" >"$STATUS"
power_off
