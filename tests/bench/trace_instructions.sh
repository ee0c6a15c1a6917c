#!/bin/bash
# What a trace line costs the daemon, in instructions (host; root, /dev/fuse,
# valgrind): callgrind counts instructions, not seconds, so the figure is the
# same on a busy machine as on a quiet one (doc/performance.md, "Traces").
#   bash tests/bench/trace_instructions.sh          # READS=4000
# Four runs of the daemon under callgrind over one vfu_edu model: mount and
# unmount alone, the same with a reader on DEV/trace, READS 4-byte reads of
# BAR0 untraced, and READS reads with a reader copying DEV/trace. Prints the
# daemon's instructions per read untraced and traced (each less its run
# without reads) and their ratio; trace.sh gives the wall-clock view.
set -u
cd "$(dirname "$0")/../.." || exit 2
BENCH=trace_instructions.sh
. tests/bench/lib.sh
bench_edu quiet
READS=${READS:-4000}
command -v valgrind >/dev/null || { echo "$BENCH: valgrind is not installed" >&2; exit 1; }
bench_need "$EDU" src/vfiofs $B/bench_region
bench_dir trace-insn mnt

"$EDU" "$D/edu.sock" >"$D/edu.out" 2>"$D/edu.log" & pids+=($!)
wait_for "grep -q ready $D/edu.out" 50

# instructions READS TRACED: the daemon's instruction count for one mount.
instructions() {
    local vg reader=
    valgrind --tool=callgrind --callgrind-out-file="$D/cg" src/vfiofs "$D/mnt" -f \
        -o "vfio_user=$D/edu.sock" 2>"$D/vg.log" & vg=$!
    wait_for "mountpoint -q $D/mnt" 300
    if [ "$2" = 1 ]; then
        cat "$D/mnt/edu/trace" >"$D/copy" & reader=$!
        wait_for "echo ready >$D/mnt/edu/trace 2>/dev/null && grep -q 'MARK ready' $D/copy" 100
    fi
    [ "$1" -gt 0 ] && { $B/bench_region file "$D/mnt/edu/bar0" lat "$1" 0x04 >/dev/null || exit 1; }
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
echo "# $(date -u +%FT%TZ) $(git describe --always --dirty 2>/dev/null), $READS reads of 4 bytes"
awk -v b="$base" -v bt="$base_traced" -v u="$untraced" -v t="$traced" -v n="$READS" 'BEGIN {
    pu = (u - b) / n; pt = (t - bt) / n
    printf "daemon instructions per read: untraced %.0f, traced %.0f (%.2f x; a line costs %.0f)\n", pu, pt, pt / pu, pt - pu }'
