#!/usr/bin/env python3
"""nvme_identify.py DEVICE_DIR: ask an NVMe controller who it is, through a
vfiofs mount, with nothing but the Python standard library.

    vfiofs /mnt/vfio -o device=0000:00:06.0
    python3 examples/nvme_identify.py /mnt/vfio/0000:00:06.0

It brings the controller up with one admin queue pair in DMA buffers, sends
one Identify Controller command, waits for its completion interrupt (MSI-X
vector 0) and prints the vendor id, serial number, model and firmware
revision. Written against QEMU's nvme (1b36:0010) and the NVMe 1.4 base
specification; any NVMe controller should answer the same way.

The files it uses (see doc/vfiofs.1):
    DEVICE_DIR/bar0   the controller's registers: an aligned 4- or 8-byte
                      pread/pwrite is exactly one 32- or 64-bit access
    DEVICE_DIR/irq    "msix 1" switches on MSI-X vector 0; reading it waits
                      for interrupts ("msix 0 COUNT" lines); "off" stops them
    MOUNT/dma/NAME    DMA buffers: truncate to allocate and map one, the xattr
                      user.vfio.iova gives its bus address, pread/pwrite the
                      file to read and write its bytes, unlink to free it
Exit status 0 on success, 1 with a message on any failure.
"""
import os
import select
import struct
import sys
import time

WAIT = 10.0  # seconds an interrupt may take (emulated devices are slow)

# Controller registers (NVMe base specification, section 3.1).
CAP = 0x00    # 64-bit capabilities
VS = 0x08     # version
CC = 0x14     # controller configuration
CSTS = 0x1C   # controller status
AQA = 0x24    # admin queue attributes (sizes)
ASQ = 0x28    # 64-bit admin submission queue base address
ACQ = 0x30    # 64-bit admin completion queue base address
DOORBELLS = 0x1000

CC_EN = 1 << 0
CSTS_RDY = 1 << 0
CSTS_CFS = 1 << 1  # controller fatal status

QUEUE_ENTRIES = 64   # admin queue depth (both queues)
SQE_SIZE = 64        # a submission queue entry is 64 bytes (2^6)
CQE_SIZE = 16        # a completion queue entry is 16 bytes (2^4)
IDENTIFY_SIZE = 4096
OPC_IDENTIFY = 0x06
CNS_CONTROLLER = 1


class Failure(Exception):
    pass


class Regs:
    """BAR0 registers, each access one pread/pwrite of exactly its width."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR)

    def read32(self, off):
        return struct.unpack("<I", os.pread(self.fd, 4, off))[0]

    def read64(self, off):
        return struct.unpack("<Q", os.pread(self.fd, 8, off))[0]

    def write32(self, off, value):
        os.pwrite(self.fd, struct.pack("<I", value), off)

    def write64(self, off, value):
        os.pwrite(self.fd, struct.pack("<Q", value), off)

    def close(self):
        os.close(self.fd)


class DmaBuffer:
    """A buffer in MOUNT/dma: created, sized (allocated, pinned, mapped),
    read and written through its file, unlinked at the end."""

    def __init__(self, mount, name, size):
        self.path = os.path.join(mount, "dma", name)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.ftruncate(self.fd, size)
            self.iova = int(os.getxattr(self.path, "user.vfio.iova").decode().strip(), 0)
        except OSError:
            self.free()
            raise
        self.size = size

    def read(self, length, offset=0):
        return os.pread(self.fd, length, offset)

    def write(self, data, offset=0):
        if os.pwrite(self.fd, data, offset) != len(data):
            raise Failure("short write to %s" % self.path)

    def free(self):
        os.close(self.fd)
        os.unlink(self.path)


def wait_for(what, timeout, cond):
    """Poll cond() every millisecond until it is true or timeout seconds pass."""
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise Failure("timed out after %.1f s waiting for %s" % (timeout, what))
        time.sleep(0.001)


def irq_command(dev, text):
    with open(os.path.join(dev, "irq"), "w") as f:
        f.write(text)


def identify(dev):
    dev = os.path.normpath(dev)
    mount = os.path.dirname(dev)  # the mount is the device directory's parent
    if not os.path.isfile(os.path.join(dev, "bar0")) or not os.path.isdir(os.path.join(mount, "dma")):
        raise Failure("%s is not a device directory in a vfiofs mount" % dev)

    # Is it an NVMe controller? info has "key value" lines; the class code
    # of an NVM Express controller is 0x010802 (storage, NVM, NVMe).
    info = {}
    with open(os.path.join(dev, "info")) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition(" ")
            info[key] = value
    print("info: vendor %s device %s class %s" % (info.get("vendor"), info.get("device"), info.get("class")))
    if info.get("class") != "0x010802":
        raise Failure("%s has class %s, not an NVMe controller (0x010802)" % (dev, info.get("class")))

    regs = Regs(os.path.join(dev, "bar0"))
    cleanup = []  # undo steps, run in reverse order however we leave
    try:
        # -- capabilities -----------------------------------------------------
        cap = regs.read64(CAP)
        mqes = (cap & 0xFFFF) + 1          # maximum queue entries (0's based)
        to = (cap >> 24) & 0xFF             # worst-case ready time, 500 ms units
        dstrd = (cap >> 32) & 0xF           # doorbell stride: 4 << DSTRD bytes
        css = (cap >> 37) & 0xFF            # command sets supported
        vs = regs.read32(VS)
        print("CAP 0x%016x: MQES %d, TO %d (%.1f s), DSTRD %d, CSS 0x%02x; version %d.%d.%d"
              % (cap, mqes, to, to * 0.5, dstrd, css, vs >> 16, (vs >> 8) & 0xFF, vs & 0xFF))
        if not css & 1:
            raise Failure("the controller does not support the NVM command set (CAP.CSS 0x%02x)" % css)
        ready_timeout = max(to * 0.5, 1.0)
        entries = min(QUEUE_ENTRIES, mqes)
        stride = 4 << dstrd

        def sq_tail_doorbell(qid):
            return DOORBELLS + (2 * qid) * stride

        def cq_head_doorbell(qid):
            return DOORBELLS + (2 * qid + 1) * stride

        def csts_fatal():
            if regs.read32(CSTS) & CSTS_CFS:
                raise Failure("the controller reports a fatal error (CSTS 0x%08x, CFS set)" % regs.read32(CSTS))

        def disable():
            regs.write32(CC, regs.read32(CC) & ~CC_EN)
            wait_for("CSTS.RDY = 0 after clearing CC.EN", ready_timeout,
                     lambda: not regs.read32(CSTS) & CSTS_RDY)

        # -- disable: queues may only be set up while the controller is off ---
        disable()
        print("controller disabled (CC.EN 0, CSTS.RDY 0)")

        # -- the admin queues and the identify buffer, in DMA memory ----------
        tag = "nvme-identify-%d" % os.getpid()
        sq = DmaBuffer(mount, tag + "-asq", entries * SQE_SIZE)
        cleanup.append(sq.free)
        cq = DmaBuffer(mount, tag + "-acq", entries * CQE_SIZE)
        cleanup.append(cq.free)
        data = DmaBuffer(mount, tag + "-identify", IDENTIFY_SIZE)
        cleanup.append(data.free)
        cq.write(bytes(entries * CQE_SIZE))  # phase tags 0: no entry posted yet
        print("admin SQ %d x %d bytes at IOVA 0x%x, CQ %d x %d bytes at IOVA 0x%x, identify buffer at IOVA 0x%x"
              % (entries, SQE_SIZE, sq.iova, entries, CQE_SIZE, cq.iova, data.iova))

        # -- interrupts: the admin completion queue uses MSI-X vector 0 -------
        # Switch MSI-X on BEFORE enabling the controller, as Linux's nvme
        # driver does: a controller may bind the admin queue to its vector
        # when CC.EN is set (QEMU 7.2's nvme claims the vector only if MSI-X
        # is on by then, and otherwise never signals it).
        irq_command(dev, "msix 1")
        cleanup.append(lambda: irq_command(dev, "off"))
        # Open irq before submitting: a reader sees the interrupts that
        # arrive after it opened the file.
        irq = os.open(os.path.join(dev, "irq"), os.O_RDONLY)
        cleanup.append(lambda: os.close(irq))

        # -- program the admin queues and enable ------------------------------
        # From here on the controller may write to the buffers: at the end it
        # is disabled before they are freed (cleanup runs in reverse order).
        cleanup.append(disable)
        regs.write32(AQA, (entries - 1) << 16 | (entries - 1))  # ACQS, ASQS (0's based)
        regs.write64(ASQ, sq.iova)
        regs.write64(ACQ, cq.iova)
        # EN, CSS 0 (NVM), MPS 0 (4 KiB pages), AMS 0 (round robin),
        # IOSQES 6 (64-byte SQ entries), IOCQES 4 (16-byte CQ entries).
        regs.write32(CC, CC_EN | 0 << 4 | 0 << 7 | 0 << 11 | 6 << 16 | 4 << 20)

        def ready():
            csts_fatal()
            return regs.read32(CSTS) & CSTS_RDY

        wait_for("CSTS.RDY = 1 after setting CC.EN", ready_timeout, ready)
        print("controller enabled (CC 0x%08x, CSTS 0x%08x)" % (regs.read32(CC), regs.read32(CSTS)))

        # -- Identify Controller, in submission queue slot 0 ------------------
        cid = 0x1234
        cmd = bytearray(SQE_SIZE)
        struct.pack_into("<I", cmd, 0, OPC_IDENTIFY | cid << 16)  # CDW0: opcode, CID
        struct.pack_into("<I", cmd, 4, 0)                         # NSID
        struct.pack_into("<Q", cmd, 24, data.iova)                # PRP1 (one page: no PRP2)
        struct.pack_into("<I", cmd, 40, CNS_CONTROLLER)           # CDW10: CNS
        sq.write(bytes(cmd), 0 * SQE_SIZE)
        regs.write32(sq_tail_doorbell(0), 1)  # tail = 1: one command to fetch
        print("identify command (CID 0x%04x) in SQ slot 0, SQ0 tail doorbell (0x%x) = 1" % (cid, sq_tail_doorbell(0)))

        # -- wait for the interrupt -------------------------------------------
        if not select.select([irq], [], [], WAIT)[0]:
            csts_fatal()
            posted = struct.unpack_from("<I", cq.read(CQE_SIZE), 12)[0] >> 16 & 1
            raise Failure("no interrupt within %.0f s (CSTS 0x%08x; CQ entry 0 %s)"
                          % (WAIT, regs.read32(CSTS), "was posted: the completion came without its interrupt"
                             if posted else "is empty: the command did not complete"))
        event = os.read(irq, 4096).decode().strip()
        print("interrupt: %s" % event)
        if not event.startswith("msix 0 "):
            raise Failure("unexpected interrupt event %r, expected 'msix 0 N'" % event)

        # -- the completion entry ---------------------------------------------
        dw0, dw1, dw2, dw3 = struct.unpack("<4I", cq.read(CQE_SIZE, 0))
        phase = dw3 >> 16 & 1
        status = dw3 >> 17  # 15 bits: SC 7:0, SCT 10:8, CRD 12:11, M 13, DNR 14
        if phase != 1:
            csts_fatal()
            raise Failure("the interrupt came but CQ entry 0 has phase tag 0: no completion posted")
        if dw3 & 0xFFFF != cid:
            raise Failure("completion for CID 0x%04x, expected 0x%04x" % (dw3 & 0xFFFF, cid))
        if status:
            raise Failure("identify failed: status 0x%04x (status code type %d, status code 0x%02x%s)"
                          % (status, status >> 8 & 7, status & 0xFF, ", do not retry" if status >> 14 & 1 else ""))
        print("completion: CID 0x%04x, SQ head %d, phase 1, status 0 (success)" % (dw3 & 0xFFFF, dw2 & 0xFFFF))
        regs.write32(cq_head_doorbell(0), 1)  # we consumed one entry: head = 1

        # -- the identify data ------------------------------------------------
        ident = data.read(IDENTIFY_SIZE)
        if len(ident) != IDENTIFY_SIZE:
            raise Failure("short read of the identify buffer")

        def text(a, b):
            return ident[a:b].decode("ascii", "replace").strip(" \0")

        print("vid: 0x%04x" % struct.unpack_from("<H", ident, 0))
        print("serial: %s" % text(4, 24))
        print("model: %s" % text(24, 64))
        print("firmware: %s" % text(64, 72))
    finally:
        errors = []
        for step in reversed(cleanup):
            try:
                step()
            except (OSError, Failure) as e:
                errors.append(str(e))
        regs.close()
        if errors:
            print("nvme_identify.py: cleanup: %s" % "; ".join(errors), file=sys.stderr)


def main():
    if len(sys.argv) != 2:
        print("usage: python3 nvme_identify.py DEVICE_DIR   (e.g. /mnt/vfio/0000:00:06.0)", file=sys.stderr)
        return 2
    try:
        identify(sys.argv[1])
    except (Failure, OSError) as e:
        print("nvme_identify.py: error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
