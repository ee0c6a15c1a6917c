#!/usr/bin/env python3
"""A minimal vfio-user client for checking a device model without vfiofs.

    python3 tests/user/servers/vfu_client.py selftest SOCKET     checks vfu_edu

Speaks only what the checks need: VERSION, DMA_MAP (with a memfd, or without
a descriptor), region info, REGION_READ/WRITE, DEVICE_SET_IRQS with eventfds,
DEVICE_RESET, and it answers the server's DMA_READ/DMA_WRITE from its own
buffers (no twin socket: those requests arrive between a request and its
reply). Test tooling, not part of vfiofs.
"""
import json
import mmap
import os
import select
import socket
import struct
import sys

HDR = struct.Struct("<HHIII")  # msg_id, command, size, flags, error
VERSION, DMA_MAP, DMA_UNMAP, GET_INFO, GET_REGION_INFO = 1, 2, 3, 4, 5
GET_IRQ_INFO, SET_IRQS, REGION_READ, REGION_WRITE = 7, 8, 9, 10
DMA_READ, DMA_WRITE, DEVICE_RESET = 11, 12, 13
F_REPLY, F_ERROR = 1, 0x20
IRQ_DATA_NONE, IRQ_DATA_EVENTFD, IRQ_ACTION_TRIGGER = 1, 4, 32
INTX, MSI, MSIX = 0, 1, 2
CONFIG = 7


class VfuError(Exception):
    def __init__(self, errno_):
        super().__init__(os.strerror(errno_))
        self.errno = errno_


class Client:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(path)
        self.next_id = 1
        self.buffers = []  # (iova, mmap)
        caps = {"capabilities": {"max_msg_fds": 8, "max_data_xfer_size": 1 << 20}}
        reply = self.request(VERSION, struct.pack("<HH", 0, 2) + json.dumps(caps).encode() + b"\0")
        self.server_caps = json.loads(reply[4:].rstrip(b"\0"))

    def _recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("server closed the connection")
            data += chunk
        return data

    def _serve_dma(self, msg_id, cmd, body):
        """Answers a server's DMA_READ/DMA_WRITE from our buffers."""
        addr, count = struct.unpack_from("<QQ", body)
        for iova, mem in self.buffers:
            if iova <= addr and addr + count <= iova + len(mem):
                off = addr - iova
                if cmd == DMA_READ:
                    out = struct.pack("<QQ", addr, count) + mem[off:off + count]
                else:
                    mem[off:off + count] = body[16:16 + count]
                    out = struct.pack("<QQ", addr, count)
                self.sock.sendall(HDR.pack(msg_id, cmd, HDR.size + len(out), F_REPLY, 0) + out)
                return
        self.sock.sendall(HDR.pack(msg_id, cmd, HDR.size, F_REPLY | F_ERROR, 14))  # EFAULT

    def request(self, cmd, payload=b"", fds=()):
        msg_id = self.next_id
        self.next_id = (self.next_id + 1) & 0xffff
        data = HDR.pack(msg_id, cmd, HDR.size + len(payload), 0, 0) + payload
        if fds:
            socket.send_fds(self.sock, [data], list(fds))
        else:
            self.sock.sendall(data)
        while True:
            rid, rcmd, size, flags, err = HDR.unpack(self._recv_exact(HDR.size))
            body = self._recv_exact(size - HDR.size)
            if flags & 0xf == 0:  # a request of the server's own
                self._serve_dma(rid, rcmd, body)
                continue
            if rid != msg_id or rcmd != cmd:
                raise RuntimeError("reply %d/%d for request %d/%d" % (rid, rcmd, msg_id, cmd))
            if flags & F_ERROR:
                raise VfuError(err)
            return body

    def map_buffer(self, iova, size, with_fd=True):
        fd = os.memfd_create("buf")
        os.ftruncate(fd, size)
        mem = mmap.mmap(fd, size)
        self.buffers.append((iova, mem))
        self.request(DMA_MAP, struct.pack("<IIQQQ", 32, 3, 0, iova, size), [fd] if with_fd else ())
        os.close(fd)
        return mem

    def region_size(self, index):
        reply = self.request(GET_REGION_INFO, struct.pack("<IIIIQQ", 32, 0, index, 0, 0, 0))
        return struct.unpack_from("<IIIIQQ", reply)[4]

    def read(self, region, off, count):
        reply = self.request(REGION_READ, struct.pack("<QII", off, region, count))
        return reply[16:16 + count]

    def write(self, region, off, data):
        self.request(REGION_WRITE, struct.pack("<QII", off, region, len(data)) + data)

    def r32(self, off):
        return struct.unpack("<I", self.read(0, off, 4))[0]

    def r64(self, off):
        return struct.unpack("<Q", self.read(0, off, 8))[0]

    def w32(self, off, v):
        self.write(0, off, struct.pack("<I", v))

    def w64(self, off, v):
        self.write(0, off, struct.pack("<Q", v))

    def set_irqs(self, index, efds):
        flags = IRQ_ACTION_TRIGGER | (IRQ_DATA_EVENTFD if efds else IRQ_DATA_NONE)
        self.request(SET_IRQS, struct.pack("<IIIII", 20, flags, index, 0, len(efds)), efds)

    def reset(self):
        self.request(DEVICE_RESET)


def selftest(path):
    failures = 0

    def check(cond, what):
        nonlocal failures
        print("%s - %s" % ("ok" if cond else "not ok", what))
        failures += not cond

    def fails(fn):
        try:
            fn()
            return False
        except VfuError:
            return True

    c = Client(path)
    check(c.server_caps["capabilities"]["max_data_xfer_size"] > 0, "VERSION negotiated")
    check(c.read(CONFIG, 0, 4) == bytes.fromhex("3412e911"), "config ids 1234:11e9")
    check(c.read(CONFIG, 8, 4) == bytes.fromhex("1000ff00"), "revision 0x10, class 0x00ff00")
    check(c.read(CONFIG, 44, 4) == bytes.fromhex("f41a0011"), "subsystem 1af4:1100")
    check(c.region_size(0) == 0x1000 and c.region_size(2) == 0x10000 and c.region_size(1) == 0,
          "BAR0 4 KiB, BAR1 absent, BAR2 64 KiB")
    resets = c.r32(0x08)
    c.reset()
    check(c.r32(0x08) == resets + 1, "reset counted at 0x08")
    check(c.r32(0x00) == 0x56465531, "ident")
    c.w32(0x04, 0x12345678)
    check(c.r32(0x04) == 0xedcba987, "liveness NOT")
    check(fails(lambda: c.read(0, 0x00, 2)), "2-byte ident read refused")
    check(fails(lambda: c.read(0, 0x28, 4)), "4-byte read of 0x28 refused")
    check(fails(lambda: c.read(0, 0x200, 4)), "undefined offset refused")
    c.w32(0x10, 0)
    c.write(0, 0x20, b"\x01")
    c.write(0, 0x22, b"\x02\x03")
    c.write(0, 0x24, b"\x04\x05\x06\x07")
    c.read(0, 0x20, 8)
    c.read(0, 0x21, 1)
    check([c.r32(o) for o in (0x10, 0x14, 0x18, 0x1c)] == [2, 1, 1, 1], "width counters")
    check(fails(lambda: c.write(0, 0x22, b"\0\0\0\0")), "misaligned 4-byte scratch write refused")
    check(c.read(0, 0x20, 8) == b"\x01\x00\x02\x03\x04\x05\x06\x07", "scratch bytes")
    c.w64(0x28, 0x1122334455667788)
    check(c.r64(0x28) == 0x1122334455667788, "64-bit register")
    c.w32(0x30, 20)
    busy_seen = c.r32(0x34) & 1
    for _ in range(10000):
        if not c.r32(0x34) & 1:
            break
    check(c.r64(0x38) == 2432902008176640000, "20! (busy seen: %d)" % busy_seen)
    check(fails(lambda: c.w32(0x30, 21)), "21! refused")

    # Interrupts: MSI, 4 vectors
    efds = [os.eventfd(0, os.EFD_NONBLOCK) for _ in range(4)]
    c.set_irqs(MSI, efds)
    c.w32(0x44, 0x4)
    check(os.eventfd_read(efds[0]) == 1 and c.r32(0x40) == 0x4, "raise vector 0, status")
    c.w32(0x48, 0x4)
    check(c.r32(0x40) == 0, "acknowledge")
    c.w32(0x4c, 3)
    check(os.eventfd_read(efds[3]) == 1, "vector 3 by 0x4c")
    c.w32(0x3c, 1)
    c.w32(0x30, 5)
    r, _, _ = select.select([efds[0]], [], [], 5)
    check(bool(r) and c.r64(0x38) == 120 and c.r32(0x40) & 1, "factorial interrupt")
    c.w32(0x48, 0xffffffff)
    c.w32(0x3c, 0)
    c.set_irqs(MSI, [])

    # DMA: one buffer with a descriptor, one without
    pat = os.urandom(8192)
    fdbuf = c.map_buffer(0x100000, 0x4000, with_fd=True)
    msgbuf = c.map_buffer(0x200000, 0x4000, with_fd=False)
    for mode, name in ((0, "messages"), (8, "direct")):
        for buf, iova, kind in ((fdbuf, 0x100000, "fd buffer"), (msgbuf, 0x200000, "fd-less buffer")):
            buf[0:8192] = pat
            c.w64(0x80, iova)
            c.w64(0x88, 0x3000)  # crosses the mmap-able / non-mappable boundary
            c.w64(0x90, 8192)
            c.w64(0x98, 1 | mode)
            res_in = c.r32(0xa0)
            buf[0:8192] = bytes(8192)
            c.w64(0x80, 0x3000)
            c.w64(0x88, iova + 0x1000)
            c.w64(0x98, 3 | mode)
            res_out = c.r32(0xa0)
            if mode == 8 and kind == "fd-less buffer":
                check(res_in != 0 and res_out != 0, "direct DMA without a descriptor fails (%d)" % res_in)
            else:
                check(res_in == 0 and res_out == 0 and bytes(buf[0x1000:0x1000 + 8192]) == pat
                      and c.read(2, 0x3000, 8192) == pat, "DMA both ways by %s, %s" % (name, kind))
    c.w64(0x80, 0x900000)
    c.w64(0x88, 0)
    c.w64(0x98, 1)
    check(c.r32(0xa0) != 0, "DMA from an unmapped address fails (%d)" % c.r32(0xa0))
    # A transfer spanning two adjacent mappings (one with, one without a descriptor)
    nextbuf = c.map_buffer(0x104000, 0x4000, with_fd=False)
    fdbuf[0x3000:0x4000] = pat[:0x1000]
    nextbuf[0:0x1000] = pat[0x1000:0x2000]
    c.w64(0x80, 0x103000)
    c.w64(0x88, 0x8000)
    c.w64(0x90, 0x2000)
    c.w64(0x98, 1)
    check(c.r32(0xa0) == 0 and c.read(2, 0x8000, 0x2000) == pat[:0x2000], "DMA across two mappings")
    c.w64(0x90, 0x20000)
    c.w64(0x80, 0x100000)
    c.w64(0x98, 1)
    check(c.r32(0xa0) == 22, "DMA past BAR2 is EINVAL")
    print("%d failed" % failures)
    return failures == 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "selftest":
        sys.exit(__doc__)
    sys.exit(0 if selftest(sys.argv[2]) else 1)
