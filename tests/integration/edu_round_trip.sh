# edu_round_trip.sh MOUNT DEVICE: 2 KiB from dma/src through edu's buffer into
# dma/dst and back, compared; exits 0 when the bytes match. Both buffers must
# exist and be sized. (QEMU 7.2's edu aborts on a transfer that reaches the
# last byte of its 4 KiB buffer, hence 2 KiB.)
. "$(dirname "$0")/../guest/lib.sh"
M=$1
E=$M/$2
T=$(mktemp -d)
iova_of() { getfattr -n user.vfio.iova --only-values "$1" 2>/dev/null; }
write_u64() { python3 -c "import os,struct; fd=os.open('$1', os.O_WRONLY); os.pwrite(fd, struct.pack('<Q', $3), $2)"; }
edu_idle() { [ $(($(read_u32 "$E/bar0" 0x98) & 1)) = 0 ]; }
edu_dma() {
    write_u64 "$E/bar0" 0x80 "$1" && write_u64 "$E/bar0" 0x88 "$2" && write_u64 "$E/bar0" 0x90 "$3" &&
        write_u64 "$E/bar0" 0x98 $((1 | $4)) && wait_until 10 edu_idle
}
head -c 2048 /dev/urandom >"$T/pattern"
dd if="$T/pattern" of="$M/dma/src" conv=notrunc 2>/dev/null &&
    edu_dma "$(iova_of "$M/dma/src")" 0x40000 2048 0 &&
    edu_dma 0x40000 "$(iova_of "$M/dma/dst")" 2048 2 &&
    dd if="$M/dma/dst" of="$T/back" bs=2048 count=1 2>/dev/null &&
    cmp -s "$T/pattern" "$T/back"
rc=$?
rm -rf "$T"
exit $rc
