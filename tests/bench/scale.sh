#!/bin/bash
# Scale of one mount, on the host (figures, not a test; root, /dev/fuse):
#   bash tests/bench/scale.sh          # DEVICES=1,16,64 BUFFERS=4096 READS=2000
# Starts max(DEVICES) + 1 vfu_edu servers (tests/user/servers/build.sh builds
# them; VFU_EDU=PATH uses a given binary), then for each device count one
# mount over that many devices: mount time, a 4-byte register read, buffer
# create + size and unlink (medians over BUFFERS 4 KiB buffers), a late
# attach that receives every buffer, ls dma/, a read of container, the
# daemon's RSS and descriptors (tests/bench/scale.py), each with its ratio
# to the one-device figure of the same run; and the same servers driven by a
# bare client (tests/bench/vfu_fanout: DMA_MAP/UNMAP to all, no FUSE, no
# vfiofs), the floor any client pays here, and what vfiofs adds to it. VFIOFS=PATH measures another
# build (an A/B against an older commit). Results: doc/performance.md.
set -u
cd "$(dirname "$0")/../.." || exit 2
BENCH=scale.sh
. tests/bench/lib.sh
bench_edu
VFIOFS=${VFIOFS:-$REPO/src/vfiofs}
DEVICES=${DEVICES:-1,16,64}
BUFFERS=${BUFFERS:-4096}
READS=${READS:-2000}
bench_need "$EDU" "$VFIOFS" "$REPO/tests/bench/vfu_fanout"
# Each server holds a descriptor per buffer too (libvfio-user keeps the memfd).
ulimit -n "$(ulimit -Hn)"

D=$(mktemp -d /tmp/vfiofs-scale-bench.XXXXXX)
pids=()
cleanup() {
    local m
    for m in $(awk -v w="$D/" 'index($2, w) == 1 { print $2 }' /proc/mounts); do fusermount3 -uz "$m"; done
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$D"
}
trap cleanup EXIT

most=$(echo "$DEVICES" | tr ',' '\n' | sort -n | tail -n 1)
socks=()
for ((i = 0; i <= most; i++)); do
    s=$(printf '%s/s%02d.sock' "$D" "$i")
    "$EDU" "$s" >"$s.out" 2>"$s.log" & pids+=($!)
    echo $! >>"$D/pids"
    socks+=("$s")
done
for s in "${socks[@]}"; do
    for ((t = 0; t < 100; t++)); do grep -q ready "$s.out" && break; sleep 0.1; done
    grep -q ready "$s.out" || { echo "scale.sh: $s did not start: $(cat "$s.log")" >&2; exit 1; }
done
echo "# $(date -u +%FT%TZ) $(git -C "$REPO" describe --always --dirty 2>/dev/null) $VFIOFS, $(nproc) cores"
python3 tests/bench/scale.py "$VFIOFS" "$D" "${socks[@]}" --devices "$DEVICES" --buffers "$BUFFERS" \
    --reads "$READS" --fanout "$REPO/tests/bench/vfu_fanout"
