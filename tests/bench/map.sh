# Direct mapping benchmark, run in the guest (figures, not a test):
#   tests/guest/run.sh -- sh tests/bench/map.sh
# ivshmem BAR2: 4-byte register read latency and 1 MiB copy throughput,
# through a mapping from vfiofs_map() against pread through the mount, in one run.
cd "$(dirname "$0")/../.." || exit 2
M=$(mktemp -d /tmp/vfiofs-bench.XXXXXX)
N=${LAT_N:-20000}
src/vfiofs "$M" -o "device=$VFIOFS_IVSHMEM" 2>/dev/null || exit 1
B=$M/$VFIOFS_IVSHMEM/bar2
mapped=$(tests/kernel/map_check bench "$B" "$N")
f_lat=$(tests/bench/bench_region file "$B" lat "$N")
f_tput=$(tests/bench/bench_region file "$B" tput 256)
umount "$M"
printf '%s\n' "$mapped" "$f_lat" "$f_tput"
m_lat=$(echo "$mapped" | awk '/lat/ { print $3 }')
m_tput=$(echo "$mapped" | awk '/tput/ { print $3 }')
awk -v ml="$m_lat" -v fl="$(echo "$f_lat" | awk '{ print $3 }')" \
    -v mt="$m_tput" -v ft="$(echo "$f_tput" | awk '{ print $3 }')" 'BEGIN {
    printf "ratio latency read/mapped %.0f (times slower through the mount)\n", fl / ml
    printf "ratio throughput mapped/read %.1f\n", mt / ft
}'
