# The same-script pair as traces, host side: examples/edu.sh, unchanged,
# recorded through edu/trace on the RTL edu (rtl_edu over vfio-user, DMA
# over descriptors) diffs clean, poll counts apart, against
# tests/lib/edu_sh.trace, the recording of it on QEMU's edu in the guest
# (tests/kernel/t_edu_golden.sh holds a fresh guest recording to the same
# file); the same design as another revision (rtl_edu --ident) diffs with
# exit 1, naming the register; over -o vfio_user_dma=message the model's
# DMAR/DMAW lines are there and, taken out, the rest diffs clean.
. tests/user/common.sh
. tests/user/rtl.sh
. tests/lib/edu_trace.sh

M=$WORK/m
[ -f "$EDU_SH_TRACE" ] || { not_ok "no $EDU_SH_TRACE (see tests/lib/edu_trace.sh)"; exit 1; }
rtl_start edu "$RTL_EDU" || { not_ok "rtl_edu starts: $(cat "$WORK/edu.log")"; exit 1; }

# run_recorded DMA OUT: edu.sh on a fresh mount with vfio_user_dma=DMA, recorded into OUT.
run_recorded() {
    vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock,iova_max=0xfffffff,vfio_user_dma=$1" ||
        { not_ok "mount: $(cat "$M.log")"; return 1; }
    edu_trace_record "$M/edu" "$2" || { not_ok "no mark in the copy of edu/trace"; vfiofs_umount "$M"; return 1; }
    echo "$EDU_TRACE_PID" >>"$WORK/pids"
    out=$(timeout 120 sh examples/edu.sh "$M/edu" 2>&1)
    rc=$?
    edu_trace_stop "$M/edu" "$2"
    _forget_pid "$EDU_TRACE_PID"
    vfiofs_umount "$M" || not_ok "unmount: $(cat "$M.log")"
    [ "$rc" = 0 ] || { not_ok "edu.sh on rtl_edu ($1) exited $rc: $out"; return 1; }
}

if run_recorded fd "$WORK/rtl.trace"; then
    expect_eq "the recording's header" "$(head -n 1 "$WORK/rtl.trace")" "# vfiofs-trace 1 edu 1234:11e8 vfio-user"
    report=$(edu_trace_diff "$EDU_SH_TRACE" "$WORK/rtl.trace" 2>&1)
    rc=$?
    [ "$rc" = 0 ] || printf '%s\n' "$report" | sed 's/^/# /'
    expect_eq "edu.sh on rtl_edu diffs clean against QEMU's edu ($(tail -n 1 <<<"$report"))" "$rc" 0
    case $(tail -n 1 <<<"$report") in
    [1-9]*" matched, 0 differ, "*) ok "and compared something: $(tail -n 1 <<<"$report")" ;;
    *) not_ok "summary: $(tail -n 1 <<<"$report")" ;;
    esac

    # The mask hides only the command register's platform bits: without it
    # that read is all that differs (or nothing, should the bits agree).
    report=$("$REPO/replay/vfiofs-replay" --diff --ignore-data "$EDU_SH_TRACE" "$WORK/rtl.trace" 2>&1)
    rc=$?
    case $rc:$(grep -c '^[-+] ' <<<"$report"):$(tail -n 1 <<<"$report") in
    0:*|1:2:*" 1 differ, "*) ok "without --mask config:0x4:0x4 at most that read differs (exit $rc)" ;;
    *) not_ok "without the mask: $report" ;;
    esac
    [ "$rc" = 0 ] || check "and it is the command register" grep -q "^+ [0-9]*: R config 0x4 2 " <<<"$report"

    # Another revision of the same design (rtl_edu --ident 0x020000ed: edu
    # 2.0, which edu.sh accepts): its recording diffs against QEMU's with
    # exit 1, naming the ident read and nothing else.
    server_stop edu
    rtl_start edu "$RTL_EDU" --ident 0x020000ed || { not_ok "rtl_edu --ident starts: $(cat "$WORK/edu.log")"; exit 1; }
    if run_recorded fd "$WORK/rev2.trace"; then
        check "the revision-2 recording reads ident 0x020000ed" grep -q " R bar0 0x0 4 0x020000ed$" "$WORK/rev2.trace"
        report=$(edu_trace_diff "$EDU_SH_TRACE" "$WORK/rev2.trace" 2>&1)
        expect_eq "edu 2.0 against QEMU's edu 1.0: --diff exits 1" "$?" 1
        case $report in *"- "*": R bar0 0x0 4 0x010000ed"*"+ "*"R bar0 0x0 4 0x020000ed"*)
            ok "the report names bar0 0x0, QEMU's ident and the other" ;;
        *) not_ok "report: $report" ;; esac
        case $(tail -n 1 <<<"$report") in *" 1 differ, "*) ok "only that read differs: $(tail -n 1 <<<"$report")" ;;
        *) not_ok "summary: $(tail -n 1 <<<"$report")" ;; esac
    fi
    server_stop edu
    rtl_start edu "$RTL_EDU" || { not_ok "rtl_edu starts again: $(cat "$WORK/edu.log")"; exit 1; }
fi

# Message DMA: the server's reads and writes of the buffers are in the
# trace (a kernel device's DMA never is); without them it diffs clean too.
if run_recorded message "$WORK/msg.trace"; then
    check "message DMA: DMAR and DMAW lines in the recording" \
        grep -qz " DMAR edu-sh-[0-9]*-src 0x0 2048.* DMAW edu-sh-[0-9]*-dst 0x0 2048" "$WORK/msg.trace"
    awk 'NR == 1 { print; next } / DMA[RW] / { next } { $1 = ++n; print }' "$WORK/msg.trace" >"$WORK/msg.clean"
    report=$(edu_trace_diff "$EDU_SH_TRACE" "$WORK/msg.clean" 2>&1)
    rc=$?
    [ "$rc" = 0 ] || printf '%s\n' "$report" | sed 's/^/# /'
    expect_eq "message DMA, its DMAR/DMAW lines out: diffs clean ($(tail -n 1 <<<"$report"))" "$rc" 0
fi
summary
