# Traces through the kernel driver: examples/edu.sh recorded on QEMU's edu
# (factorial polls, interrupts, DMA through buffers) by a reader of its
# trace file, replayed by vfiofs-replay on the second edu (exit 0: polls,
# IOVAs and buffer contents handled), and two recordings of it, one per
# edu, diffed (exit 0, poll counts apart; edu.sh writes random bytes, so
# their contents are compared by length: --ignore-data).
. tests/kernel/common.sh

REPLAY=$REPO/replay/vfiofs-replay
M=$WORK/m
E0=$M/$VFIOFS_EDU0
E1=$M/$VFIOFS_EDU1

vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,device=$VFIOFS_EDU1,iova_max=0xfffffff" || { cat "$M.log"; exit 1; }

# record DEV OUT: a copy of DEV/trace into OUT, running once a mark shows in it.
_marked() { echo attached >"$1/trace" && grep -q "MARK attached" "$2"; }
record() {
    cat "$1/trace" >"$2" &
    REC_PID=$!
    wait_until 10 _marked "$1" "$2"
}
stop_recording() {
    echo end >"$1/trace"
    wait_until 10 grep -q "MARK end" "$2"
    kill "$REC_PID"
    wait "$REC_PID" 2>/dev/null
}

t_begin trace-record-edu-sh
record "$E0" "$WORK/edu0.trace" || t_fail "no mark in the copy of $E0/trace"
out=$(timeout 900 sh examples/edu.sh "$E0" 2>&1) || t_fail "edu.sh failed: $out"
stop_recording "$E0" "$WORK/edu0.trace"
head -n 1 "$WORK/edu0.trace" | grep -q "^# vfiofs-trace 1 $VFIOFS_EDU0 1234:11e8 vfio-pci$" ||
    t_fail "header: $(head -n 1 "$WORK/edu0.trace")"
for what in " R bar0 0x0 4 0x010000ed$" " MODE msi 1$" " IRQ msi 0 " " MAP " " BUFW " " BUFR " " UNMAP "; do
    grep -q -- "$what" "$WORK/edu0.trace" || t_fail "no '$what' line in the recording"
done
t_pass
echo "# $(wc -l <"$WORK/edu0.trace") lines recorded"

t_begin trace-replay-on-second-edu
out=$(timeout 900 "$REPLAY" "$WORK/edu0.trace" "$E1" 2>&1)
rc=$?
echo "$out" | tail -n 20 | sed 's/^/# /'
expect_eq "$rc" 0 "vfiofs-replay on $VFIOFS_EDU1 (exit status)" &&
    expect_eq "$(ls "$M/dma")" "" "buffers left by the replay" && t_pass

t_begin trace-diff-two-recordings
record "$E1" "$WORK/edu1.trace" || t_fail "no mark in the copy of $E1/trace"
out=$(timeout 900 sh examples/edu.sh "$E1" 2>&1) || t_fail "edu.sh on $VFIOFS_EDU1 failed: $out"
stop_recording "$E1" "$WORK/edu1.trace"
# (edu.sh moves random bytes, other ones each run: their contents are left out)
out=$("$REPLAY" --diff --ignore-data "$WORK/edu0.trace" "$WORK/edu1.trace" 2>&1)
rc=$?
echo "$out" | tail -n 20 | sed 's/^/# /'
expect_eq "$rc" 0 "--diff of the two recordings (exit status)" && t_pass

t_begin trace-perfetto-json
"$REPLAY" --perfetto "$WORK/edu0.trace" "$WORK/edu1.trace" >"$WORK/edu.json" &&
    python3 -c "
import json, sys
ev = json.load(open('$WORK/edu.json'))['traceEvents']
assert all(all(k in e for k in ('ph', 'ts', 'pid', 'tid', 'name')) for e in ev)
assert {e['tid'] for e in ev if e['name'] == 'thread_name'} == {1, 2}
" && t_pass || t_fail "the Perfetto JSON of the two recordings"

vfiofs_umount "$M"
t_summary
