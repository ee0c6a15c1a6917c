# The same-script pair, guest side: examples/edu.sh on QEMU's edu through
# vfio-pci prints exactly the lines of tests/lib/edu_sh.golden (after
# edu_sh_normalize), and tests/lib/edu_probe.py (register and width rules)
# those of tests/lib/edu_probe.golden: the files that tests/user/t_rtl_edu_sh.sh
# holds the RTL edu to. Without a golden file it prints the output as comments.
# The same run of edu.sh is recorded through DEVICE/trace and diffs clean
# (vfiofs-replay --diff, poll counts apart) against tests/lib/edu_sh.trace,
# which tests/user/t_rtl_edu_trace.sh holds the RTL edu's recording to.
. tests/kernel/common.sh
. tests/lib/edu_golden.sh
. tests/lib/edu_trace.sh

M=$WORK/m
vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,iova_max=0xfffffff" || { cat "$M.log"; exit 1; }

t_begin edu-sh-output-equals-the-golden-file
edu_trace_record "$M/$VFIOFS_EDU0" "$WORK/edu_sh.trace" || echo "# no mark in the copy of the trace file"
out=$(timeout 120 sh examples/edu.sh "$M/$VFIOFS_EDU0" 2>&1)
rc=$?
edu_trace_stop "$M/$VFIOFS_EDU0" "$WORK/edu_sh.trace"
printf '%s\n' "$out" | edu_sh_normalize "$M/$VFIOFS_EDU0" >"$WORK/edu_sh.out"
if [ "$rc" != 0 ]; then
    t_fail "edu.sh exited $rc: $out"
elif [ ! -f "$EDU_SH_GOLDEN" ]; then
    t_fail "no $EDU_SH_GOLDEN; this run printed:"
    sed 's/^/# GOLDEN: /' "$WORK/edu_sh.out"
elif diff -u "$EDU_SH_GOLDEN" "$WORK/edu_sh.out" >"$WORK/diff"; then
    t_pass
else
    t_fail "differs from $EDU_SH_GOLDEN: $(cat "$WORK/diff")"
fi

t_begin edu-sh-trace-diffs-clean-against-the-golden-trace
report=$(edu_trace_diff "$EDU_SH_TRACE" "$WORK/edu_sh.trace" 2>&1)
rc=$?
echo "$report" | tail -n 1 | sed 's/^/# /'
if [ ! -f "$EDU_SH_TRACE" ]; then
    t_fail "no $EDU_SH_TRACE (tests/lib/edu_trace.sh says how to record it)"
elif [ "$rc" = 0 ]; then
    t_pass
else
    t_fail "vfiofs-replay --diff exited $rc: $report"
fi

t_begin edu-probe-output-equals-the-golden-file
python3 tests/lib/edu_probe.py "$M/$VFIOFS_EDU0" >"$WORK/probe.out" 2>&1
if [ ! -f "$EDU_PROBE_GOLDEN" ]; then
    t_fail "no $EDU_PROBE_GOLDEN; this run printed:"
    sed 's/^/# PROBE: /' "$WORK/probe.out"
elif diff -u "$EDU_PROBE_GOLDEN" "$WORK/probe.out" >"$WORK/diff"; then
    t_pass
else
    t_fail "differs from $EDU_PROBE_GOLDEN: $(cat "$WORK/diff")"
fi
vfiofs_umount "$M" || echo "# umount: $(cat "$M.log")"
