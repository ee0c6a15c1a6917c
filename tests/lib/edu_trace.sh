# The same script on two devices, as traces: examples/edu.sh recorded
# through DEVICE/trace on QEMU 7.2's edu in the guest is kept as
# tests/lib/edu_sh.trace; tests/kernel/t_edu_golden.sh holds a fresh guest
# recording to it, tests/user/t_rtl_edu_trace.sh a recording on the RTL edu
# (rtl_edu over vfio-user), both with vfiofs-replay --diff and the options
# of edu_trace_diff. POSIX sh (the guest runs dash); needs wait_until
# SECONDS CMD... (both tiers' common.sh have it) and REPO.
#
# Recorded again (the guest, about 5 minutes):
#   bash tests/guest/run.sh -- sh tests/lib/edu_trace.sh record >tests/lib/edu_sh.trace

# edu_trace_record DEV OUT: copies DEV/trace into OUT in the background and
# returns once the copy runs (a mark written shows up in it: cat opens the
# file only when it runs, so the mark is written until it does).
_edu_trace_marked() { echo edu-trace-attached >"$1/trace" && grep -q "MARK edu-trace-attached$" "$2"; }
edu_trace_record() {
    cat "$1/trace" >"$2" &
    EDU_TRACE_PID=$!
    wait_until 10 _edu_trace_marked "$1" "$2"
}

# edu_trace_stop DEV OUT: once a last mark is in the copy, ends the copy and
# takes the scaffolding out of OUT: the marks written above (there may be
# more than one "attached"), the SEQ renumbered from 1 after the header.
edu_trace_stop() {
    echo edu-trace-end >"$1/trace"
    wait_until 10 grep -q "MARK edu-trace-end$" "$2"
    kill "$EDU_TRACE_PID"
    wait "$EDU_TRACE_PID" 2>/dev/null
    awk 'NR == 1 { print; next } / MARK edu-trace-(attached|end)$/ { next } { $1 = ++n; print }' \
        "$2" >"$2.tmp" && mv "$2.tmp" "$2"
}

# edu_trace_diff A B: vfiofs-replay --diff with what legitimately differs
# between two runs of edu.sh left out; prints the report, returns its status.
#   --ignore-data: edu.sh fills its DMA source buffer from /dev/urandom, so
#     BUFW bytes and BUFR hashes differ on every run: compared by length.
#   --mask config:0x4:0x4: the command register, which vfiofs reads when
#     interrupts are switched on (vfio_device_enable_bus_master), is
#     compared by its bus master bit only, the one vfiofs acts on. The
#     others are the platform's: in the guest the firmware enabled memory and
#     I/O decoding and SERR# (0x0107); a vfio-user server's config space has
#     no firmware behind it (rtl_edu's reads 0x0004).
# Nothing else is left out: IOVAs (compared by buffer and offset), the
# buffers' names (edu.sh puts its PID in them; paired by their MAP lines),
# poll counts (reported with ~, not a difference) and interrupt counts are
# handled by --diff itself, and the header (name, transport) is not compared.
edu_trace_diff() {
    "${REPO:-.}/replay/vfiofs-replay" --diff --ignore-data --mask config:0x4:0x4 "$1" "$2"
}

EDU_SH_TRACE=${REPO:-.}/tests/lib/edu_sh.trace

# sh tests/lib/edu_trace.sh record: in the guest, records edu.sh on
# $VFIOFS_EDU0 and prints the trace (the way tests/lib/edu_sh.trace is made).
if [ "${1:-}" = record ]; then
    REPO=$(pwd)
    . tests/kernel/common.sh
    M=$WORK/m
    vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,iova_max=0xfffffff" >&2 || { cat "$M.log" >&2; exit 1; }
    edu_trace_record "$M/$VFIOFS_EDU0" "$WORK/edu_sh.trace" || { echo "no mark in the copy" >&2; exit 1; }
    out=$(timeout 900 sh examples/edu.sh "$M/$VFIOFS_EDU0" 2>&1) || { echo "edu.sh failed: $out" >&2; exit 1; }
    edu_trace_stop "$M/$VFIOFS_EDU0" "$WORK/edu_sh.trace"
    vfiofs_umount "$M" >&2
    cat "$WORK/edu_sh.trace"
fi
