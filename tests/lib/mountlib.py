"""What the Python test scripts share: reaching a vfiofs mount's files.

Imported by tests/integration/irqtest.py, tests/integration/load.py and
tests/host/vfu_irq.py (they put tests/lib on sys.path first).
"""
import errno
import os
import struct


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
