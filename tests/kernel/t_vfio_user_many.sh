# Many transports in one mount: a kernel device (edu, through the IOMMU) and
# MANY_MODELS (32) vfio-user models, MANY_BUFFERS (128) buffers that reach
# every one of them: each model's own count of its mappings (vfu_edu's BAR0
# 0xa4), edu's DMA into a buffer seen by the last model's message DMA, and
# the count back to half after half are unlinked.
# Needs the model built by tests/user/servers/build.sh (scripts/test.sh does it).
. tests/kernel/common.sh
. tests/kernel/edu_lib.sh

. tests/user/servers/paths.sh
MODEL=$VFU_EDU
NMOD=${MANY_MODELS:-32}
NBUF=${MANY_BUFFERS:-128}
if [ ! -x "$MODEL" ]; then
    echo "# skipped: $MODEL is not built (bash tests/user/servers/build.sh)"
    t_summary
    exit 0
fi

M=$WORK/many
PIDS=
trap 'for p in $PIDS; do kill $p 2>/dev/null; done' EXIT
opts="device=$VFIOFS_EDU0,iova_max=0xfffffff"
for i in $(seq -w 1 "$NMOD"); do
    "$MODEL" "$WORK/m$i.sock" >"$WORK/m$i.out" 2>"$WORK/m$i.err" &
    PIDS="$PIDS $!"
    opts="$opts,vfio_user=$WORK/m$i.sock"
done
all_ready() { [ "$(cat "$WORK"/m*.out 2>/dev/null | grep -c ready)" = "$NMOD" ]; }
wait_until 60 all_ready || echo "# not every model started: $(cat "$WORK"/m*.err | head -n 3)"
LAST=m$(seq -w 1 "$NMOD" | tail -n 1)

# counts_are N: every model holds N mappings by its own count.
counts_are() {
    local d bad=0
    for d in "$M"/m*; do
        [ "$(read_u32 "$d/bar0" 0xa4)" = "$(printf '0x%08x' "$1")" ] || bad=$((bad + 1))
    done
    [ "$bad" = 0 ] || echo "# $bad models do not hold $1 mappings"
    [ "$bad" = 0 ]
}

t_begin kernel-device-and-many-vfio-user-devices-in-one-mount
if vfiofs_mount "$M" -o "$opts"; then
    expect_eq "$(ls -d "$M"/m* | wc -l)" "$NMOD" "vfio-user devices" &&
        [ -d "$M/$VFIOFS_EDU0" ] && grep -qx "dma_space kernel type1v2" "$M/container" &&
        expect_eq "$(grep -c '^dma_space vfio-user' "$M/container")" "$NMOD" "vfio-user DMA spaces" && t_pass ||
        t_fail "container: $(head -n 20 "$M/container")"
else
    t_fail "mount: $(tail -n 5 "$M.log")"
    t_summary
    exit 1
fi

t_begin buffers-reach-every-device
t0=$(date +%s%N)
for i in $(seq -w 1 "$NBUF"); do truncate -s 4096 "$M/dma/b$i" || break; done
t1=$(date +%s%N)
echo "# $NBUF buffers with 1 kernel + $NMOD vfio-user devices: $(( (t1 - t0) / NBUF / 1000 )) us each (TCG guest)"
expect_eq "$(grep -c '^mapping' "$M/container")" "$NBUF" "mappings" && counts_are "$NBUF" && t_pass ||
    t_fail "not every model holds every buffer"

t_begin kernel-dma-then-the-last-model-reads-it
E=$M/$VFIOFS_EDU0
A=$(iova_of "$M/dma/b$(seq -w 1 "$NBUF" | head -n 1)")
B=$(iova_of "$M/dma/b$(seq -w 1 "$NBUF" | tail -n 1)")
head -c 1024 /dev/urandom >"$WORK/pattern"
dd if="$WORK/pattern" of="$M/dma/b$(seq -w 1 "$NBUF" | head -n 1)" conv=notrunc 2>/dev/null
# edu: first buffer -> its memory -> last buffer, through the IOMMU; the last
# model: last buffer -> its BAR2 by DMA_READ messages.
edu_dma "$A" 0x40000 1024 0 && edu_dma 0x40000 "$B" 1024 2 || t_fail "edu DMA did not complete"
write_u64 "$M/$LAST/bar0" 0x80 "$B" && write_u64 "$M/$LAST/bar0" 0x88 0 &&
    write_u64 "$M/$LAST/bar0" 0x90 1024 && write_u64 "$M/$LAST/bar0" 0x98 1 &&
    expect_eq "$(read_u32 "$M/$LAST/bar0" 0xa0)" 0x00000000 "model DMA result" &&
    cmp -s -n 1024 "$WORK/pattern" "$M/$LAST/bar2" && t_pass ||
    t_fail "the last model's BAR2 does not hold what edu wrote"

t_begin unlink-half-reaches-every-device
for i in $(seq -w 1 "$NBUF" | tail -n $((NBUF / 2))); do rm "$M/dma/b$i"; done
counts_are $((NBUF - NBUF / 2)) && t_pass || t_fail "unlink did not reach every model"

vfiofs_umount "$M" || t_fail "unmount"
t_summary
