# Interrupt vectors of a vfio-user device handed out by the hand-off socket
# ("irq PATH VECTOR"): the eventfd goes to the server with DEVICE_SET_IRQS
# and the server signals it itself. MSI raised by the model, MSI-X by
# trigger, an INTx the server does not mask (one descriptor), the vector back
# on close, EBUSY, end of file on off, a mode change, reset, rmdir, the
# server's death and unmount, bad requests. The same checks as the guest's t_irq_handoff.sh.
. tests/user/common.sh

M=$WORK/m
D=$M/edu
D2=$M/edu2
D3=$M/edu3
for m in edu edu2 edu3; do
    model_start $m || { not_ok "vfu_edu $m starts: $(cat "$WORK/$m.log")"; exit 1; }
done
vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock,vfio_user=$WORK/edu2.sock,vfio_user=$WORK/edu3.sock" ||
    { not_ok "mount: $(cat "$M.log")"; exit 1; }

# case TEXT CASE ARG...: one tests/lib/irq_handoff.py case.
case_() {
    local text=$1 out
    shift
    if out=$(timeout 60 python3 tests/lib/irq_handoff.py "$@" 2>&1); then ok "$text"; else not_ok "$text: $out"; fi
}

case_ "MSI raised by the model (0x44) reaches the program's eventfd; readers see nothing until it is back" \
    edu_msi "$D" 0x44 0x48
case_ "MSI-X: trigger V reaches the program holding V, other vectors the readers" msix_trigger "$D"
case_ "INTx (not automasked): one descriptor, twice in a row, back to the readers" intx_not_masked "$D" 0x44 0x48
case_ "a second request for a held vector: EBUSY" second_request "$D"
case_ "off ends a handed-out delivery (end of file)" ends "$D" off
case_ "a mode change ends it" ends "$D" "msix 1"
case_ "reset ends it" ends "$D" reset
case_ "bad requests: their errors, nothing changed, the next client served" bad_requests "$D" "$D2"
case_ "rmdir ends it" ends_by_detach "$D2" "rmdir $D2"
case_ "the server's death ends it" ends_by_detach "$D3" "kill -KILL ${SERVER_PID[edu3]}"
case_ "unmount ends it" ends_by_detach "$D" "fusermount3 -u $M"
wait_until 15 _is_dead "${DAEMON_PID[$M]}" && ok "the daemon exits after the unmount" || not_ok "the daemon is still running"
summary
