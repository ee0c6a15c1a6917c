# Region access benchmark, run in the guest (figures, not a test):
#   tests/guest/run.sh -- sh tests/bench/region.sh
# Compares pread through vfiofs with pread on the VFIO device file in the same
# guest run: 4-byte register read latency (edu BAR0 ident) and 1 MiB
# sequential read throughput (ivshmem BAR2, 4 MiB of RAM-backed device memory),
# and the same ident register read by name (regs/IDENT, examples/regmaps/edu.xml
# attached with -o regmap=) against the bar0 read of the same run.
cd "$(dirname "$0")/../.." || exit 2
B=tests/bench/bench_region
LAT_N=${LAT_N:-20000}
TPUT_N=${TPUT_N:-256}
VFIOFS_OPTS=${VFIOFS_OPTS:-}
M=$(mktemp -d /tmp/vfiofs-bench.XXXXXX)

direct_lat=$($B direct "$VFIOFS_EDU0" bar0 lat "$LAT_N") || exit 1
direct_tput=$($B direct "$VFIOFS_IVSHMEM" bar2 tput "$TPUT_N") || exit 1
src/vfiofs "$M" -o "device=$VFIOFS_EDU0,device=$VFIOFS_IVSHMEM,regmap=$VFIOFS_EDU0=$PWD/examples/regmaps/edu.xml" \
    $VFIOFS_OPTS 2>/dev/null || exit 1
fs_lat=$($B file "$M/$VFIOFS_EDU0/bar0" lat "$LAT_N")
named_lat=$($B file "$M/$VFIOFS_EDU0/regs/IDENT" lat "$LAT_N")
fs_tput=$($B file "$M/$VFIOFS_IVSHMEM/bar2" tput "$TPUT_N")
umount "$M"

echo "$direct_lat"
echo "$fs_lat"
echo "$named_lat"
echo "$direct_tput"
echo "$fs_tput"
value() { echo "$1" | awk '{ print $3 }'; }
awk -v dl="$(value "$direct_lat")" -v fl="$(value "$fs_lat")" -v nl="$(value "$named_lat")" \
    -v dt="$(value "$direct_tput")" -v ft="$(value "$fs_tput")" 'BEGIN {
    printf "ratio latency vfiofs/direct %.1f (times slower)\n", fl / dl
    printf "ratio latency by name/bar0 %.2f (regs/IDENT against bar0, both through vfiofs)\n", nl / fl
    printf "ratio throughput vfiofs/direct %.2f\n", ft / dt
}'
