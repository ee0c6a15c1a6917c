# Interrupts of a vfio-user device: eventfds reach the server with
# DEVICE_SET_IRQS; blocking reads, poll(), MSI, MSI-X vectors, INTx (neither
# maskable nor automasked in libvfio-user), software trigger, completion
# interrupts of the model's factorial and DMA engine, off.
. tests/user/common.sh

M=$WORK/m
D=$M/edu
model_start edu || { not_ok "vfu_edu starts: $(cat "$WORK/edu.log")"; exit 1; }
vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock" || { not_ok "mount: $(cat "$M.log")"; exit 1; }

# As a user would in a shell: open the events first, raise, read a line.
if echo 'msi 1' >"$D/irq"; then ok "echo 'msi 1' > irq"; else not_ok "echo 'msi 1' > irq failed"; fi
exec 3<"$D/irq"
dd_w32 "$D/bar0" 0x44 1
if read -t 10 -r mode vector count <&3; then
    expect_eq "shell: a blocking read of irq after a raise through 0x44" "$mode $vector $count" "msi 0 1"
else
    not_ok "shell: no interrupt line within 10 s"
fi
exec 3<&-
dd_w32 "$D/bar0" 0x48 1
echo off >"$D/irq"

for c in msi_blocking msi_poll msi_vector msix_vectors intx trigger factorial_irq dma_irq broadcast reset_turns_off off; do
    doc=$(python3 -c "import sys; sys.path.insert(0, 'tests/user'); import vfu_irq; print(vfu_irq.$c.__doc__.split(chr(10))[0])")
    if out=$(timeout 60 python3 tests/user/vfu_irq.py "$c" "$D" 2>&1); then ok "$c: $doc"; else not_ok "$c: $doc: $out"; fi
done
expect_eq "info: irq.mode off after the last case" "$(info_value "$D/info" irq.mode)" off

# A device with 32 MSI-X vectors: the eventfds need several SET_IRQS
# messages (libvfio-user takes at most max_msg_fds descriptors in one).
model_start many --msix-vectors 32 || not_ok "vfu_edu --msix-vectors 32 starts"
setfattr -n user.vfio.attach -v "$WORK/many.sock" "$M" || not_ok "attach many.sock"
expect_eq "32 MSI-X vectors in info" "$(info_value "$M/many/info" irq.msix.count)" 32
c=msix_many
if out=$(timeout 60 python3 tests/user/vfu_irq.py "$c" "$M/many" 2>&1); then
    ok "$c: msix 32 (max_msg_fds $(info_value "$M/many/info" vfio_user.max_msg_fds)): vectors 0..31 fire"; else
    not_ok "$c: $out"; fi
rmdir "$M/many"

c=rmdir_wakes_readers
if out=$(timeout 60 python3 tests/user/vfu_irq.py "$c" "$D" 2>&1); then ok "$c: rmdir ends a blocked read with ENODEV"; else
    not_ok "$c: $out"; fi
if vfiofs_umount "$M"; then ok "unmount"; else not_ok "unmount: $(tail -n 3 "$M.log")"; fi
summary
