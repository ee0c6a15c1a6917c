# The irq file: MSI, MSI-X, INTx with both EOI policies, blocking reads, poll, broadcast, signals.
. tests/kernel/common.sh

M=$WORK/m
E=$M/$VFIOFS_EDU0
N=$M/$VFIOFS_NVME

# check NAME CASE ARG...: one irqtest.py case as one test.
check() {
    t_begin "$1"
    shift
    _out=$(python3 tests/kernel/irqtest.py "$@" 2>&1) && t_pass || t_fail "$_out"
    [ -z "$_out" ] || echo "# $_out"
}

vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,device=$VFIOFS_NVME,device=$VFIOFS_EDU1" || { cat "$M.log"; exit 1; }
check edu-msi-event-and-status edu_msi "$E"
check edu-factorial-interrupt edu_factorial_irq "$E"
check edu-intx-unmasked-by-bar-access edu_intx_bar_eoi "$E"
check nvme-msix-trigger-and-counts msix_trigger "$N"
check one-line-per-vector-since-last-read one_line_per_vector "$N"
check readers-all-see-each-interrupt broadcast "$N"
check nonblock-eagain-poll-epoll nonblock_and_poll "$N"
check hundred-readers-few-threads many_readers "$N" "$VFIOFS_PID"
check sigint-ends-waiting-cat sigint_cat "$N"
check handled-signal-gives-EINTR eintr_on_handled_signal "$N"
check off-wakes-readers-with-eof off_wakes_readers "$N"
check bad-commands-change-nothing bad_commands "$E" "$(info_value "$E/info" irq.msix.count)"
check reset-turns-interrupts-off reset_turns_off "$N"
check rmdir-wakes-readers-with-ENODEV rmdir_wakes_readers "$M/$VFIOFS_EDU1"

t_begin shell-read-waits-for-a-line
# The README's example: a shell's read takes one byte at a time from irq.
got=$(timeout 20 sh -c "
    echo 'msi 1' > '$E/irq'
    exec 3< '$E/irq'
    printf '\\001\\000\\000\\000' | dd of='$E/bar0' bs=4 seek=$((0x60 / 4)) conv=notrunc 2>/dev/null
    read -r mode vector count <&3 && echo \"\$mode \$vector \$count\"
    printf '\\001\\000\\000\\000' | dd of='$E/bar0' bs=4 seek=$((0x64 / 4)) conv=notrunc 2>/dev/null
    echo off > '$E/irq'")
expect_eq "$got" "msi 0 1" "line read by the shell" && t_pass

t_begin cat-ends-at-off
echo 'msix 1' >"$N/irq"
cat "$N/irq" >"$WORK/cat.out" &
cat_pid=$!
has_event() { grep -q "msix 0 1" "$WORK/cat.out"; }
cat_has_irq_open() { ls -l "/proc/$cat_pid/fd" 2>/dev/null | grep -q "/irq$"; }
wait_until 10 cat_has_irq_open || t_fail "cat did not open irq"
echo 'trigger 0' >"$N/irq"
wait_until 10 has_event || t_fail "cat did not print the event"
echo off >"$N/irq"
wait_until 10 is_dead "$cat_pid" && expect_eq "$(cat "$WORK/cat.out")" "msix 0 1" "cat's output" && t_pass ||
    { kill "$cat_pid"; t_fail "cat still running after off"; }

t_begin daemon-still-serving
expect_eq "$(read_u32 "$E/bar0" 0)" 0x010000ed ident && t_pass
vfiofs_umount "$M" || echo "# umount: $(cat "$M.log")"

vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,intx_eoi=manual" || { cat "$M.log"; exit 1; }
check edu-intx-manual-eoi edu_intx_manual_eoi "$E"
vfiofs_umount "$M"
t_summary
