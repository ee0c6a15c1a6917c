"""Interrupt checks of a vfu_edu device through a vfiofs mount, one per call:
    python3 tests/user/vfu_irq.py CASE DEVICE_DIR
Prints nothing and exits 0 when the check holds; otherwise prints why and
exits 1. Every wait is bounded: blocking reads are guarded by an alarm,
absence is checked with select() and a short timeout.
"""
import errno
import os
import signal
import struct
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from mountlib import (Fail, WAIT, check, check_nothing_pending, on_alarm, irq_cmd,  # noqa: E402
                      irq_errno, irq_open, write32, write64, read32, info, read_events, readable,
                      readers_see_each_interrupt, reset_ends_read, rmdir_ends_read)


def raise_and_read(dev, mode, reg, value, want):
    """Interrupts on with mode, value written to register reg: one blocking
    read of irq is the line want."""
    fd = irq_open(dev, mode)
    write32(dev, reg, value)
    lines = read_events(fd)
    check(lines == [want], "read %r, expected %r" % (lines, [want]))


# ---- cases ----

def msi_blocking(dev):
    """msi 1, raise through 0x44: a blocking read returns 'msi 0 1'; status and acknowledge."""
    raise_and_read(dev, "msi 1\n", 0x44, 0x5, "msi 0 1")
    check(read32(dev, 0x40) == 0x5, "status 0x40 is %#x, expected 0x5" % read32(dev, 0x40))
    write32(dev, 0x48, 0x5)
    check(read32(dev, 0x40) == 0, "status not acknowledged: %#x" % read32(dev, 0x40))
    i = info(dev)
    check(i.get("irq.mode") == "msi" and i.get("irq.vectors") == "1", "info irq.mode/vectors %r/%r"
          % (i.get("irq.mode"), i.get("irq.vectors")))


def msi_poll(dev):
    """poll() says readable only once an interrupt arrived; O_NONBLOCK read is EAGAIN before."""
    fd = irq_open(dev, "msi 1\n", os.O_RDONLY | os.O_NONBLOCK)
    check(not readable(fd, 0.2), "readable before any interrupt")
    check_nothing_pending(fd, "a non-blocking read with nothing pending returned data")
    write32(dev, 0x44, 0x1)
    check(readable(fd, WAIT), "poll: not readable %d s after the interrupt" % WAIT)
    lines = os.read(fd, 4096).decode().splitlines()
    check(lines == ["msi 0 1"], "read %r after poll" % lines)
    check(not readable(fd, 0.2), "still readable after the event was read")
    write32(dev, 0x48, 0x1)


def msi_vector(dev):
    """msi 4, 0x4c triggers vector 3 alone."""
    raise_and_read(dev, "msi 4\n", 0x4c, 3, "msi 3 1")
    check(read32(dev, 0x40) == 0, "0x4c must not touch the status")


def msix_vectors(dev):
    """msix 8, vectors 5 and 7 through 0x4c, each counted on its own line."""
    fd = irq_open(dev, "msix 8\n")
    write32(dev, 0x4c, 5)
    write32(dev, 0x4c, 7)
    write32(dev, 0x4c, 7)
    got = {}
    while got != {"msix 5": 1, "msix 7": 2}:
        check(readable(fd, WAIT), "events %r, expected msix 5 x1 and msix 7 x2" % got)
        for line in os.read(fd, 4096).decode().splitlines():
            mode, vec, count = line.split()
            got["%s %s" % (mode, vec)] = got.get("%s %s" % (mode, vec), 0) + int(count)
        check(all(k in ("msix 5", "msix 7") for k in got), "unexpected events %r" % got)


def msix_many(dev):
    """more MSI-X vectors than one message carries descriptors: every vector still fires."""
    n = int(info(dev)["irq.msix.count"])
    fd = irq_open(dev, "msix %d\n" % n)
    for v in sorted({0, 7, 8, 9, n // 2, n - 1}):
        write32(dev, 0x4c, v)
        lines = read_events(fd)
        check(lines == ["msix %d 1" % v], "vector %d of %d: read %r" % (v, n, lines))
    irq_cmd(dev, "off\n")


def intx(dev):
    """intx: a raise through 0x44 is 'intx 0 1'; INTx is not maskable, so unmask is EINVAL."""
    irq_cmd(dev, "intx\n")
    i = info(dev)
    check(i.get("irq.intx.flags") == "eventfd", "irq.intx.flags %r" % i.get("irq.intx.flags"))
    fd = os.open(dev + "/irq", os.O_RDONLY)
    write32(dev, 0x44, 0x2)
    lines = read_events(fd)
    check(lines == ["intx 0 1"], "read %r, expected ['intx 0 1']" % lines)
    write32(dev, 0x48, 0x2)
    # Not automasked: a second interrupt arrives without any unmask.
    write32(dev, 0x44, 0x2)
    lines = read_events(fd)
    check(lines == ["intx 0 1"], "second INTx: read %r" % lines)
    write32(dev, 0x48, 0x2)
    e = irq_errno(dev, "unmask\n")
    check(e == "EINVAL", "unmask of a non-maskable INTx: %s, expected EINVAL" % e)


def trigger(dev):
    """'trigger 0' fires vector 0 from software."""
    fd = irq_open(dev, "msi 1\n")
    irq_cmd(dev, "trigger 0\n")
    lines = read_events(fd)
    check(lines == ["msi 0 1"], "read %r after trigger 0" % lines)


def factorial_irq(dev):
    """0x3c bit0: the factorial's completion raises vector 0 and sets status bit 0."""
    fd = irq_open(dev, "msi 1\n")
    write32(dev, 0x3c, 1)
    write32(dev, 0x30, 6)
    lines = read_events(fd)
    check(lines == ["msi 0 1"], "read %r" % lines)
    fd0 = os.open(dev + "/bar0", os.O_RDONLY)
    result = struct.unpack("<Q", os.pread(fd0, 8, 0x38))[0]
    check(result == 720, "6! read %d" % result)
    check(read32(dev, 0x40) & 1, "status bit 0 not set")
    write32(dev, 0x48, 0xffffffff)
    write32(dev, 0x3c, 0)


def dma_irq(dev):
    """DMA cmd bit2: completion raises vector 0 and sets status bit 8."""
    fd = irq_open(dev, "msix 2\n")
    write64(dev, 0x90, 0)          # an empty transfer still completes
    write64(dev, 0x98, 1 | 4)
    lines = read_events(fd)
    check(lines == ["msix 0 1"], "read %r" % lines)
    check(read32(dev, 0x40) & 0x100, "status bit 8 not set: %#x" % read32(dev, 0x40))
    write32(dev, 0x48, 0x100)


def broadcast(dev):
    """every open irq file sees every interrupt, none from before it was opened."""
    readers_see_each_interrupt(dev, "msix 2\n", lambda v: write32(dev, 0x4c, v))


def reset_turns_off(dev):
    """reset turns interrupts off (a waiting read ends), and they can be set up again."""
    reset_ends_read(dev, "msix 2\n", 0.3)
    fd = irq_open(dev, "msix 2\n")
    write32(dev, 0x4c, 1)
    check(read_events(fd) == ["msix 1 1"], "no event from the device after re-enabling")
    irq_cmd(dev, "off\n")


def rmdir_wakes_readers(dev):
    """rmdir of the device ends a blocked read with ENODEV."""
    rmdir_ends_read(dev, "msi 1\n", 0.3)


def blocked_reader(dev):
    """(run in the background) a blocked read of irq ends when the server dies."""
    fd = os.open(dev + "/irq", os.O_RDONLY)
    print("open", flush=True)
    signal.alarm(20)
    try:
        data = os.read(fd, 4096)
        print("EOF" if data == b"" else "data %r" % data)
    except OSError as e:
        print(errno.errorcode[e.errno])
    finally:
        signal.alarm(0)


def off(dev):
    """off: ends open readers' streams, no events after it; bad commands are EINVAL."""
    fd = irq_open(dev, "msi 1\n", os.O_RDONLY | os.O_NONBLOCK)
    irq_cmd(dev, "off\n")
    check(readable(fd, WAIT) and os.read(fd, 4096) == b"", "a reader open across 'off' did not see end of file")
    fd = os.open(dev + "/irq", os.O_RDONLY | os.O_NONBLOCK)
    write32(dev, 0x44, 0x1)
    check(not readable(fd, 0.3), "an event after 'off'")
    write32(dev, 0x48, 0x1)
    for bad in ("msi 5\n", "msix 9\n", "msi 0\n", "banana\n"):
        e = irq_errno(dev, bad)
        check(e == "EINVAL", "%r gave %s, expected EINVAL" % (bad.strip(), e))
    check(info(dev).get("irq.mode") == "off", "irq.mode %r" % info(dev).get("irq.mode"))


def no_descriptors(dev):
    """Over a link without descriptors every irq mode is EOPNOTSUPP."""
    for cmd in ("msi 1\n", "msix 1\n", "intx\n"):
        e = irq_errno(dev, cmd)
        # errno 95 is both EOPNOTSUPP and ENOTSUP on Linux (Python names it ENOTSUP)
        check(e in ("EOPNOTSUPP", "ENOTSUP"), "%r gave %s, expected EOPNOTSUPP" % (cmd.strip(), e))


if __name__ == "__main__":
    signal.signal(signal.SIGALRM, on_alarm)
    case, dev = sys.argv[1], sys.argv[2]
    try:
        globals()[case](dev)
    except (Fail, OSError) as e:
        print(e)
        sys.exit(1)
