#!/bin/bash
# What the daemon's own work per access costs, in instructions (host; root,
# /dev/fuse, valgrind): callgrind counts instructions, not seconds, so the
# figures are the same on a busy machine as on a quiet one
# (doc/performance.md, "Traces" and "Named registers").
#   bash tests/bench/instructions.sh          # READS=4000
# Runs of the daemon under callgrind over one vfu_edu model (its SVD
# description attached): mount and unmount alone (with and without a reader
# on DEV/trace), then READS 4-byte reads each of
#   bar0      BAR0 at 0x00, untraced (the baseline)
#   traced    the same with a reader copying DEV/trace
#   named     regs/core/IDENT, the same register by name
# Prints the daemon's instructions per read (less its run without reads)
# and each one's ratio to bar0; trace.sh and regmap.sh give wall clock.
set -u
cd "$(dirname "$0")/../.." || exit 2
BENCH=instructions.sh
. tests/bench/lib.sh
bench_edu quiet
READS=${READS:-4000}
command -v valgrind >/dev/null || { echo "$BENCH: valgrind is not installed" >&2; exit 1; }
bench_need "$EDU" src/vfiofs $B/bench_region
bench_dir trace-insn mnt

"$EDU" "$D/edu.sock" >"$D/edu.out" 2>"$D/edu.log" & pids+=($!)
wait_for "grep -q ready $D/edu.out" 50

# instructions READS TRACED [FILE]: the daemon's instruction count for one
# mount, with READS reads of FILE (default edu/bar0).
instructions() {
    local vg reader=
    valgrind --tool=callgrind --callgrind-out-file="$D/cg" src/vfiofs "$D/mnt" -f \
        -o "vfio_user=$D/edu.sock,regmap=edu=$REPO/examples/regmaps/vfu_edu.svd" 2>"$D/vg.log" & vg=$!
    wait_for "mountpoint -q $D/mnt" 300
    if [ "$2" = 1 ]; then
        cat "$D/mnt/edu/trace" >"$D/copy" & reader=$!
        wait_for "echo ready >$D/mnt/edu/trace 2>/dev/null && grep -q 'MARK ready' $D/copy" 100
    fi
    [ "$1" -gt 0 ] && { $B/bench_region file "$D/mnt/edu/${3:-bar0}" lat "$1" 0 >/dev/null || exit 1; }
    if [ -n "$reader" ]; then
        wait_for "[ \$(grep -c ' R bar0 ' $D/copy) -ge $1 ]" 100
        kill "$reader"; wait "$reader" 2>/dev/null
    fi
    fusermount3 -u "$D/mnt"
    wait "$vg"
    awk '/^summary:/ { print $2 }' "$D/cg"
}
base=$(instructions 0 0)
base_traced=$(instructions 0 1)
untraced=$(instructions "$READS" 0)
traced=$(instructions "$READS" 1)
named=$(instructions "$READS" 0 regs/core/IDENT)
echo "# $(date -u +%FT%TZ) $(git describe --always --dirty 2>/dev/null), $READS reads of 4 bytes"
awk -v b="$base" -v bt="$base_traced" -v u="$untraced" -v t="$traced" -v nm="$named" -v n="$READS" 'BEGIN {
    pu = (u - b) / n; pt = (t - bt) / n; pn = (nm - b) / n
    printf "daemon instructions per read: bar0 %.0f, traced %.0f (%.2f x; a line costs %.0f), named %.0f (%.2f x)\n",
        pu, pt, pt / pu, pt - pu, pn, pn / pu }'
