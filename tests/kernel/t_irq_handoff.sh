# Interrupt vectors handed out by the hand-off socket ("irq PATH VECTOR"):
# MSI and MSI-X raised by the device and by trigger, INTx ended through the
# handed unmask eventfd, the vector back when the connection closes, EBUSY
# for a second request, delivery ended (end of file) by off, a mode change,
# reset, rmdir and unmount, every bad request, the permission check, the
# Python example (examples/irq_wait.py), and the
# example driver that uses vfiofs only as a broker.
. tests/kernel/common.sh

M=$WORK/m
E=$M/$VFIOFS_EDU0
N=$M/$VFIOFS_NVME
E1=$M/$VFIOFS_EDU1

# check NAME CASE ARG...: one irq_handoff.py case as one test.
check() {
    t_begin "$1"
    shift
    _out=$(timeout 120 python3 tests/lib/irq_handoff.py "$@" 2>&1) && t_pass || t_fail "$_out"
    [ -z "$_out" ] || echo "# $_out"
}

vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,device=$VFIOFS_NVME,device=$VFIOFS_EDU1,iova_max=0xfffffff" ||
    { cat "$M.log"; exit 1; }

check msi-raised-by-device-reaches-program edu_msi "$E"
check msix-trigger-reaches-program msix_trigger "$N"
check intx-twice-through-unmask-eventfd edu_intx "$E"
check second-request-gets-EBUSY second_request "$N"
check off-ends-delivery ends "$N" off
check mode-change-ends-delivery ends "$N" "msix 1"
check reset-ends-delivery ends "$N" reset
check rmdir-ends-delivery ends_by_detach "$E1" "rmdir $E1"
t_begin device-back-after-rmdir
mkdir "$E1" && expect_eq "$(read_u32 "$E1/bar0" 0)" 0x010000ed ident && t_pass
check bad-requests-get-errors-and-change-nothing bad_requests "$N" "$E"

t_begin example-driver-loop-makes-no-file-call
# edu DMA both ways, waiting on the handed-out MSI, traced: between its loop
# markers the driver may only poll and read its eventfd (register accesses
# and the buffer are loads and stores; no call reaches the mount). Its clock
# is read through a system call only where the guest's clock has no vDSO.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -o "$WORK/trace" examples/edu_dma "$E" 20 >"$WORK/drv.out" 2>&1
rc=$?
efd=$(sed -n 's/.*MSI eventfd \([0-9]*\),.*/\1/p' "$WORK/drv.out")
loop=$(awk '/^write\(1, "loop begins/ { on = 1; next } /^write\(1, "loop ends/ { on = 0 } on' "$WORK/trace")
others=$(printf '%s\n' "$loop" | grep -v -e '^poll(' -e "^read($efd, " -e '^clock_gettime(' | grep -v '^$')
reads=$(printf '%s\n' "$loop" | grep -c "^read($efd, ")
if [ "$rc" != 0 ] || ! grep -q "all round trips matched" "$WORK/drv.out"; then
    t_fail "exited $rc: $(cat "$WORK/drv.out")"
elif [ -n "$others" ]; then
    t_fail "calls in the loop: $(printf '%s\n' "$others" | head -n 3)"
else
    expect_eq "$reads" 40 "eventfd reads for 20 round trips (2 DMAs each)" && t_pass
fi
sed 's/^/# /' "$WORK/drv.out"

t_begin python-example-takes-and-waits
# examples/irq_wait.py: the standard library alone; two triggers, then off ends its wait.
echo 'msix 1' >"$N/irq"
timeout 60 python3 examples/irq_wait.py "$N/irq" 0 100 >"$WORK/py.out" 2>&1 &
py=$!
py_holds() { grep -q "^irq.vector.0.handed_out " "$N/info"; }
py_saw() { [ "$(awk '$1 == "vector" { n += $3 } END { print n + 0 }' "$WORK/py.out")" = "$1" ]; }
if wait_until 20 py_holds; then
    echo 'trigger 0' >"$N/irq"
    wait_until 20 py_saw 1 || t_fail "first trigger not seen: $(cat "$WORK/py.out")"
    echo 'trigger 0' >"$N/irq"
    wait_until 20 py_saw 2 || t_fail "second trigger not seen: $(cat "$WORK/py.out")"
    echo off >"$N/irq"
    wait_until 20 is_dead "$py" && grep -q "delivery ended" "$WORK/py.out" && t_pass ||
        t_fail "no 'delivery ended' after off: $(cat "$WORK/py.out")"
else
    t_fail "irq_wait.py did not take the vector: $(cat "$WORK/py.out")"
fi
kill "$py" 2>/dev/null
sed 's/^/# /' "$WORK/py.out"

t_begin nothing-left-handed-out
expect_eq "$(grep -c handed_out "$E/info" "$N/info" | awk -F: '{ s += $2 } END { print s }')" 0 "handed_out lines" &&
    expect_eq "$(ls "$M/dma")" "" "buffers left" && t_pass

check unmount-ends-delivery ends_by_detach "$N" "umount $M"
wait_until 30 is_dead "$VFIOFS_PID" || echo "# the daemon did not exit after umount"

# Shared with everyone (allow_other): the socket lets any user in, the irq file's mode (0600) does not.
vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,allow_other" || { cat "$M.log"; exit 1; }
check other-user-may-not-take-a-vector not_permitted "$E" 65534
vfiofs_umount "$M" || echo "# umount: $(cat "$M.log")"
t_summary
