# reset: VFIO_DEVICE_RESET where the device has a reset method, ENOTTY where not; noreset.
. tests/kernel/common.sh

M=$WORK/m
N=$M/$VFIOFS_NVME

vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,device=$VFIOFS_NVME" || { cat "$M.log"; exit 1; }

t_begin nvme-offers-reset
expect_eq "$(info_value "$N/info" reset)" yes "nvme reset" && t_pass

t_begin nvme-reset-resets-controller
nvme_enable || t_fail "controller did not become ready"
echo 1 >"$N/reset" && expect_eq "$(read_u32 "$N/bar0" 0x14)" 0x00000000 "CC after reset" &&
    expect_eq "$(read_u32 "$N/bar0" 0x1c)" 0x00000000 "CSTS after reset" && t_pass

t_begin reset-without-method-is-ENOTTY
expect_eq "$(info_value "$M/$VFIOFS_EDU0/info" reset)" no "edu reset" &&
    expect_eq "$(errno_of "os.write(os.open('$M/$VFIOFS_EDU0/reset', os.O_WRONLY), b'1')")" ENOTTY "reset edu" && t_pass

t_begin reset-garbage-is-EINVAL
nvme_enable || t_fail "controller did not become ready"
expect_eq "$(errno_of "os.write(os.open('$N/reset', os.O_WRONLY), b'yes')")" EINVAL "write 'yes'" &&
    expect_eq "$(errno_of "os.write(os.open('$N/reset', os.O_WRONLY), b'0')")" EINVAL "write '0'" &&
    expect_eq "$(read_u32 "$N/bar0" 0x1c)" 0x00000001 "controller still ready" &&
    expect_eq "$(errno_of "os.open('$N/reset', os.O_RDONLY)")" EACCES "open reset for reading" && t_pass

t_begin unmount-resets
vfiofs_umount "$M" && vfiofs_mount "$M" -o "device=$VFIOFS_NVME" &&
    expect_eq "$(read_u32 "$N/bar0" 0x1c)" 0x00000000 "CSTS after unmount and mount" && t_pass

t_begin noreset-skips-vfiofs-resets
# The kernel itself resets a device with a reset method when its device file
# opens and closes; noreset stops only vfiofs's own resets, which it logs.
vfiofs_umount "$M"
grep -q "$VFIOFS_NVME: reset on attach" "$M.log" || t_fail "no reset on attach without noreset: $(cat "$M.log")"
vfiofs_mount "$M" -o "device=$VFIOFS_NVME,noreset" && vfiofs_umount "$M" &&
    ! grep -q "reset on" "$M.log" && t_pass || t_fail "log: $(cat "$M.log")"
t_summary
