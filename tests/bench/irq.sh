# Interrupt benchmark, run in the guest (figures, not a test):
#   tests/guest/run.sh -- sh tests/bench/irq.sh
# MSI-X vector 0 of the nvme device, fired in software (VFIO's trigger), seen
# by a waiting reader: through vfiofs's irq file, and through an eventfd this
# process registers with VFIO itself; same guest run.
cd "$(dirname "$0")/../.." || exit 2
B=tests/bench/bench_irq
N=${LAT_N:-2000}
T=${RATE_S:-5}
M=$(mktemp -d /tmp/vfiofs-bench.XXXXXX)

d_lat=$($B direct "$VFIOFS_NVME" lat "$N") || exit 1
d_rate=$($B direct "$VFIOFS_NVME" rate "$T") || exit 1
src/vfiofs "$M" -o "device=$VFIOFS_NVME" 2>/dev/null || exit 1
f_lat=$($B file "$M/$VFIOFS_NVME" lat "$N")
f_rate=$($B file "$M/$VFIOFS_NVME" rate "$T")
umount "$M"
printf '%s\n' "$d_lat" "$f_lat" "$d_rate" "$f_rate"
value() { echo "$1" | awk '{ print $3 }'; }
awk -v dl="$(value "$d_lat")" -v fl="$(value "$f_lat")" -v dr="$(value "$d_rate")" -v fr="$(value "$f_rate")" 'BEGIN {
    printf "ratio latency vfiofs/direct %.1f (times slower)\n", fl / dl
    printf "ratio rate vfiofs/direct %.2f\n", fr / dr
}'
