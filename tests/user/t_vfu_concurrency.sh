# Several threads at once on two vfio-user devices: message and direct DMA
# (the server's DMA_READ/DMA_WRITE arrive while other requests are queued on
# the same connection) beside register and BAR2 traffic; then the same over
# socat relays (no descriptors). Every value is checked; every wait bounded.
. tests/user/common.sh

M=$WORK/m
model_start a || { not_ok "vfu_edu a starts"; exit 1; }
model_start b || { not_ok "vfu_edu b starts"; exit 1; }

# threads DEV_A DEV_B MODE_B: six threads, a DMA loop (a's by messages, b's
# in MODE_B: 0 messages, 8 direct), a register loop and a BAR2 loop per
# device; prints "all consistent" or what went wrong.
threads() {
    timeout 120 python3 - "$M" "$1" "$2" "$3" <<'PY' 2>&1
import os, struct, sys, threading
M, DEV_A, DEV_B, MODE_B = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
N = 150
errors = []

def w64(fd, off, v): os.pwrite(fd, struct.pack("<Q", v), off)
def r32(fd, off): return struct.unpack("<I", os.pread(fd, 4, off))[0]

def dma_loop(dev, mode):
    bar0 = os.open("%s/%s/bar0" % (M, dev), os.O_RDWR)
    bar2 = os.open("%s/%s/bar2" % (M, dev), os.O_RDWR)
    path = "%s/dma/%s" % (M, dev)
    buf = os.open(path, os.O_RDWR)
    iova = int(os.getxattr(path, "user.vfio.iova").decode(), 0)
    for i in range(N):
        size = 512 * (1 + i % 16)
        pat = os.urandom(size)
        os.pwrite(buf, pat, 0)
        # BAR2 0x5000.. is the device's own: the BAR2 loop stays away from it
        w64(bar0, 0x80, iova); w64(bar0, 0x88, 0x5000); w64(bar0, 0x90, size); w64(bar0, 0x98, 1 | mode)
        if r32(bar0, 0xa0) != 0 or os.pread(bar2, size, 0x5000) != pat:
            errors.append("%s: RAM -> device %d went wrong (0xa0 %d)" % (dev, i, r32(bar0, 0xa0))); return
        w64(bar0, 0x80, 0x5000); w64(bar0, 0x88, iova + 32768); w64(bar0, 0x98, 3 | mode)
        if r32(bar0, 0xa0) != 0 or os.pread(buf, size, 32768) != pat:
            errors.append("%s: device -> RAM %d went wrong (0xa0 %d)" % (dev, i, r32(bar0, 0xa0))); return

def reg_loop(dev):
    bar0 = os.open("%s/%s/bar0" % (M, dev), os.O_RDWR)
    for i in range(N * 10):
        v = (i * 0x9e3779b97f4a7c15) & (2**64 - 1)
        os.pwrite(bar0, struct.pack("<Q", v), 0x20)
        if r32(bar0, 0) != 0x56465531 or struct.unpack("<Q", os.pread(bar0, 8, 0x20))[0] != v:
            errors.append("%s: register traffic went wrong at %d" % (dev, i)); return

def bar2_loop(dev):
    bar2 = os.open("%s/%s/bar2" % (M, dev), os.O_RDWR)
    for i in range(N * 2):
        pat = os.urandom(256)
        os.pwrite(bar2, pat, 0x3f80)    # across the first mmap-able area's end
        os.pwrite(bar2, pat, 0xbf80)    # across the second one's
        if os.pread(bar2, 256, 0x3f80) != pat or os.pread(bar2, 256, 0xbf80) != pat:
            errors.append("%s: BAR2 traffic went wrong at %d" % (dev, i)); return

threads = [threading.Thread(target=f, args=a) for f, a in (
    (dma_loop, (DEV_A, 0)), (dma_loop, (DEV_B, MODE_B)),
    (reg_loop, (DEV_A,)), (reg_loop, (DEV_B,)), (bar2_loop, (DEV_A,)), (bar2_loop, (DEV_B,)))]
for t in threads: t.start()
for t in threads: t.join()
print("\n".join(errors) if errors else "all consistent")
PY
}

vfiofs_mount "$M" -o "vfio_user=$WORK/a.sock,vfio_user=$WORK/b.sock" || { not_ok "mount: $(cat "$M.log")"; exit 1; }
truncate -s 65536 "$M/dma/a" "$M/dma/b"
expect_eq "six threads on two devices: DMA by messages and direct, registers, BAR2" "$(threads a b 8)" "all consistent"
expect_eq "both devices answer afterwards" "$(r32 "$M/a/bar0" 0) $(r32 "$M/b/bar0" 0)" "0x56465531 0x56465531"
if vfiofs_umount "$M"; then ok "unmount"; else not_ok "unmount: $(tail -n 3 "$M.log")"; fi

for d in a b; do
    socat -b 262144 "UNIX-LISTEN:$WORK/r$d.sock,fork" "UNIX-CONNECT:$WORK/$d.sock" 2>>"$WORK/socat.log" &
    echo $! >>"$WORK/pids"
    wait_until 10 test -S "$WORK/r$d.sock" || not_ok "socat relay for $d listens"
done
vfiofs_mount "$M" -o "vfio_user=$WORK/ra.sock,vfio_user=$WORK/rb.sock" || { not_ok "mount (relays): $(cat "$M.log")"; summary; exit 1; }
truncate -s 65536 "$M/dma/ra" "$M/dma/rb"
expect_eq "over socat relays: six threads on two devices, DMA by messages" "$(threads ra rb 0)" "all consistent"
if vfiofs_umount "$M"; then ok "unmount (relays)"; else not_ok "unmount (relays): $(tail -n 3 "$M.log")"; fi
summary
