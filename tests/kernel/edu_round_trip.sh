# edu_round_trip.sh MOUNT DEVICE: 2 KiB from dma/src through edu's buffer into
# dma/dst and back, compared; exits 0 when the bytes match. Both buffers must
# exist and be sized. (QEMU 7.2's edu aborts on a transfer that reaches the
# last byte of its 4 KiB buffer, hence 2 KiB.)
. "$(dirname "$0")/../guest/lib.sh"
M=$1
E=$M/$2
T=$(mktemp -d)
. "$(dirname "$0")/edu_lib.sh"
head -c 2048 /dev/urandom >"$T/pattern"
dd if="$T/pattern" of="$M/dma/src" conv=notrunc 2>/dev/null &&
    edu_dma "$(iova_of "$M/dma/src")" 0x40000 2048 0 &&
    edu_dma 0x40000 "$(iova_of "$M/dma/dst")" 2048 2 &&
    dd if="$M/dma/dst" of="$T/back" bs=2048 count=1 2>/dev/null &&
    cmp -s "$T/pattern" "$T/back"
rc=$?
rm -rf "$T"
exit $rc
