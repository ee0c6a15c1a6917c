# The ioctls of vfiofs.h: the same facts as info, SET_IRQS as the irq commands,
# reset, bad arguments refused with nothing changed, DMA buffer info.
. tests/kernel/common.sh

M=$WORK/m
E=$M/$VFIOFS_EDU0
N=$M/$VFIOFS_NVME
I=$M/$VFIOFS_IVSHMEM
CHECK=$REPO/tests/kernel/ioctl_check

[ -x "$CHECK" ] || { echo "$CHECK is not built (make)" >&2; exit 2; }

# The facts info and the ioctls both give: reset, regions, interrupt indexes.
FACTS='^(reset |region\.|irq\.[a-z]+\.(count|flags) )'
info_facts() { grep -E "$FACTS" "$1/info"; }
ioctl_facts() { "$CHECK" info "$1" ${2:+"$2"} | grep -E "$FACTS"; }
irq_state() { grep '^irq\.\(mode\|vector\)' "$1/info"; }

# irq_events DEV CHECK-ARG...: opens DEV/irq, runs ioctl_check with the
# arguments, prints what the open irq file then gives (a line within 10 s,
# then whatever else comes within 1 s).
irq_events() {
    python3 - "$@" <<'EOF'
import os, select, subprocess, sys, time
dev, args = sys.argv[1], sys.argv[2:]
fd = os.open(dev + "/irq", os.O_RDONLY | os.O_NONBLOCK)
subprocess.run(args, check=True, timeout=30)
got, end = b"", time.time() + 10
while time.time() < end and not got.endswith(b"\n"):
    if select.select([fd], [], [], 0.5)[0]:
        got += os.read(fd, 4096)
if got.endswith(b"\n") and select.select([fd], [], [], 1)[0]:
    got += os.read(fd, 4096)
sys.stdout.write(got.decode())
EOF
}


vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,device=$VFIOFS_EDU1,device=$VFIOFS_NVME,device=$VFIOFS_IVSHMEM" ||
    { cat "$M.log"; exit 1; }

for d in "$E" "$N" "$I"; do
    t_begin "info-facts-equal-ioctl-facts-${d##*/}"
    info_facts "$d" >"$WORK/info.txt"
    ioctl_facts "$d" >"$WORK/ioctl.txt" || t_fail "ioctl_check info failed"
    diff -u "$WORK/info.txt" "$WORK/ioctl.txt" >"$WORK/diff.txt" && [ -s "$WORK/info.txt" ] && t_pass ||
        t_fail "$(tr '\n' '|' <"$WORK/diff.txt")"
done

t_begin mmap-areas-reported
expect_eq "$(ioctl_facts "$I" | grep '^region.bar2.mmap ')" "region.bar2.mmap 0 4194304" "ivshmem bar2 area" &&
    ioctl_facts "$N" | grep -q '^region.bar0.mmap ' && t_pass || t_fail "no mmap area in nvme bar0"

t_begin device-info-on-every-device-file
ioctl_facts "$E" >"$WORK/edu.txt"
for f in info config bar0 rom irq dma reset; do
    ioctl_facts "$E" "$f" | cmp -s - "$WORK/edu.txt" || t_fail "GET_INFO and region/irq info differ on $f"
done
expect_eq "$("$CHECK" info "$E" | grep -E '^device\.num_(regions|irqs)' | tr '\n' ' ')" \
    "device.num_regions 9 device.num_irqs 5 " "counts of indexes" && t_pass

t_begin msix-enable-and-trigger-via-ioctl
got=$(irq_events "$N" "$CHECK" irq "$N" msix 4 trigger 2)
expect_eq "$got" "msix 2 1" "events on irq" &&
    expect_eq "$(irq_state "$N" | tr '\n' ' ')" \
        "irq.mode msix irq.vectors 4 irq.vector.0.count 0 irq.vector.1.count 0 irq.vector.2.count 1 irq.vector.3.count 0 " \
        "info after the trigger" && t_pass

t_begin trigger-and-off-via-ioctl-in-current-mode
got=$(irq_events "$N" "$CHECK" irq "$N" trigger 3)
expect_eq "$got" "msix 3 1" "events on irq" &&
    "$CHECK" irq "$N" off && expect_eq "$(irq_state "$N" | tr '\n' ' ')" "irq.mode off irq.vectors 0 " "after off" &&
    t_pass

t_begin intx-trigger-and-unmask-via-ioctl
got=$(irq_events "$E" "$CHECK" irq "$E" intx trigger 0)
expect_eq "$got" "intx 0 1" "events on irq" && "$CHECK" irq "$E" unmask off &&
    expect_eq "$(info_value "$E/info" irq.mode)" off "mode after off" && t_pass

t_begin reset-via-ioctl-resets-nvme
echo 'msix 2' >"$N/irq"
nvme_enable || t_fail "controller did not become ready"
expect_eq "$("$CHECK" reset "$N")" "reset ok" "ioctl_check reset" &&
    expect_eq "$(read_u32 "$N/bar0" 0x14)" 0x00000000 "CC after reset" &&
    expect_eq "$(read_u32 "$N/bar0" 0x1c)" 0x00000000 "CSTS after reset" &&
    expect_eq "$(info_value "$N/info" irq.mode)" off "interrupts after reset" && t_pass

t_begin reset-via-ioctl-without-method-is-ENOTTY
expect_eq "$("$CHECK" reset "$E")" "reset ENOTTY" "reset of edu" && t_pass

t_begin bad-arguments-refused-and-change-nothing
echo 'msix 2' >"$N/irq"
irq_state "$N" >"$WORK/irq.before"
"$CHECK" bad "$N" >"$WORK/bad.txt" 2>&1 || t_fail "ioctl_check bad: $(cat "$WORK/bad.txt")"
cat >"$WORK/bad.expected" <<'EOF'
region-index-99 EINVAL
region-argsz-short EINVAL
irq-index-99 EINVAL
irq-argsz-short EINVAL
set-irqs-action-0 EINVAL
set-irqs-action-99 EINVAL
enable-count-0 EINVAL
enable-msi-999 EINVAL
enable-start-1 EINVAL
enable-intx-count-2 EINVAL
enable-index-err EINVAL
enable-index-99 EINVAL
trigger-other-index EINVAL
trigger-vector-99 EINVAL
trigger-count-2 EINVAL
disable-other-index EINVAL
disable-count-1 EINVAL
unmask-not-intx EINVAL
unmask-index-msix EINVAL
get-info-size-8 EINVAL
get-info-size-28 EINVAL
get-info-as-iowr ENOTTY
region-info-size-32 EINVAL
reset-with-argument ENOTTY
unknown-nr ENOTTY
unknown-type ENOTTY
tcgets ENOTTY
set-irqs-pointer-8 EFAULT
region-info-pointer-8 EFAULT
get-info-pointer-8 EFAULT
get-info-on-container ENOTTY
reset-on-container ENOTTY
get-info-on-dma-buffer ENOTTY
dma-info-on-irq ENOTTY
EOF
diff -u "$WORK/bad.expected" "$WORK/bad.txt" >"$WORK/diff.txt" || t_fail "$(tr '\n' '|' <"$WORK/diff.txt")"
irq_state "$N" | cmp -s - "$WORK/irq.before" || t_fail "irq state changed: $(irq_state "$N" | tr '\n' ' ')"
[ -z "$(ls "$M/dma")" ] || t_fail "dma/ not empty: $(ls "$M/dma")"
grep -q "ioctl DEVICE_GET_REGION_INFO: the device has no region 99 (it has 9)" "$M.log" &&
    grep -q "irq: the command names msi, but the interrupts are msix" "$M.log" ||
    t_fail "refusals not logged: $(grep ioctl "$M.log" | head -3)"
echo off >"$N/irq"
t_pass

t_begin dma-info-of-buffers
dma_info() { "$CHECK" dma "$@" | tr '\n' ' '; }
truncate -s 8192 "$M/dma/buf" || t_fail "truncate"
iova=$(getfattr -n user.vfio.iova --only-values "$M/dma/buf" 2>/dev/null)
page=$(awk -v i="$iova" '$1 == "mapping" && $2 == i { print $5 }' "$M/container")
expect_eq "$page" 4096 "page size in container" &&
    expect_eq "$(dma_info "$M/dma/buf")" "iova $iova size 8192 page_size 4096 flags mapped " "sized buffer"
touch "$M/dma/empty" || t_fail "touch"
expect_eq "$(dma_info "$M/dma/empty")" "iova 0x0 size 0 page_size 0 flags none " "unsized buffer"
setfattr -n user.vfio.iova -v $((0x400000)) "$M/dma/empty" || t_fail "setfattr"
expect_eq "$(dma_info "$M/dma/empty")" "iova 0x0 size 0 page_size 0 flags none " "unsized buffer with an IOVA asked for"
truncate -s 4096 "$M/dma/empty" || t_fail "truncate at the IOVA asked for"
expect_eq "$(dma_info "$M/dma/empty")" "iova 0x400000 size 4096 page_size 4096 flags mapped " \
    "buffer at the IOVA asked for"
expect_eq "$(dma_info "$M/dma/buf" unlink)" "iova 0x0 size 8192 page_size 0 flags none " "buffer unlinked while open"
t_pass
rm -f "$M/dma/empty"

t_begin ioctls-after-rmdir-are-ENODEV
expect_eq "$("$CHECK" detach "$M/$VFIOFS_EDU1" | tr '\n' ' ')" "get-info-after-rmdir ENODEV reset-after-rmdir ENODEV " \
    "ioctls on a file kept open across rmdir" && t_pass

t_begin daemon-still-serving
expect_eq "$(read_u32 "$E/bar0" 0)" 0x010000ed ident && t_pass
vfiofs_umount "$M" || echo "# umount: $(cat "$M.log")"

t_begin changes-only-by-the-mounting-user
# allow_other lets others in; irq (0600) and reset (0200) stay the owner's:
# nobody may not open them, so has no descriptor for their ioctls either
# (t_permissions.sh: the ioctls take what writing the files takes).
chmod 755 "$WORK"
vfiofs_mount "$M" -o "device=$VFIOFS_NVME,allow_other" || t_fail "mount: $(cat "$M.log")"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@" 2>&1; }
ioctl_facts "$N" >"$WORK/root.txt"
as_nobody "$CHECK" info "$N" | grep -E "$FACTS" | cmp -s - "$WORK/root.txt" || t_fail "nobody's GET_INFO differs"
expect_eq "$(as_nobody "$CHECK" irq "$N" msix 1)" "ioctl_check: cannot open $N/irq" "nobody's SET_IRQS" &&
    expect_eq "$(as_nobody "$CHECK" reset "$N")" "ioctl_check: cannot open $N/reset" "nobody's RESET" &&
    expect_eq "$(info_value "$N/info" irq.mode)" off "irq mode" && t_pass
vfiofs_umount "$M" || echo "# umount: $(cat "$M.log")"
t_summary
