# Attaching: refusals with one clear line, partial mounts, mkdir/rmdir at run time.
. tests/kernel/common.sh

M=$WORK/m

t_begin refuse-unbound-device-rest-mounts
vfiofs_mount "$M" -o "device=$VFIOFS_EDU_UNBOUND,device=$VFIOFS_EDU0" || t_fail "mount failed: $(cat "$M.log")"
lines=$(grep -c "$VFIOFS_EDU_UNBOUND" "$M.log")
expect_eq "$lines" 1 "lines naming the unbound device" &&
    grep "$VFIOFS_EDU_UNBOUND" "$M.log" | grep -q "not bound to vfio-pci" &&
    grep "$VFIOFS_EDU_UNBOUND" "$M.log" | grep -q "driver_override" &&
    [ -d "$M/$VFIOFS_EDU0" ] && [ ! -e "$M/$VFIOFS_EDU_UNBOUND" ] && t_pass ||
    t_fail "log: $(cat "$M.log")"

t_begin mkdir-attaches
mkdir "$M/$VFIOFS_EDU1" && expect_eq "$(read_u32 "$M/$VFIOFS_EDU1/bar0" 0)" 0x010000ed "ident of the new device" &&
    grep -q "^device $VFIOFS_EDU1 " "$M/container" && t_pass || t_fail "mkdir did not attach"

t_begin mkdir-existing-is-EEXIST
expect_eq "$(errno_of "os.mkdir('$M/$VFIOFS_EDU1')")" EEXIST "mkdir again" && t_pass

t_begin mkdir-bad-names
expect_eq "$(errno_of "os.mkdir('$M/banana')")" EINVAL "not an address" &&
    expect_eq "$(errno_of "os.mkdir('$M/00:04.0')")" EINVAL "not canonical" &&
    expect_eq "$(errno_of "os.mkdir('$M/$VFIOFS_EDU_UNBOUND')")" ENODEV "unbound device" &&
    expect_eq "$(errno_of "os.mkdir('$M/0000:00:1f.7')")" ENODEV "no such device" &&
    expect_eq "$(errno_of "os.mkdir('$M/$VFIOFS_EDU0/sub')")" EPERM "inside a device" &&
    [ ! -e "$M/banana" ] && t_pass

t_begin rmdir-detaches
# An open file of the device outlives rmdir and then answers ENODEV.
got=$(errno_of "fd = os.open('$M/$VFIOFS_EDU1/bar0', os.O_RDONLY); os.rmdir('$M/$VFIOFS_EDU1'); os.pread(fd, 4, 0)")
expect_eq "$got" ENODEV "read on a file open across rmdir" &&
    [ ! -e "$M/$VFIOFS_EDU1" ] && ! grep -q "^device $VFIOFS_EDU1 " "$M/container" && t_pass ||
    t_fail "still there after rmdir"

t_begin reattach-after-rmdir
mkdir "$M/$VFIOFS_EDU1" && expect_eq "$(read_u32 "$M/$VFIOFS_EDU1/bar0" 0)" 0x010000ed "ident after re-attach" && t_pass

t_begin rmdir-of-other-things
expect_eq "$(errno_of "os.rmdir('$M/dma')")" EPERM "rmdir dma" &&
    expect_eq "$(errno_of "os.rmdir('$M/container')")" ENOTDIR "rmdir container" &&
    expect_eq "$(errno_of "os.rmdir('$M/nothing')")" ENOENT "rmdir missing" &&
    expect_eq "$(errno_of "os.unlink('$M/$VFIOFS_EDU0/bar0')")" EPERM "unlink bar0" &&
    expect_eq "$(errno_of "open('$M/newfile', 'w')")" EPERM "create a file" &&
    expect_eq "$(errno_of "os.symlink('x', '$M/link')")" EPERM "symlink" &&
    expect_eq "$(errno_of "os.link('$M/container', '$M/hard')")" EPERM "link" && t_pass

t_begin rmdir-all-then-mkdir
# The last group leaving drops the IOMMU; the next attach must set it up again.
rmdir "$M/$VFIOFS_EDU0" && rmdir "$M/$VFIOFS_EDU1" &&
    expect_eq "$(info_value "$M/container" iommu)" none "IOMMU with no device" &&
    expect_eq "$(grep -c '^iova_range' "$M/container")" 0 "IOVA ranges with no device" &&
    mkdir "$M/$VFIOFS_EDU0" && expect_eq "$(info_value "$M/container" iommu)" type1v2 "IOMMU again" &&
    expect_eq "$(read_u32 "$M/$VFIOFS_EDU0/bar0" 0)" 0x010000ed "ident" && t_pass

vfiofs_umount "$M" || echo "# umount failed"

t_begin refuse-when-nothing-attaches
rm -f "$M.log"
if vfiofs_mount "$M" -o "device=$VFIOFS_EDU_UNBOUND"; then
    t_fail "mounted with nothing attached"
    vfiofs_umount "$M"
else
    wait "$VFIOFS_PID"
    rc=$?
    [ "$rc" != 0 ] && grep -q "no device could be attached" "$M.log" && t_pass ||
        t_fail "rc=$rc log: $(cat "$M.log")"
fi

t_begin refuse-bad-option
"$VFIOFS" "$M" -o device=0000:00:03.9 2>"$WORK/err" && t_fail "accepted a bad address"
grep -q "not a PCI address" "$WORK/err" && t_pass || t_fail "stderr: $(cat "$WORK/err")"

t_begin bad-fuse-option-touches-no-device
# libfuse's options are checked before any device is attached (and reset).
"$VFIOFS" "$M" -f -d -o "device=$VFIOFS_NVME,no_such_fuse_option" 2>"$WORK/err"
rc=$?
expect_eq "$rc" 2 "exit status" && ! grep -q "attached\|reset on" "$WORK/err" && t_pass ||
    t_fail "stderr: $(cat "$WORK/err")"

t_begin auto-discovery-attaches-every-vfio-pci-device
vfiofs_mount "$M" || t_fail "mount: $(cat "$M.log")"
expect_eq "$(ls "$M" | grep -c '^0000:')" 5 "device directories" && t_pass
vfiofs_umount "$M"

t_summary
