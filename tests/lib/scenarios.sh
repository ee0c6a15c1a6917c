# Runs a tier's scenarios and counts their test lines: the loop that
# tests/user/all.sh and tests/kernel/all.sh share.  POSIX sh (the guest
# runs tests/kernel/all.sh under dash).
#
# run_scenarios TIER DIR WORK_PREFIX [SCENARIO...]
#   Runs DIR/t_*.sh (or the scenarios named) one after the other, each with
#   the caller's two functions:
#     run_scenario NAME WORK    runs DIR/NAME (WORK: a new directory
#                               WORK_PREFIX.XXXXXX for it); its output is
#                               captured
#     clean_up_scenario WORK    afterwards, whatever the scenario left behind
#   Prints "# NAME", the scenario's output, and a "not ok" line of its own for
#   a scenario that exited non-zero without a failed test (a crash or a
#   timeout).  Ends with "TIER: N passed, N failed" (the ok and not ok lines);
#   returns non-zero if any test failed.
run_scenarios() {
    tier=$1
    dir=$2
    work_prefix=$3
    shift 3
    passed=0
    failed=0
    # shellcheck disable=SC2048  # the names given, or the folder's t_*.sh: words either way
    for s in ${*:-$(cd "$dir" && ls t_*.sh)}; do
        s=${s##*/}
        echo "# $s"
        out=$(mktemp "/tmp/vfiofs-$tier-out.XXXXXX")
        work=$(mktemp -d "$work_prefix.XXXXXX")
        run_scenario "$s" "$work" >"$out" 2>&1
        rc=$?
        cat "$out"
        p=$(grep -c '^ok ' "$out")
        f=$(grep -c '^not ok ' "$out")
        if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
            echo "not ok - $s: exited $rc without a failed test (crash or timeout)"
            f=1
        fi
        clean_up_scenario "$work"
        rm -f "$out"
        passed=$((passed + p))
        failed=$((failed + f))
    done
    echo "$tier: $passed passed, $failed failed"
    [ "$failed" = 0 ]
}
