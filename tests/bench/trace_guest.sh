# What tracing costs on a kernel device, run in the guest (figures, not a test):
#   tests/guest/run.sh -- sh tests/bench/trace_guest.sh      # LAT_N=5000 ROUNDS=3
# A 4-byte read of edu's BAR0 ident through the mount, in turn in the same
# run: nobody tracing, a reader copying DEV/trace (cat), a reader that
# never reads; the median of each round and the ratios to the untraced read
# of that round, then the best round of each (the aim: traced <= 1.1 x).
cd "$(dirname "$0")/../.." || exit 2
B=tests/bench/bench_region
LAT_N=${LAT_N:-5000}
ROUNDS=${ROUNDS:-3}
M=$(mktemp -d /tmp/vfiofs-trace-bench.XXXXXX)
src/vfiofs "$M" -o "device=$VFIOFS_EDU0" 2>/dev/null || exit 1
D=$M/$VFIOFS_EDU0
med() { $B file "$D/bar0" lat "$LAT_N" 0 | awk '{ for (i = 1; i < NF; i++) if ($i == "median") { v = $(i + 1); if ($(i + 2) == "ns") v /= 1000; print v; exit } }'; }
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }
bu= bt= bs=
r=1
while [ "$r" -le "$ROUNDS" ]; do
    u=$(med)
    cat "$D/trace" >"$M.copy" &
    c=$!
    i=0
    until grep -q "MARK ready" "$M.copy" 2>/dev/null || [ "$i" -ge 100 ]; do echo ready >"$D/trace"; sleep 0.1; i=$((i + 1)); done
    t=$(med)
    kill "$c"
    exec 3<"$D/trace"
    s=$(med)
    exec 3<&-
    echo "round $r: untraced $u us, traced $t us, stalled $s us"
    bu=$(best "$bu" "$u") bt=$(best "$bt" "$t") bs=$(best "$bs" "$s")
    r=$((r + 1))
done
# which daemon threads used the CPU (utime stime per thread), to tell a thread that spins
pid=$(pgrep -f "src/vfiofs $M" | head -n 1)
for t in /proc/$pid/task/*; do echo "thread $(cat "$t/comm"): $(cut -d' ' -f14,15 "$t/stat")"; done
umount "$M"
awk -v u="$bu" -v t="$bt" -v s="$bs" 'BEGIN {
    printf "best: untraced %.2f us, traced %.2f us (%.3f x), stalled reader %.2f us (%.3f x)\n", u, t, t / u, s, s / u }'
