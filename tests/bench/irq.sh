# Interrupt benchmark, run in the guest (figures, not a test):
#   tests/guest/run.sh -- sh tests/bench/irq.sh
# MSI-X vector 0 of the nvme device, fired in software (VFIO's trigger), seen
# by a waiting reader three ways, in the same guest run: an eventfd this
# process registers with VFIO itself (direct), vfiofs's irq file (file), and
# the vector's eventfd handed out by vfiofs's socket (handoff).
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
h_lat=$($B handoff "$M/$VFIOFS_NVME" lat "$N")
h_rate=$($B handoff "$M/$VFIOFS_NVME" rate "$T")
umount "$M"
printf '%s\n' "$d_lat" "$f_lat" "$h_lat" "$d_rate" "$f_rate" "$h_rate"
value() { echo "$1" | awk '{ print $3 }'; }
awk -v dl="$(value "$d_lat")" -v fl="$(value "$f_lat")" -v hl="$(value "$h_lat")" \
    -v dr="$(value "$d_rate")" -v fr="$(value "$f_rate")" -v hr="$(value "$h_rate")" 'BEGIN {
    printf "ratio latency vfiofs/direct %.1f (times slower)\n", fl / dl
    printf "ratio rate vfiofs/direct %.2f\n", fr / dr
    printf "ratio latency handoff/direct %.2f (aim <= 1.5)\n", hl / dl
    printf "ratio rate handoff/direct %.2f (aim >= 0.8)\n", hr / dr
}'
