"""What the Python test scripts share: reaching a vfiofs mount's files, and
the interrupt checks that the guest's irqtest.py and the host's vfu_irq.py
both make (the device-specific part, as how to raise a vector, is theirs).

Imported by tests/kernel/irqtest.py, tests/kernel/load.py,
tests/user/vfu_irq.py (they put tests/lib on sys.path first) and
tests/lib/irq_handoff.py.
"""
import errno
import os
import select
import signal
import struct
import threading

WAIT = 10  # seconds any expected event may take (TCG is slow)


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def on_alarm(signum, frame):
    raise Fail("timed out waiting")


def irq_cmd(dev, text):
    """Writes one command to the device's irq file."""
    fd = os.open(dev + "/irq", os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def irq_errno(dev, text):
    """"OK", or the errno name irq_cmd fails with."""
    try:
        irq_cmd(dev, text)
        return "OK"
    except OSError as e:
        return errno.errorcode[e.errno]


def write32(dev, off, value):
    fd = os.open(dev + "/bar0", os.O_WRONLY)
    os.pwrite(fd, struct.pack("<I", value), off)
    os.close(fd)


def write64(dev, off, value):
    fd = os.open(dev + "/bar0", os.O_WRONLY)
    os.pwrite(fd, struct.pack("<Q", value), off)
    os.close(fd)


def read32(dev, off):
    fd = os.open(dev + "/bar0", os.O_RDONLY)
    v = struct.unpack("<I", os.pread(fd, 4, off))[0]
    os.close(fd)
    return v


def info(dev):
    """The device's info file as a dict of key -> value."""
    out = {}
    for line in open(dev + "/info"):
        k, _, v = line.rstrip("\n").partition(" ")
        out[k] = v
    return out


def reset(dev):
    with open(dev + "/reset", "w") as f:
        f.write("1")


# ---- the irq file ----

def irq_open(dev, mode, flags=os.O_RDONLY):
    """Turns interrupts on with the irq command mode; the irq file, opened with flags."""
    irq_cmd(dev, mode)
    return os.open(dev + "/irq", flags)


def read_events(fd, timeout=WAIT):
    """One blocking read (guarded by an alarm); returns the lines."""
    signal.alarm(timeout)
    try:
        data = os.read(fd, 4096)
    finally:
        signal.alarm(0)
    return data.decode().splitlines()


def readable(fd, timeout):
    return bool(select.select([fd], [], [], timeout)[0])


def check_nothing_pending(fd, msg):
    """A non-blocking read of fd fails with EAGAIN; else Fail(msg)."""
    try:
        os.read(fd, 4096)
    except BlockingIOError:
        return
    raise Fail(msg)


def read_across(fd, delay, action, *args):
    """One blocking read of fd (guarded by an alarm) while action(*args) runs
    in another thread delay seconds in; returns the bytes read."""
    threading.Timer(delay, action, args).start()
    signal.alarm(WAIT)
    try:
        return os.read(fd, 4096)
    finally:
        signal.alarm(0)


# ---- steps both suites check, each on its own device ----

def readers_see_each_interrupt(dev, mode, fire):
    """Every open irq file sees every interrupt, none from before it was
    opened; mode turns on (at least) two MSI-X vectors, fire(v) raises v."""
    r1 = irq_open(dev, mode)
    r2 = os.open(dev + "/irq", os.O_RDONLY)
    fire(1)
    check(read_events(r1) == ["msix 1 1"], "reader 1 missed the interrupt")
    check(read_events(r2) == ["msix 1 1"], "reader 2 missed the interrupt")
    r3 = os.open(dev + "/irq", os.O_RDONLY | os.O_NONBLOCK)
    check(not readable(r3, 0.2), "a reader opened after the interrupt saw it")
    check_nothing_pending(r3, "a reader opened after the interrupt saw it")
    fire(0)
    check(read_events(r3) == ["msix 0 1"], "the late reader missed a later interrupt")
    check(read_events(r1) == ["msix 0 1"], "reader 1 missed the second interrupt")


def reset_ends_read(dev, mode, delay):
    """A reset delay seconds into a blocked read of irq ends it with end of
    file and turns interrupts off; returns the irq file."""
    fd = irq_open(dev, mode)
    data = read_across(fd, delay, reset, dev)
    check(data == b"", "a waiting read got %r across a reset" % data)
    check(info(dev).get("irq.mode") == "off", "interrupts still on after reset")
    return fd


def rmdir_ends_read(dev, mode, delay):
    """rmdir of the device delay seconds into a blocked read of irq ends the read with ENODEV."""
    fd = irq_open(dev, mode)
    try:
        data = read_across(fd, delay, os.rmdir, dev)
    except OSError as e:
        check(e.errno == errno.ENODEV, "read after rmdir: %s" % errno.errorcode[e.errno])
        return
    raise Fail("read returned %r after rmdir" % data)
