# iommufd against type1, on the one kernel that has both (figures, not a test):
#   tests/guest/run.sh --iommufd -- sh tests/bench/iommufd.sh
# Creating and mapping a 256 MiB buffer (open + ftruncate: allocate, pin,
# IOMMU map) with 4 KiB pages and with 2 MiB hugetlb pages, under
# -o iommu=type1 and -o iommu=iommufd, alternated, ROUNDS times each; prints
# every figure, the medians and minimums and their ratios iommufd/type1
# (type1 is the baseline of the same run; on a busy machine the minimum is
# the steadier figure).
cd "$(dirname "$0")/../.." || exit 2
B=tests/bench/bench_dma
M=$(mktemp -d /tmp/vfiofs-bench.XXXXXX)
BIG=${BIG_MIB:-256}
ROUNDS=${ROUNDS:-7}
[ -c /dev/iommu ] || { echo "no /dev/iommu: run with tests/guest/run.sh --iommufd" >&2; exit 2; }

# create IOMMU OPTS: ms to create and map one BIG MiB buffer in a fresh mount.
create() {
    src/vfiofs "$M" -o "device=$VFIOFS_NVME,iommu=$1$2" 2>/dev/null || exit 1
    grep -q "^iommu $([ "$1" = type1 ] && echo type1v2 || echo iommufd)$" "$M/container" ||
        { echo "the mount does not use $1" >&2; umount "$M"; exit 1; }
    $B create "$M/dma/big" "$BIG" | awk '{ print $4 }'
    umount "$M"
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
minimum() { tr ' ' '\n' | grep . | sort -n | head -n 1; }

echo $((BIG / 2 + 8)) >/proc/sys/vm/nr_hugepages
for pages in 4k huge; do
    opts=
    [ "$pages" = huge ] && opts=,hugepages
    t1= fd=
    for r in $(seq "$ROUNDS"); do
        t1="$t1 $(create type1 "$opts")"
        fd="$fd $(create iommufd "$opts")"
    done
    m1=$(echo "$t1" | median)
    mf=$(echo "$fd" | median)
    n1=$(echo "$t1" | minimum)
    nf=$(echo "$fd" | minimum)
    echo "$pages pages: type1 ms:$t1 | iommufd ms:$fd"
    awk -v p="$pages" -v a="$m1" -v b="$mf" -v c="$n1" -v d="$nf" -v n="$BIG" \
        'BEGIN { printf "create and map %d MiB, %s pages: median type1 %.1f ms, iommufd %.1f ms, ratio %.2f; minimum type1 %.1f ms, iommufd %.1f ms, ratio %.2f\n", n, p, a, b, b / a, c, d, d / c }'
done
echo 0 >/proc/sys/vm/nr_hugepages
rmdir "$M"
