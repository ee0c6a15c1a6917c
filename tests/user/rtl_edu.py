"""Checks of the RTL edu (sim/rtl/edu.v behind sim/'s bridge) through a
vfiofs mount that need timing or the irq file, one per call:
    python3 tests/user/rtl_edu.py CASE DEVICE_DIR [ARG...]
Prints nothing and exits 0 when the check holds; otherwise prints why and
exits 1. Every wait is bounded (alarms, select with a timeout).
"""
import os
import signal
import struct
import sys
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from mountlib import (Fail, WAIT, check, check_nothing_pending, on_alarm, irq_cmd,  # noqa: E402
                      irq_open, write32, read32, read_events, readable)


def wait_idle(dev, off, bit):
    end = time.monotonic() + WAIT
    while read32(dev, off) & bit:
        check(time.monotonic() < end, "bit %#x of %#x still set after %d s" % (bit, off, WAIT))
        time.sleep(0.001)


def factorial_busy(dev):
    """The busy bit is seen right after the write; a write to 0x08 while busy
    is ignored; 13! wraps at 32 bits as in QEMU's edu; 0! is 1."""
    write32(dev, 0x20, 0)
    # Run against rtl_edu --step-cycles 20000: the model advances at most
    # 20000 cycles after an access and the factorial's delay is 100000, so
    # the read after the write sees busy whatever the machine's load.
    fd = os.open(dev + "/bar0", os.O_RDWR)
    try:
        os.pwrite(fd, struct.pack("<I", 12), 0x08)
        s = struct.unpack("<I", os.pread(fd, 4, 0x20))[0]
    finally:
        os.close(fd)
    check(s & 1 == 1, "status right after writing 12 to 0x08 is %#x, expected busy (bit 0)" % s)
    check(read32(dev, 0x08) == 12, "0x08 while busy reads %d, expected the operand 12" % read32(dev, 0x08))
    write32(dev, 0x08, 5)
    wait_idle(dev, 0x20, 1)
    check(read32(dev, 0x08) == 479001600, "12! read as %d (a write while busy must be ignored)" % read32(dev, 0x08))
    for n, want in ((13, 6227020800 & 0xffffffff), (0, 1), (1, 1)):
        write32(dev, 0x08, n)
        wait_idle(dev, 0x20, 1)
        check(read32(dev, 0x08) == want, "%d! read as %d, expected %d" % (n, read32(dev, 0x08), want))


def msi(dev):
    """MSI: each raise is one message, even while status stays non-zero; the
    factorial's completion interrupt sets bit 0 only when 0x20 bit 7 is set."""
    fd = irq_open(dev, "msi 1\n", os.O_RDONLY | os.O_NONBLOCK)
    try:
        write32(dev, 0x60, 0x40)
        check(readable(fd, WAIT), "no event after raising 0x40")
        check(read_events(fd) == ["msi 0 1"], "first raise")
        write32(dev, 0x60, 0x2)
        check(readable(fd, WAIT), "no event after a second raise with status still set")
        check(read_events(fd) == ["msi 0 1"], "second raise")
        check(read32(dev, 0x24) == 0x42, "0x24 is %#x, expected 0x42" % read32(dev, 0x24))
        write32(dev, 0x64, 0x42)
        check(read32(dev, 0x24) == 0, "0x24 not acknowledged: %#x" % read32(dev, 0x24))
        # Without bit 7 a factorial raises nothing.
        write32(dev, 0x20, 0)
        write32(dev, 0x08, 4)
        wait_idle(dev, 0x20, 1)
        check(not readable(fd, 0.2), "an interrupt from a factorial without 0x20 bit 7")
        check(read32(dev, 0x24) == 0, "0x24 is %#x after a silent factorial" % read32(dev, 0x24))
        write32(dev, 0x20, 0x80)
        check(read32(dev, 0x20) == 0x80, "0x20 reads %#x after writing 0x80" % read32(dev, 0x20))
        write32(dev, 0x08, 6)
        check(readable(fd, WAIT), "no completion interrupt for 6!")
        check(read_events(fd) == ["msi 0 1"], "factorial interrupt")
        check(read32(dev, 0x08) == 720 and read32(dev, 0x24) == 1,
              "after the interrupt 0x08 %d 0x24 %#x" % (read32(dev, 0x08), read32(dev, 0x24)))
        write32(dev, 0x64, 1)
        write32(dev, 0x20, 0)
    finally:
        os.close(fd)
        irq_cmd(dev, "off\n")


def intx(dev):
    """INTx (rtl_edu --intx): a level while 0x24 is non-zero, so a raise with
    status already set sends nothing; after the acknowledge a raise does."""
    fd = irq_open(dev, "intx\n", os.O_RDONLY | os.O_NONBLOCK)
    try:
        write32(dev, 0x60, 0x1)
        check(readable(fd, WAIT), "no INTx event after raising 0x1")
        check(read_events(fd) == ["intx 0 1"], "first INTx")
        write32(dev, 0x60, 0x4)
        check(not readable(fd, 0.2), "a second INTx event while the line stayed asserted")
        check(read32(dev, 0x24) == 0x5, "0x24 is %#x, expected 0x5" % read32(dev, 0x24))
        write32(dev, 0x64, 0x1)
        check(not readable(fd, 0.2), "an INTx event on a partial acknowledge")
        write32(dev, 0x64, 0x4)
        check_nothing_pending(fd, "an INTx event on the acknowledge")
        write32(dev, 0x60, 0x8)
        check(readable(fd, WAIT), "no INTx event after acknowledging and raising again")
        check(read_events(fd) == ["intx 0 1"], "INTx after acknowledge")
        write32(dev, 0x64, 0x8)
    finally:
        os.close(fd)
        irq_cmd(dev, "off\n")


def dma_irq(dev):
    """The DMA-done interrupt (command bit 2) sets 0x100, also for a transfer
    that fails (device-side range outside edu's buffer: nothing moves)."""
    fd = irq_open(dev, "msi 1\n", os.O_RDONLY | os.O_NONBLOCK)
    try:
        for dst, name in ((0x40000, "a good transfer"), (0x41000, "a range outside the buffer")):
            write32(dev, 0x80, 0x40100)
            write32(dev, 0x88, dst)
            write32(dev, 0x90, 16)
            write32(dev, 0x98, 0x5)
            check(readable(fd, WAIT), "no DMA-done interrupt for %s" % name)
            check(read_events(fd) == ["msi 0 1"], name)
            check(read32(dev, 0x24) == 0x100, "0x24 is %#x after %s" % (read32(dev, 0x24), name))
            check(read32(dev, 0x98) & 1 == 0, "0x98 busy after %s" % name)
            write32(dev, 0x64, 0x100)
    finally:
        os.close(fd)
        irq_cmd(dev, "off\n")


def dma(dev, src, dst, count, cmd):
    """One transfer of the DMA engine (arguments as numbers), waited for:
    the four registers, then 0x98 until bit 0 clears."""
    fd = os.open(dev + "/bar0", os.O_RDWR)
    try:
        for off, val in ((0x80, src), (0x88, dst), (0x90, count), (0x98, cmd)):
            os.pwrite(fd, struct.pack("<Q", int(val, 0) & (2**64 - 1)), off)
        end = time.monotonic() + WAIT
        while struct.unpack("<I", os.pread(fd, 4, 0x98))[0] & 1:
            check(time.monotonic() < end, "DMA still busy after %d s" % WAIT)
            time.sleep(0.001)
    finally:
        os.close(fd)


def main():
    signal.signal(signal.SIGALRM, on_alarm)
    case, dev = sys.argv[1], sys.argv[2]
    try:
        globals()[case](dev, *sys.argv[3:])
    except (Fail, OSError) as e:
        print("%s: %s" % (case, e))
        sys.exit(1)


if __name__ == "__main__":
    main()
