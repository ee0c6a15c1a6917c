#!/bin/bash
# sim/'s bridge measured, one run on the host (figures, not a test; root,
# /dev/fuse):   bash tests/bench/rtl.sh        # N=200 ROUNDS=3 SECONDS_IDLE=3
# Builds rtl_edu (sim/build.sh) and mounts it with vfiofs, then measures:
#  * bridge requests and DMA messages per 4 KiB transfer of the RTL edu's
#    engine (page-aligned RAM side), over -o vfio_user_dma=message and over
#    descriptors (the default), from the server's own counters;
#  * wall time per transfer from one process (pwrite of the four DMA
#    registers, pread of 0x98 until idle): 4 KiB over messages and over
#    descriptors, and a 0-byte transfer (the same register traffic, no
#    data) as the baseline of the same run; ratios against descriptors;
#  * simulated cycles per second: idle (a client attached, nobody talking:
#    the bridge sleeps) and busy (--free-running: clocked without pause),
#    with the server's CPU time over the same wall time.
# Every wall figure is the median of N transfers; the best of ROUNDS rounds.
set -u
cd "$(dirname "$0")/../.." || exit 2
REPO=$(pwd -P)
N=${N:-200}
ROUNDS=${ROUNDS:-3}
IDLE_S=${SECONDS_IDLE:-3}
. tests/user/servers/paths.sh
. sim/paths.sh
build_start=$SECONDS
bash sim/build.sh >/dev/null || { echo "rtl.sh: sim/build.sh failed" >&2; exit 1; }
echo "sim/build.sh (incremental): $((SECONDS - build_start)) s"
WORK=$(mktemp -d /tmp/vfiofs-bench-rtl.XXXXXX)
M=$WORK/m
pids=()
cleanup() {
    fusermount3 -uz "$M" 2>/dev/null
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

# serve NAME [ARG...]: rtl_edu on $WORK/NAME.sock; waits for "ready".
serve() {
    local name=$1
    shift
    "$RTL_EDU" "$@" "$WORK/$name.sock" >"$WORK/$name.out" 2>"$WORK/$name.log" &
    SPID=$!
    pids+=("$SPID")
    for _ in $(seq 100); do grep -q ready "$WORK/$name.out" && return 0; sleep 0.05; done
    echo "rtl.sh: $name did not start" >&2
    exit 1
}
# In the foreground (-f) as the user tier does: a daemonized vfiofs does not
# serve DMA_READ/DMA_WRITE messages of the servers named at start (their
# connection threads start before fuse_daemonize() forks; seen on main at
# a2356036 with vfu_edu too).
mount_it() {
    mkdir -p "$M"
    src/vfiofs "$M" -f -o "vfio_user=$WORK/$1.sock,iova_max=0xfffffff${2:+,$2}" 2>>"$WORK/vfiofs.log" &
    DPID=$!
    pids+=("$DPID")
    for _ in $(seq 200); do grep -q " $M fuse" /proc/mounts && return 0; sleep 0.05; done
    echo "rtl.sh: mount failed" >&2
    exit 1
}
unmount_it() { fusermount3 -u "$M"; wait "$DPID" 2>/dev/null; }
stop() { kill "$SPID"; wait "$SPID" 2>/dev/null; }
counts() { sed -n 's/.*cycles \([0-9]*\), dma requests \([0-9]*\) (\([0-9]*\) by message, \([0-9]*\) direct.*/\1 \2 \3 \4/p' "$WORK/$1.log" | tail -n 1; }

# xfer DEV COUNT N: median wall time (us) of N transfers of COUNT bytes, RAM -> device.
xfer() {
    python3 - "$@" <<'PY'
import os, struct, sys, time
dev, count, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
m = os.path.dirname(dev)
buf = m + "/dma/bench"
with open(buf, "wb") as f:
    f.truncate(4096)
iova = int(os.getxattr(buf, "user.vfio.iova"), 0)
fd = os.open(dev + "/bar0", os.O_RDWR)
w = lambda off, v: os.pwrite(fd, struct.pack("<Q", v), off)
times = []
for i in range(n):
    t = time.perf_counter()
    w(0x80, iova); w(0x88, 0x40000); w(0x90, count); w(0x98, 1)
    while struct.unpack("<I", os.pread(fd, 4, 0x98))[0] & 1:
        pass
    times.append(time.perf_counter() - t)
os.close(fd)
os.unlink(buf)
times.sort()
print("%.1f" % (times[len(times) // 2] * 1e6))
PY
}

# ---- requests and messages per 4 KiB ----
for mode in message fd; do
    serve count-$mode
    mount_it count-$mode "vfio_user_dma=$mode"
    xfer "$M/count-$mode" 4096 "$N" >/dev/null
    unmount_it
    stop
    read -r _ req msg direct <<<"$(counts count-$mode)"
    printf '%-10s %d transfers of 4 KiB: %d bridge requests, %d DMA messages, %d direct: %s requests and %s messages per 4 KiB\n' \
        "$mode" "$N" "$req" "$msg" "$direct" "$(echo "scale=2; $req / $N" | bc)" "$(echo "scale=2; $msg / $N" | bc)"
done

# ---- wall time per 4 KiB ----
declare -A best=()
for r in $(seq "$ROUNDS"); do
    line="round $r:"
    for mode in fd message; do
        serve wall-$mode-$r
        mount_it wall-$mode-$r "vfio_user_dma=$mode"
        for size in 0 4096; do
            t=$(xfer "$M/wall-$mode-$r" $size "$N")
            line="$line $mode/$size ${t} us"
            k=$mode/$size
            if [ -z "${best[$k]:-}" ] || [ "$(echo "$t < ${best[$k]}" | bc)" = 1 ]; then best[$k]=$t; fi
        done
        unmount_it
        stop
    done
    echo "$line"
done
d0=${best[fd/0]} d4=${best[fd/4096]} m0=${best[message/0]} m4=${best[message/4096]}
echo "| path | 0-byte transfer (us) | 4 KiB transfer (us) | 4 KiB minus 0-byte (us) | 4 KiB vs descriptors |"
echo "|---|---|---|---|---|"
echo "| descriptors | $d0 | $d4 | $(echo "$d4 - $d0" | bc) | 1.00 |"
echo "| messages | $m0 | $m4 | $(echo "$m4 - $m0" | bc) | $(echo "scale=2; $m4 / $d4" | bc) |"

# ---- cycles per second ----
cpu_s() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat"; }
for kind in idle busy; do
    if [ $kind = busy ]; then serve cyc-$kind --free-running; else serve cyc-$kind; fi
    mount_it cyc-$kind
    c0=$(cpu_s "$SPID")
    t0=$(date +%s.%N)
    sleep "$IDLE_S"
    c1=$(cpu_s "$SPID")
    t1=$(date +%s.%N)
    unmount_it
    stop
    read -r cyc _ <<<"$(counts cyc-$kind)"
    wall=$(echo "$t1 - $t0" | bc)
    cpu=$(echo "$c1 - $c0" | bc)
    per_cpu=-
    [ "$(echo "$cpu > 0" | bc)" = 1 ] && per_cpu=$(echo "$cyc / $cpu" | bc)
    printf '%-5s %d cycles in %.1f s: %.0f cycles/s, server CPU %.0f%% of one core, %s cycles per CPU second\n' \
        $kind "$cyc" "$wall" "$(echo "$cyc / $wall" | bc)" "$(echo "$cpu * 100 / $wall" | bc)" "$per_cpu"
done
