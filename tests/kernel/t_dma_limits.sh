# DMA under limits: the locked-memory limit as an unprivileged user, huge pages.
. tests/kernel/common.sh

M=$WORK/m
E=$M/$VFIOFS_EDU0
# round_trip [as_nobody]: an edu DMA round trip through dma/src and dma/dst.
round_trip() { "$@" sh tests/kernel/edu_round_trip.sh "$M" "$VFIOFS_EDU0"; }
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }

# -- the locked-memory limit, as the owner of the group file --------------------
G=$(basename "$(readlink "/sys/bus/pci/devices/$VFIOFS_EDU0/iommu_group")")
# The files an ordinary user needs: the group file (type1), or /dev/iommu
# and the device's cdev (the iommufd pass: VFIOFS_TEST_IOMMU=iommufd).
if [ "${VFIOFS_TEST_IOMMU:-}" = iommufd ]; then
    USER_FILES="/dev/iommu /dev/vfio/devices/$(ls "/sys/bus/pci/devices/$VFIOFS_EDU0/vfio-dev")"
else
    USER_FILES=/dev/vfio/$G
fi
# shellcheck disable=SC2086 # one or two paths
chown nobody $USER_FILES
chmod 0666 /dev/fuse  # as udev leaves it on a normal system; the guest has no udev
mkdir -p "$M" && chown nobody "$M" "$WORK" && chmod 755 "$WORK"
t_begin unprivileged-mount
# 1 MiB of locked memory: a 512 KiB buffer fits, a second 1 MiB one does not.
( ulimit -l 1024 && exec setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$VFIOFS" "$M" -f ${VFIOFS_TEST_IOMMU:+-o iommu=$VFIOFS_TEST_IOMMU} \
        -o "device=$VFIOFS_EDU0,iova_max=0xfffffff" ) 2>"$M.log" &
VFIOFS_PID=$!
wait_until 30 _mounted_or_dead "$M" "$VFIOFS_PID" && is_mounted "$M" &&
    expect_eq "$(as_nobody cat "$M/container" | awk '$1 == "iommu" { print $2 }')" "$KERNEL_IOMMU" "the interface" &&
    t_pass || t_fail "log: $(cat "$M.log")"

t_begin over-memlock-is-ENOMEM-with-log-line-before-allocating
# The mount is the user's: without allow_other even root cannot look in.
as_nobody truncate -s 4096 "$M/dma/src" && as_nobody truncate -s 4096 "$M/dma/dst" &&
    as_nobody truncate -s 512K "$M/dma/half" || t_fail "small buffers: $(cat "$M.log")"
as_nobody touch "$M/dma/big"
r=$(as_nobody python3 -c "
import os, errno
try:
    os.truncate('$M/dma/big', 1 << 20); print('OK')
except OSError as e:
    print(errno.errorcode[e.errno])")
expect_eq "$r" ENOMEM "sizing over the limit" &&
    grep -q "locked already, and the locked-memory limit RLIMIT_MEMLOCK" "$M.log" && expect_eq "$(as_nobody stat -c %s "$M/dma/big")" 0 "big stays unsized" &&
    ! as_nobody grep -q " big$" "$M/container" && t_pass || t_fail "log: $(cat "$M.log")"

t_begin existing-buffers-keep-working
round_trip as_nobody && t_pass || t_fail "edu round trip after the refusal"
vfiofs_umount "$M"
# shellcheck disable=SC2086
chown root $USER_FILES

# -- huge pages -----------------------------------------------------------------
t_begin hugepages-fallback-without-reserve
echo 0 >/proc/sys/vm/nr_hugepages
vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,iova_max=0xfffffff,hugepages" &&
    truncate -s 4096 "$M/dma/src" && truncate -s 4096 "$M/dma/dst" &&
    grep -q "no hugetlb pages free" "$M.log" && round_trip &&
    [ $(($(iova_of "$M/dma/src") % 0x200000)) = 0 ] && t_pass || t_fail "log: $(cat "$M.log")"
vfiofs_umount "$M"

t_begin hugepages-from-hugetlb
echo 16 >/proc/sys/vm/nr_hugepages
free0=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages)
vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,iova_max=0xfffffff,hugepages" &&
    truncate -s 4096 "$M/dma/src" && truncate -s 3M "$M/dma/dst" &&
    grep -q "^mapping 0x[0-9a-f]* 0x[0-9a-f]* 2097152 2097152 src$" "$M/container" &&
    grep -q "^mapping 0x[0-9a-f]* 0x[0-9a-f]* 4194304 2097152 dst$" "$M/container" &&
    expect_eq "$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages)" $((free0 - 3)) "free huge pages" &&
    round_trip && t_pass || t_fail "container: $(grep mapping "$M/container") log: $(cat "$M.log")"
vfiofs_umount "$M"
t_begin hugepages-returned-at-unmount
expect_eq "$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages)" "$free0" "free huge pages" && t_pass
echo 0 >/proc/sys/vm/nr_hugepages

# -- a buffer larger than the machine, as root (no locked-memory limit) ----------
t_begin larger-than-memory-is-ENOMEM-with-log-line
vfiofs_mount "$M" -o "device=$VFIOFS_EDU0" || t_fail "mount: $(cat "$M.log")"
truncate -s 4096 "$M/dma/src" && truncate -s 4096 "$M/dma/dst" && touch "$M/dma/big"
big=$(awk '$1 == "MemTotal:" { printf "%d", $2 * 1024 * 3 / 2 }' /proc/meminfo)
r=$(errno_of "os.truncate('$M/dma/big', $big)")
expect_eq "$r" ENOMEM "sizing dma/big to 1.5 x MemTotal ($big)" &&
    grep -q "do not fit: MemAvailable is" "$M.log" && kill -0 "$VFIOFS_PID" &&
    expect_eq "$(stat -c %s "$M/dma/big")" 0 "big stays unsized" &&
    ! grep -q " big$" "$M/container" && t_pass || t_fail "log: $(cat "$M.log")"
t_begin existing-buffers-keep-working-as-root
round_trip && t_pass || t_fail "edu round trip after the refusal"
vfiofs_umount "$M"

# -- a hostile holder of a hugetlb buffer's memfd ---------------------------------
t_begin hugetlb-memfd-sealed
echo 1 >/proc/sys/vm/nr_hugepages
vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,iova_max=0xfffffff,hugepages" &&
    truncate -s 4096 "$M/dma/hole" && grep -q "dma/hole: .*(hugetlb pages)" "$M.log" &&
    expect_eq "$(python3 tests/lib/hostile_memfd.py "$M/dma/hole" shrink)" EPERM "ftruncate to 0" &&
    expect_eq "$(python3 tests/lib/hostile_memfd.py "$M/dma/hole" grow)" EPERM "ftruncate up" &&
    t_pass || t_fail "log: $(cat "$M.log")"
# A punched hole with no huge page left to fill it: the daemon's next write
# there faults (SIGBUS), which must be EIO for the writer, not the daemon's end.
t_begin hugetlb-hole-without-pool-is-EIO
echo 0 >/proc/sys/vm/nr_hugepages  # the page in use becomes surplus: freed for good by the hole
expect_eq "$(python3 tests/lib/hostile_memfd.py "$M/dma/hole" punch)" done "punch" &&
    expect_eq "$(errno_of "f = os.open('$M/dma/hole', os.O_WRONLY); os.pwrite(f, b'x' * 64, 0)")" EIO "write" &&
    kill -0 "$VFIOFS_PID" && grep -q "memory is gone" "$M.log" &&
    truncate -s 4096 "$M/dma/src" && truncate -s 4096 "$M/dma/dst" && round_trip &&
    t_pass || t_fail "log: $(cat "$M.log")"
vfiofs_umount "$M"
t_summary
