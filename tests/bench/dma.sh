# DMA buffer benchmark, run in the guest (figures, not a test):
#   tests/guest/run.sh -- sh tests/bench/dma.sh
# 1 MiB writes and reads of a 64 MiB buffer through vfiofs against memcpy in
# one process; time to create and map 256 MiB with 4 KiB pages and with huge pages.
cd "$(dirname "$0")/../.." || exit 2
B=tests/bench/bench_dma
M=$(mktemp -d /tmp/vfiofs-bench.XXXXXX)
SIZE=${SIZE_MIB:-64}
BIG=${BIG_MIB:-256}

$B memcpy "$SIZE"
src/vfiofs "$M" -o "device=$VFIOFS_NVME" 2>/dev/null || exit 1
truncate -s "${SIZE}M" "$M/dma/buf" && $B file "$M/dma/buf" "$SIZE"
small=$($B create "$M/dma/big" "$BIG")
umount "$M"
echo $((BIG / 2 + 8)) >/proc/sys/vm/nr_hugepages
src/vfiofs "$M" -o "device=$VFIOFS_NVME,hugepages" 2>/dev/null || exit 1
huge=$($B create "$M/dma/big" "$BIG")
grep '^mapping' "$M/container"
umount "$M"
echo 0 >/proc/sys/vm/nr_hugepages
echo "$small (4 KiB pages)"
echo "$huge (2 MiB hugetlb pages)"
awk -v s="$(echo "$small" | awk '{ print $4 }')" -v h="$(echo "$huge" | awk '{ print $4 }')" \
    'BEGIN { printf "ratio create 4k/huge %.1f\n", s / h }'
