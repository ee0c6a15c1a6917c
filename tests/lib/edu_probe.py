"""Probes the register and width rules of an edu (QEMU's, or the RTL one
behind sim/'s bridge) through a vfiofs mount and prints one line per probe:
    python3 tests/lib/edu_probe.py DEVICE_DIR
Run on both, the outputs must be equal: the guest scenario
tests/kernel/t_edu_golden.sh and the host scenario
tests/user/t_rtl_edu_sh.sh compare them with tests/lib/edu_probe.golden.
No DMA (QEMU 7.2's edu aborts its machine on a bad range); every wait is
bounded.
"""
import errno
import os
import sys
import time

dev = sys.argv[1]
fd = os.open(dev + "/bar0", os.O_RDWR)


def rd(off, width):
    try:
        return "0x%0*x" % (2 * width, int.from_bytes(os.pread(fd, width, off), "little"))
    except OSError as e:
        return errno.errorcode[e.errno]


def wr(off, width, val):
    try:
        os.pwrite(fd, val.to_bytes(width, "little"), off)
        return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]


def say(text, value):
    print("%s: %s" % (text, value))


def fact(n):
    wr(0x08, 4, n)
    end = time.monotonic() + 10
    while int(rd(0x20, 4), 16) & 1:
        if time.monotonic() > end:
            return "busy after 10 s"
        time.sleep(0.001)
    return rd(0x08, 4)



def dma_idle():
    end = time.monotonic() + 10
    while int(rd(0x98, 4), 16) & 1:
        if time.monotonic() > end:
            return False
        time.sleep(0.001)
    return True


# A known state whatever ran before (QEMU's edu keeps its registers across a
# reset): 0x08 = 1! = 1, 0x98 = 2 after a 1-byte device -> RAM transfer
# into a buffer of our own (not 0 bytes: QEMU 7.2's edu aborts its machine
# on a 0-byte transfer, its range check finding the end before the start).
wr(0x04, 4, 0)
wr(0x20, 4, 0)
say("factorial 1 first", fact(1))
buf = os.path.join(os.path.dirname(dev.rstrip("/")), "dma", "edu-probe-%d" % os.getpid())
with open(buf, "wb") as f:
    f.truncate(4096)
iova = int(os.getxattr(buf, "user.vfio.iova"), 0)
for off, val in ((0x80, 0x40000), (0x88, iova), (0x90, 1), (0x98, 3)):
    wr(off, 8, val)
say("1-byte DMA done", (dma_idle(), rd(0x98, 8)))
os.unlink(buf)
for off in (0x00, 0x04, 0x0c, 0x10, 0x20, 0x24, 0x28, 0x60, 0x64, 0x7c, 0x84, 0x9c, 0xa0, 0x100, 0xffffc):
    say("read 4 at %#x" % off, rd(off, 4))
for off, width in ((0x00, 1), (0x01, 1), (0x00, 2), (0x02, 2), (0x80, 1), (0x80, 2),
                   (0x00, 8), (0x20, 8), (0x04, 8), (0xa0, 8)):
    say("read %d at %#x" % (width, off), rd(off, width))
say("write 4 0x12345678 at 0x4, read", (wr(0x04, 4, 0x12345678), rd(0x04, 4)))
say("write 1 at 0x4, read", (wr(0x04, 1, 0x55), rd(0x04, 4)))
say("write 2 at 0x4, read", (wr(0x04, 2, 0x5555), rd(0x04, 4)))
say("write 8 at 0x0, read 0x4", (wr(0x00, 8, 0x1111111111111111), rd(0x04, 4)))
say("write 8 at 0x8, read 0x8 0x20", (wr(0x08, 8, 0x0000000500000005), rd(0x08, 4), rd(0x20, 4)))
say("write 8 at 0x20, read 0x20", (wr(0x20, 8, 0x80), rd(0x20, 4)))
say("write 4 0xff at 0x20, read", (wr(0x20, 4, 0xff), rd(0x20, 4)))
wr(0x20, 4, 0)
say("raise 0x3 at 0x60, read 0x24", (wr(0x60, 4, 0x3), rd(0x24, 4)))
say("ack 0x1 at 0x64, read 0x24", (wr(0x64, 4, 0x1), rd(0x24, 4)))
wr(0x64, 4, 0xffffffff)
for off in (0x80, 0x88, 0x90):
    say("write 8 at %#x, read 8 and 4" % off,
        (wr(off, 8, 0x1122334455667788), rd(off, 8), rd(off, 4), rd(off + 4, 4)))
    say("write 4 at %#x, read 8" % off, (wr(off, 4, 0xcafe), rd(off, 8)))
    wr(off, 8, 0)
say("write 0x6 at 0x98 (no start), read", (wr(0x98, 8, 0x6), rd(0x98, 8)))
for n in (0, 1, 5, 12, 13, 33, 34, 100):
    say("factorial %d" % n, fact(n))
os.close(fd)
