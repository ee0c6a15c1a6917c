# A vfio-user device model beside kernel devices in one mount and one IOVA
# space: edu moves data into a buffer by kernel DMA (IOMMU), the model reads
# the same buffer by message DMA (DMA_READ served by vfiofs), and back.
# Needs the model built by tests/user/servers/build.sh (scripts/test.sh does it).
. tests/kernel/common.sh
. tests/kernel/edu_lib.sh

. tests/user/servers/paths.sh
MODEL=$VFU_EDU
if [ ! -x "$MODEL" ]; then
    echo "# skipped: $MODEL is not built (bash tests/user/servers/build.sh)"
    t_summary
    exit 0
fi

M=$WORK/m
S=$WORK/model.sock
"$MODEL" "$S" >"$WORK/model.out" 2>"$WORK/model.err" &
MODEL_PID=$!
model_ready() { grep -q ready "$WORK/model.out"; }
wait_until 10 model_ready || echo "# the model did not start: $(cat "$WORK/model.err")"
trap 'kill $MODEL_PID 2>/dev/null' EXIT

# Only vfio-user devices: the kernel's VFIO is never opened.
t_begin vfio-user-alone-opens-no-dev-vfio
if vfiofs_mount "$M" -o "vfio_user=$S"; then
    fds=$(ls -l /proc/"$VFIOFS_PID"/fd 2>/dev/null | grep -c /dev/vfio)
    expect_eq "$fds" 0 "descriptors of /dev/vfio held" &&
        expect_eq "$(read_u32 "$M/model/bar0" 0)" 0x56465531 "model ident" &&
        expect_eq "$(info_value "$M/container" iommu)" none "IOMMU model" && t_pass
    vfiofs_umount "$M" || t_fail "unmount"
else
    t_fail "mount: $(cat "$M.log")"
fi

t_begin kernel-and-vfio-user-devices-in-one-mount
vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,vfio_user=$S,iova_max=0xfffffff" || t_fail "mount: $(cat "$M.log")"
[ -d "$M/$VFIOFS_EDU0" ] && [ -d "$M/model" ] &&
    grep -qx "dma_space kernel type1v2" "$M/container" && grep -qx "dma_space vfio-user model" "$M/container" &&
    expect_eq "$(info_value "$M/model/info" transport)" vfio-user transport &&
    expect_eq "$(info_value "$M/$VFIOFS_EDU0/info" transport)" vfio-pci transport && t_pass ||
    t_fail "container: $(cat "$M/container")"

E=$M/$VFIOFS_EDU0
truncate -s 4096 "$M/dma/src" "$M/dma/shared" "$M/dma/back"
head -c 2048 /dev/urandom >"$WORK/pattern"
dd if="$WORK/pattern" of="$M/dma/src" conv=notrunc 2>/dev/null
SRC=$(iova_of "$M/dma/src")
SHARED=$(iova_of "$M/dma/shared")
BACK=$(iova_of "$M/dma/back")

t_begin edu-kernel-dma-then-model-message-dma-reads-it
# edu: src -> its memory -> shared, through the IOMMU.
edu_dma "$SRC" 0x40000 2048 0 && edu_dma 0x40000 "$SHARED" 2048 2 || t_fail "edu DMA did not complete"
cmp -s -n 2048 "$WORK/pattern" "$M/dma/shared" || t_fail "edu did not fill the shared buffer"
# The model: shared -> its BAR2 by DMA_READ messages (cmd bit3 clear).
write_u64 "$M/model/bar0" 0x80 "$SHARED" && write_u64 "$M/model/bar0" 0x88 0 &&
    write_u64 "$M/model/bar0" 0x90 2048 && write_u64 "$M/model/bar0" 0x98 1 &&
    expect_eq "$(read_u32 "$M/model/bar0" 0xa0)" 0x00000000 "model DMA result" &&
    cmp -s -n 2048 "$WORK/pattern" "$M/model/bar2" && t_pass ||
    t_fail "the model's BAR2 does not hold what edu wrote"

t_begin model-message-dma-writes-what-edu-then-reads
# The model: its BAR2 -> back by DMA_WRITE messages; edu: back -> its memory -> src.
dd if=/dev/zero of="$M/dma/src" bs=4096 count=1 conv=notrunc 2>/dev/null
write_u64 "$M/model/bar0" 0x80 0 && write_u64 "$M/model/bar0" 0x88 "$BACK" &&
    write_u64 "$M/model/bar0" 0x90 2048 && write_u64 "$M/model/bar0" 0x98 3 &&
    expect_eq "$(read_u32 "$M/model/bar0" 0xa0)" 0x00000000 "model DMA result" || t_fail "model DMA failed"
edu_dma "$BACK" 0x40000 2048 0 && edu_dma 0x40000 "$SRC" 2048 2 &&
    cmp -s -n 2048 "$WORK/pattern" "$M/dma/src" && t_pass || t_fail "edu did not read back what the model wrote"

t_begin unlink-reaches-both-transports
rm "$M/dma/shared"
write_u64 "$M/model/bar0" 0x80 "$SHARED" && write_u64 "$M/model/bar0" 0x88 0 &&
    write_u64 "$M/model/bar0" 0x90 64 && write_u64 "$M/model/bar0" 0x98 1
[ "$(read_u32 "$M/model/bar0" 0xa0)" != 0x00000000 ] && ! grep -q " shared$" "$M/container" && t_pass ||
    t_fail "the model still reached an unlinked buffer"

vfiofs_umount "$M" || t_fail "unmount"
t_summary
