#!/bin/bash
# vfio-user benchmarks, one run on the host (figures, not a test; root, /dev/fuse):
#   bash tests/bench/vfu.sh            # LAT_N=20000 DMA_N=200 DMA_SIZE=1048576 ROUNDS=3
# Builds libvfio-user and the vfu_edu model (tests/user/servers/build.sh; or
# VFU_EDU=PATH names a vfu_edu binary to use as it is), needs
# src/vfiofs and the bench programs built (bash scripts/build.sh), then
# measures, ROUNDS times in turn so that the machine's noise hits every path:
#  * a 4-byte read of vfu_edu's BAR0 at 0x04 (a register the model serves):
#    through the mount (pread of MOUNT/edu/bar0), as a direct REGION_READ from
#    a minimal C client (vfu_direct), and a bare FUSE round trip (pread of a
#    64 KiB in-memory file of fuse_floor, direct I/O); the issue's aim is
#    mount <= 1.25 x (floor + direct);
#  * a 4-byte read at BAR2 offset 0, inside an mmap-able area: through the
#    mount (served from the daemon's own mapping) and as a direct REGION_READ;
#  * DMA_SIZE-byte transfers by the model's DMA engine, both directions,
#    by DMA_READ/DMA_WRITE messages (command bit3 = 0) and by the descriptor
#    given with DMA_MAP (bit3 = 1), through the mount (default
#    vfio_user_dma=fd; the command register written with pwrite on bar0) and
#    from vfu_direct; the issue's aim is messages >= 1/4 of descriptor.
# The model runs with a 2 MiB BAR2 (--bar2-size) so that one transfer moves
# the issue's 1 MiB.
# Every latency figure is the median of its round; the table shows the best
# (lowest) round, each round's figures are printed above it.
set -u
cd "$(dirname "$0")/../.." || exit 2
BENCH=vfu.sh
. tests/bench/lib.sh
bench_edu
LAT_N=${LAT_N:-20000}
DMA_N=${DMA_N:-200}
DMA_SIZE=${DMA_SIZE:-1048576}
ROUNDS=${ROUNDS:-3}

bench_need "$EDU" src/vfiofs $B/bench_region $B/fuse_floor $B/vfu_direct

bench_dir vfu mnt floor

"$EDU" --bar2-size 0x200000 "$D/edu.sock" >"$D/edu.out" 2>"$D/edu.log" & pids+=($!)
wait_for "grep -q ready $D/edu.out" 50

mibs() { awk '{ for (i = 2; i <= NF; i++) if ($i == "MiB/s") { print $(i - 1); exit } }'; }

declare -A best
# keep NAME VALUE lower|higher: the best of the rounds.
keep() {
    local cur=${best[$1]:-}
    [ -n "$2" ] || { echo "vfu.sh: no figure for $1" >&2; exit 1; }
    if [ -z "$cur" ] || awk -v a="$2" -v b="$cur" -v d="$3" 'BEGIN { exit !(d == "lower" ? a < b : a > b) }'; then
        best[$1]=$2
    fi
}
run() { local line; line=$("$@") || { echo "vfu.sh: failed: $*" >&2; exit 1; }; echo "$line" >&2; echo "$line"; }

for ((round = 1; round <= ROUNDS; round++)); do
    echo "round $round" >&2
    # direct REGION_READs and DMA (vfu_edu serves one client after another)
    keep direct_bar0 "$(run $B/vfu_direct "$D/edu.sock" read 0 0x04 4 "$LAT_N" | med_us)" lower
    keep direct_bar2 "$(run $B/vfu_direct "$D/edu.sock" read 2 0 4 "$LAT_N" | med_us)" lower
    for mode in message direct; do
        for dir in to from; do
            keep "direct_dma_${mode}_$dir" "$(run $B/vfu_direct "$D/edu.sock" dma $mode $dir "$DMA_SIZE" "$DMA_N" | mibs)" higher
        done
    done

    # the bare FUSE round trip
    $B/fuse_floor "$D/floor" -f 2>"$D/floor.log" & fpid=$!
    wait_for "[ -f $D/floor/mem ]" 50
    keep floor "$(run $B/bench_region file "$D/floor/mem" lat "$LAT_N" 4 | med_us)" lower
    fusermount3 -u "$D/floor"; wait "$fpid"

    # through the mount
    src/vfiofs "$D/mnt" -f -o "vfio_user=$D/edu.sock" 2>"$D/vfiofs.log" & vpid=$!
    wait_for "[ -d $D/mnt/edu ]" 100
    keep mount_bar0 "$(run $B/bench_region file "$D/mnt/edu/bar0" lat "$LAT_N" 0x04 | med_us)" lower
    keep mount_bar2 "$(run $B/bench_region file "$D/mnt/edu/bar2" lat "$LAT_N" 0 | med_us)" lower
    truncate -s "$DMA_SIZE" "$D/mnt/dma/buf"
    iova=$(getfattr --absolute-names -n user.vfio.iova --only-values "$D/mnt/dma/buf")
    for mode in message direct; do
        for dir in to from; do
            keep "mount_dma_${mode}_$dir" "$(run $B/bench_region edu-dma "$D/mnt/edu/bar0" "$iova" "$DMA_SIZE" $mode $dir "$DMA_N" | mibs)" higher
        done
    done
    fusermount3 -u "$D/mnt"; wait "$vpid"
done

b() { echo "${best[$1]}"; }
echo
echo "vfio-user benchmarks, $(date -u +%F), $(nproc) cores, best of $ROUNDS rounds (medians)"
awk -v m="$(b mount_bar0)" -v d="$(b direct_bar0)" -v f="$(b floor)" \
    -v m2="$(b mount_bar2)" -v d2="$(b direct_bar2)" 'BEGIN {
    printf "| 4-byte read | through the mount | direct REGION_READ | bare FUSE round trip | ratio |\n"
    printf "|---|---|---|---|---|\n"
    printf "| BAR0 0x04 (register) | %.1f µs | %.1f µs | %.1f µs | mount/(floor+direct) = **%.2f** (aim <= 1.25) |\n", m, d, f, m / (f + d)
    printf "| BAR2 0x0 (mmap-able area) | %.1f µs | %.1f µs | | mount/direct = **%.2f** |\n", m2, d2, m2 / d2
}'
echo
echo "| $DMA_SIZE-byte DMA transfers | by messages | by descriptor | messages/descriptor (aim >= 0.25) |"
echo "|---|---|---|---|"
for who in mount direct; do
    for dir in to from; do
        awk -v w="$who" -v dir="$dir" -v msg="$(b ${who}_dma_message_$dir)" -v fd="$(b ${who}_dma_direct_$dir)" 'BEGIN {
            printf "| %s, %s | %.0f MiB/s | %.0f MiB/s | **%.2f** |\n",
                w == "mount" ? "through the mount" : "vfu_direct", dir == "to" ? "RAM -> device" : "device -> RAM", msg, fd, msg / fd
        }'
    done
done
